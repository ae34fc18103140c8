import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type Me } from '@/web/api';
import { useFormat } from '@/web/format';
import { Page } from '@/web/components/page';
import { ScrollBox } from '@/web/components/scroll-box';
import { ErrorBox, Loading } from '@/web/components/status';
import { Link } from '@/web/router';
import {
  discard,
  resolve,
  sameGroup,
  withReason,
  type Conflict,
  type GroupKey,
} from '@/web/journal/outbox-core';
import { flush, nextStamp, save, update, useConfirmed, useOutbox, useSync } from '@/web/journal/outbox';
import {
  defaultTerm,
  journalPath,
  ReportLinks,
  TermSelect,
  today,
  useOnline,
  useSubjectName,
  useTerms,
} from '@/web/journal/shared';
import type {
  Attendance,
  Column,
  EntryInput,
  HistoryStep,
  JournalView,
  Mark,
  TermResult,
} from '@/web/journal/types';

/** A change the teacher made on this page and has not saved yet. */
interface Draft {
  studentId: number;
  key: string;
  attendance?: { code: string; reason?: string } | null;
  mark?: { value: number; comment?: string } | null;
}

/** What a cell shows: the server's value, then what waits in the outbox, then this page's unsaved change. */
interface Shown {
  attendance: Attendance | null;
  mark: Mark | null;
  pending: boolean;
  draft: boolean;
}

const cellId = (studentId: number, key: string) => `${studentId}:${key}`;

/** A grid column's date, short enough for a narrow column: day and month as numbers (30.11). */
const dayMonth = (iso: string) => `${Number(iso.slice(8, 10))}.${iso.slice(5, 7)}`;

function journalKey(group: GroupKey) {
  return ['journal', group.classId, group.subjectCode, group.term] as const;
}

/** The journal of one class, subject and term: `/journal/:classId?subject=…&term=…`. */
export default function ClassJournalPage({ id, me }: { id: number; me: Me }) {
  const { t } = useTranslation();
  const params = new URLSearchParams(window.location.search);
  const subject = params.get('subject') ?? '';
  const { terms, error: termsError } = useTerms();
  const [chosen, setChosen] = useState(params.get('term') ?? '');
  const term = chosen || (terms ? (defaultTerm(terms) ?? '') : '');
  const subjectName = useSubjectName();
  const group: GroupKey = { classId: id, subjectCode: subject, term };
  const journal = useQuery({
    // Names (subject, term, codes, marks) come in the account's language: once it changes, read again.
    queryKey: [...journalKey(group), me.user.locale],
    queryFn: () =>
      api<JournalView>(
        `/journal/classes/${id}/subjects/${encodeURIComponent(subject)}?term=${encodeURIComponent(term)}`,
      ),
    enabled: subject !== '' && term !== '',
    // While another language's names load, the page (and its unsaved changes) stays.
    placeholderData: (previous) => (previous?.term.code === term ? previous : undefined),
  });
  useSync(me.user.id);
  const confirmed = useConfirmed();
  const client = useQueryClient();
  useEffect(() => {
    if (confirmed > 0) void client.invalidateQueries({ queryKey: ['journal', id] });
  }, [confirmed, client, id]);

  const pickTerm = (code: string) => {
    setChosen(code);
    window.history.replaceState(null, '', journalPath(id, subject, code));
  };

  const view = journal.data;
  const title = view
    ? t('journal.classTitle', { name: view.class.name, subject: view.subject.name })
    : subject
      ? t('journal.classTitle', { name: '…', subject: subjectName(subject) })
      : t('journal.title');
  return (
    <Page title={title}>
      <p>
        <Link to="/journal">{t('journal.back')}</Link>
      </p>
      {subject === '' ? <p>{t('journal.noSubject')}</p> : null}
      {termsError ? <ErrorBox error={termsError} /> : null}
      {terms && terms.length > 0 ? (
        <div className="journal-toolbar">
          <TermSelect id="journal-term" terms={terms} value={term} onChange={pickTerm} />
        </div>
      ) : null}
      {terms && terms.length === 0 ? <p>{t('journal.noTerms')}</p> : null}
      {journal.isLoading ? <Loading /> : null}
      {journal.isError ? <ErrorBox error={journal.error} onRetry={() => void journal.refetch()} /> : null}
      {view ? <JournalBody key={term} view={view} group={group} me={me} /> : null}
    </Page>
  );
}

function JournalBody({ view, group, me }: { view: JournalView; group: GroupKey; me: Me }) {
  const { t } = useTranslation();
  const f = useFormat();
  const online = useOnline();
  const outbox = useOutbox(me.user.id);
  const pendingGroup = outbox.groups.find((g) => sameGroup(g, group));
  const conflicts = outbox.conflicts.filter((c) => sameGroup(c, group));
  const [drafts, setDrafts] = useState<Map<string, Draft>>(new Map());
  const [mode, setMode] = useState<'lesson' | 'grid'>('lesson');
  const [editing, setEditing] = useState<{ studentId: number; key: string } | null>(null);
  const [reason, setReason] = useState('');
  const [everSaved, setEverSaved] = useState(false);
  const [column, setColumn] = useState<string>(() => {
    // The latest lesson that has begun: the one a teacher takes attendance for.
    const begun = view.columns.filter((c) => c.kind === 'lesson' && c.started);
    return (begun.at(-1) ?? view.columns[0])?.key ?? '';
  });

  const serverCells = useMemo(
    () => new Map(view.cells.map((c) => [cellId(c.studentId, c.key), c])),
    [view.cells],
  );
  const codes = new Map(view.attendanceCodes.map((c) => [c.code, c]));
  const columnLabel = (c: Column) =>
    c.kind === 'assessment'
      ? t('journal.assessmentColumn', { date: f.date(c.date), title: c.title ?? '' })
      : c.period !== null
        ? t('journal.lessonColumn', { date: f.date(c.date), period: c.period })
        : f.date(c.date);

  const shown = (studentId: number, key: string): Shown => {
    const id = cellId(studentId, key);
    const server = serverCells.get(id);
    let attendance = server?.attendance ?? null;
    let mark = server?.mark ?? null;
    const pending = pendingGroup?.cells.find((c) => c.studentId === studentId && c.key === key);
    const draft = drafts.get(id);
    for (const change of [pending, draft]) {
      if (!change) continue;
      if (change.attendance !== undefined)
        attendance = change.attendance
          ? { code: change.attendance.code, reason: change.attendance.reason ?? null }
          : null;
      if (change.mark !== undefined)
        mark = change.mark ? { value: change.mark.value, comment: change.mark.comment ?? null } : null;
    }
    return { attendance, mark, pending: Boolean(pending), draft: Boolean(draft) };
  };

  const change = (studentId: number, key: string, patch: Omit<Draft, 'studentId' | 'key'>) => {
    setDrafts((old) => {
      const next = new Map(old);
      const id = cellId(studentId, key);
      next.set(id, { ...(old.get(id) ?? { studentId, key }), ...patch });
      return next;
    });
  };

  const presentCode =
    view.attendanceCodes.find((c) => c.code === 'present') ??
    view.attendanceCodes.find((c) => c.countsAsPresent);
  const allPresent = () => {
    if (!presentCode) return;
    for (const s of view.students)
      if (shown(s.id, column).attendance === null)
        change(s.id, column, { attendance: { code: presentCode.code } });
  };

  const draftList = [...drafts.values()];
  const missingReason = draftList.filter(
    (d) => d.attendance && codes.get(d.attendance.code)?.needsReason && !d.attendance.reason?.trim(),
  );
  const closed = view.term.closed;
  const canSave = draftList.length > 0 && missingReason.length === 0 && (!closed || reason.trim() !== '');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!canSave) return;
    const entries: EntryInput[] = draftList.map((d) => ({
      ...d,
      baseVersion: serverCells.get(cellId(d.studentId, d.key))?.version ?? 0,
    }));
    save(me.user.id, group, entries, closed ? reason.trim() : undefined);
    setDrafts(new Map());
    setEverSaved(true);
  };

  const studentName = (id: number) => view.students.find((s) => s.id === id)?.displayName ?? String(id);
  const current = view.columns.find((c) => c.key === column);
  const pendingCount = pendingGroup?.cells.length ?? 0;
  // Once something waited (saved here, or left from before a reload), "all saved" is worth saying when it is sent.
  useEffect(() => {
    if (pendingCount > 0) setEverSaved(true);
  }, [pendingCount]);

  return (
    <>
      {closed ? (
        <div className="warning" role="note">
          <p>
            {t('journal.closedNote', {
              date: view.term.closedAt ? f.dateTime(view.term.closedAt) : '',
            })}
          </p>
        </div>
      ) : null}
      <SyncState
        online={online}
        pending={pendingCount}
        waiting={Boolean(pendingGroup && !pendingGroup.problem)}
        everSaved={everSaved}
      />
      {pendingGroup?.problem ? <Refused me={me} group={group} problem={pendingGroup.problem} /> : null}
      {conflicts.length > 0 ? (
        <Conflicts
          me={me}
          conflicts={conflicts}
          studentName={studentName}
          column={(key) => {
            const c = view.columns.find((x) => x.key === key);
            return c ? columnLabel(c) : key;
          }}
          describe={(a, m) => describe(a, m)}
        />
      ) : null}

      <div className="row-buttons" role="group" aria-label={t('journal.viewLabel')}>
        <button
          type="button"
          className={mode === 'lesson' ? undefined : 'secondary'}
          aria-pressed={mode === 'lesson'}
          onClick={() => setMode('lesson')}
        >
          {t('journal.modeLesson')}
        </button>
        <button
          type="button"
          className={mode === 'grid' ? undefined : 'secondary'}
          aria-pressed={mode === 'grid'}
          onClick={() => setMode('grid')}
        >
          {t('journal.modeGrid')}
        </button>
      </div>

      {view.students.length === 0 ? <p>{t('journal.noStudents')}</p> : null}
      {view.columns.length === 0 ? <p>{t('journal.noColumns')}</p> : null}

      <form onSubmit={submit} aria-label={t('journal.marksForm')}>
        {mode === 'lesson' && current ? (
          <section aria-labelledby="journal-lesson">
            <h2 id="journal-lesson" className="visually-hidden">
              {t('journal.modeLesson')}
            </h2>
            <div className="journal-toolbar">
              <div className="field">
                <label htmlFor="journal-column">{t('journal.column')}</label>
                <select id="journal-column" value={column} onChange={(e) => setColumn(e.target.value)}>
                  {view.columns.map((c) => (
                    <option key={c.key} value={c.key}>
                      {columnLabel(c)}
                    </option>
                  ))}
                </select>
              </div>
              {view.canEdit && current.kind === 'lesson' && current.started && presentCode ? (
                <button type="button" className="secondary" onClick={allPresent}>
                  {t('journal.allPresent')}
                </button>
              ) : null}
            </div>
            {current.started ? null : <NotBegun column={current} />}
            <ul className="students">
              {view.students.map((s) => (
                <StudentRow
                  key={s.id}
                  view={view}
                  column={current}
                  student={s}
                  shown={shown(s.id, current.key)}
                  onChange={(patch) => change(s.id, current.key, patch)}
                />
              ))}
            </ul>
          </section>
        ) : null}

        {mode === 'grid' ? (
          <Grid
            view={view}
            shown={shown}
            columnLabel={columnLabel}
            describe={describe}
            editing={editing}
            onEdit={setEditing}
            onChange={change}
          />
        ) : null}

        {view.canEdit ? (
          <div className="save-bar">
            {closed ? (
              <div className="field journal-form" style={{ flex: '1 1 100%' }}>
                <label htmlFor="journal-correction">{t('journal.correctionReason')}</label>
                <textarea
                  id="journal-correction"
                  value={reason}
                  required
                  onChange={(e) => setReason(e.target.value)}
                />
              </div>
            ) : null}
            {missingReason.length > 0 ? (
              <p className="field-error">
                {t('journal.reasonNeeded', {
                  names: missingReason.map((d) => studentName(d.studentId)).join(', '),
                })}
              </p>
            ) : null}
            <button type="submit" disabled={!canSave}>
              {t('journal.save', { count: draftList.length })}
            </button>
            {draftList.length > 0 ? (
              <button type="button" className="secondary" onClick={() => setDrafts(new Map())}>
                {t('journal.undo')}
              </button>
            ) : null}
          </div>
        ) : (
          <p className="note">{t('journal.readOnly')}</p>
        )}
      </form>

      {view.canEdit && !closed ? <AddAssessment group={group} onAdded={setColumn} /> : null}
      <Results view={view} group={group} studentName={studentName} />
      <section aria-labelledby="journal-reports" className="card">
        <h2 id="journal-reports">{t('journal.reports')}</h2>
        <ReportLinks
          label={t('journal.attendanceReport')}
          path="/journal/reports/class-attendance"
          params={{ classId: group.classId, term: group.term }}
          formats={['csv', 'xlsx']}
        />
      </section>
    </>
  );

  function describe(attendance: Attendance | null, mark: Mark | null): string {
    const parts: string[] = [];
    if (attendance) {
      const code = codes.get(attendance.code);
      parts.push(code?.name ?? attendance.code);
      if (attendance.reason) parts.push(t('journal.becauseOf', { reason: attendance.reason }));
    }
    if (mark) {
      parts.push(t('journal.markIs', { value: mark.value }));
      if (mark.comment) parts.push(`«${mark.comment}»`);
    }
    return parts.length > 0 ? parts.join(', ') : t('journal.empty');
  }
}

/** What the outbox is doing, announced politely. */
function SyncState({
  online,
  pending,
  waiting,
  everSaved,
}: {
  online: boolean;
  pending: number;
  waiting: boolean;
  everSaved: boolean;
}) {
  const { t } = useTranslation();
  let text = '';
  if (pending > 0 && !online) text = t('journal.offlinePending', { count: pending });
  else if (pending > 0 && waiting) text = t('journal.sending', { count: pending });
  else if (!online) text = t('journal.offline');
  else if (everSaved && pending === 0) text = t('journal.allSaved');
  return (
    <div className={`sync-state${online ? '' : ' offline'}`} role="status" data-pending={pending}>
      {text}
    </div>
  );
}

/** Why a column takes nothing yet: its lesson has not begun, or its assessment's day has not come. */
function NotBegun({ column }: { column: Column }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <p className="note" role="note">
      {column.kind === 'lesson'
        ? t('forms.journal.notStarted')
        : t('forms.journal.assessmentNotYet', { date: f.date(column.date) })}
    </p>
  );
}

/** One student's row in the one-lesson view: attendance codes as big tap targets, a mark and its comment. */
function StudentRow({
  view,
  column,
  student,
  shown,
  onChange,
}: {
  view: JournalView;
  column: Column;
  student: { id: number; displayName: string };
  shown: Shown;
  onChange: (patch: Omit<Draft, 'studentId' | 'key'>) => void;
}) {
  const { t } = useTranslation();
  const base = useId();
  const code = shown.attendance?.code ?? '';
  const needsReason = view.attendanceCodes.find((c) => c.code === code)?.needsReason ?? false;
  const disabled = !view.canEdit || !column.started;
  return (
    <li data-student={student.id}>
      <fieldset disabled={disabled}>
        <legend>
          {student.displayName}
          {shown.pending ? <span className="pending-mark"> · {t('journal.notSent')}</span> : null}
        </legend>
        {column.kind === 'lesson' ? (
          <div
            className="codes"
            role="radiogroup"
            aria-label={t('journal.attendanceOf', { name: student.displayName })}
          >
            {view.attendanceCodes.map((c) => (
              <label
                key={c.code}
                className={`${code === c.code ? 'on' : ''}${c.countsAsPresent ? '' : ' absent'}`}
                title={c.name}
              >
                <input
                  type="radio"
                  name={`${base}-attendance`}
                  value={c.code}
                  checked={code === c.code}
                  onChange={() => onChange({ attendance: { code: c.code } })}
                />
                <span aria-hidden="true">{c.short}</span>
                <span className="visually-hidden">{c.name}</span>
              </label>
            ))}
          </div>
        ) : null}
        {needsReason ? (
          <div className="mark-row">
            <label htmlFor={`${base}-reason`}>{t('journal.reason')}</label>
            <input
              id={`${base}-reason`}
              value={shown.attendance?.reason ?? ''}
              onChange={(e) => onChange({ attendance: { code, reason: e.target.value } })}
            />
          </div>
        ) : null}
        <div className="mark-row">
          <div>
            <label htmlFor={`${base}-mark`}>{t('journal.mark')}</label>
            <select
              id={`${base}-mark`}
              value={shown.mark ? String(shown.mark.value) : ''}
              onChange={(e) =>
                onChange({
                  mark: e.target.value
                    ? { value: Number(e.target.value), comment: shown.mark?.comment ?? undefined }
                    : null,
                })
              }
            >
              <option value="">—</option>
              {view.scale.marks.map((m) => (
                <option key={m.value} value={m.value}>
                  {m.value} — {m.name}
                </option>
              ))}
            </select>
          </div>
          {shown.mark ? (
            <div>
              <label htmlFor={`${base}-comment`}>{t('journal.comment')}</label>
              <input
                id={`${base}-comment`}
                value={shown.mark.comment ?? ''}
                onChange={(e) =>
                  shown.mark
                    ? onChange({ mark: { value: shown.mark.value, comment: e.target.value || undefined } })
                    : undefined
                }
              />
            </div>
          ) : null}
        </div>
      </fieldset>
    </li>
  );
}

/** The whole term at a glance: students as rows, lessons and assessments as columns; a cell opens its editor. */
function Grid({
  view,
  shown,
  columnLabel,
  describe,
  editing,
  onEdit,
  onChange,
}: {
  view: JournalView;
  shown: (studentId: number, key: string) => Shown;
  columnLabel: (c: Column) => string;
  describe: (a: Attendance | null, m: Mark | null) => string;
  editing: { studentId: number; key: string } | null;
  onEdit: (cell: { studentId: number; key: string } | null) => void;
  onChange: (studentId: number, key: string, patch: Omit<Draft, 'studentId' | 'key'>) => void;
}) {
  const { t } = useTranslation();
  const short = new Map(view.attendanceCodes.map((c) => [c.code, c.short]));
  const student = editing ? view.students.find((s) => s.id === editing.studentId) : undefined;
  const column = editing ? view.columns.find((c) => c.key === editing.key) : undefined;
  return (
    <section aria-labelledby="journal-grid">
      <h2 id="journal-grid" className="visually-hidden">
        {t('journal.modeGrid')}
      </h2>
      {editing && student && column ? (
        <CellEditor
          view={view}
          student={student}
          column={column}
          label={columnLabel(column)}
          shown={shown(student.id, column.key)}
          describe={describe}
          onChange={(patch) => onChange(student.id, column.key, patch)}
          onClose={() => onEdit(null)}
        />
      ) : null}
      <ScrollBox label={t('journal.gridLabel')}>
        <table className="table journal-grid">
          <thead>
            <tr>
              <th scope="col">{t('journal.student')}</th>
              {view.columns.map((c) => (
                <th key={c.key} scope="col" title={columnLabel(c)}>
                  {c.kind === 'assessment' ? (c.title ?? dayMonth(c.date)) : dayMonth(c.date)}
                  {c.period !== null ? ` · ${c.period}` : ''}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {view.students.map((s) => (
              <tr key={s.id}>
                <th scope="row">{s.displayName}</th>
                {view.columns.map((c) => {
                  const cell = shown(s.id, c.key);
                  const text =
                    [
                      cell.attendance ? (short.get(cell.attendance.code) ?? cell.attendance.code) : '',
                      cell.mark ? String(cell.mark.value) : '',
                    ]
                      .filter(Boolean)
                      .join(' ') || '·';
                  return (
                    <td key={c.key}>
                      <button
                        type="button"
                        className={cell.pending || cell.draft ? 'pending' : undefined}
                        onClick={() => onEdit({ studentId: s.id, key: c.key })}
                      >
                        <span aria-hidden="true">{text}</span>
                        <span className="visually-hidden">
                          {t('journal.cellLabel', {
                            name: s.displayName,
                            column: columnLabel(c),
                            value: describe(cell.attendance, cell.mark),
                          })}
                        </span>
                      </button>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollBox>
    </section>
  );
}

/** One cell's editor, with its history. */
function CellEditor({
  view,
  student,
  column,
  label,
  shown,
  describe,
  onChange,
  onClose,
}: {
  view: JournalView;
  student: { id: number; displayName: string };
  column: Column;
  label: string;
  shown: Shown;
  describe: (a: Attendance | null, m: Mark | null) => string;
  onChange: (patch: Omit<Draft, 'studentId' | 'key'>) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const base = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [showHistory, setShowHistory] = useState(false);
  useEffect(() => heading.current?.focus(), [student.id, column.key]);
  const history = useQuery({
    queryKey: ['journal-history', student.id, column.key],
    queryFn: () =>
      api<HistoryStep[]>(
        `/journal/cells/history?studentId=${student.id}&key=${encodeURIComponent(column.key)}`,
      ),
    enabled: showHistory,
  });
  const code = shown.attendance?.code ?? '';
  const needsReason = view.attendanceCodes.find((c) => c.code === code)?.needsReason ?? false;
  return (
    <section className="card journal-form" aria-labelledby={`${base}-title`}>
      <h3 id={`${base}-title`} ref={heading} tabIndex={-1}>
        {student.displayName} — {label}
      </h3>
      {column.started ? null : <NotBegun column={column} />}
      <fieldset disabled={!view.canEdit || !column.started}>
        <legend className="visually-hidden">{t('journal.editCell')}</legend>
        {column.kind === 'lesson' ? (
          <div className="field">
            <label htmlFor={`${base}-att`}>{t('journal.attendance')}</label>
            <select
              id={`${base}-att`}
              value={code}
              onChange={(e) => onChange({ attendance: e.target.value ? { code: e.target.value } : null })}
            >
              <option value="">—</option>
              {view.attendanceCodes.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.short} — {c.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {needsReason ? (
          <div className="field">
            <label htmlFor={`${base}-reason`}>{t('journal.reason')}</label>
            <input
              id={`${base}-reason`}
              value={shown.attendance?.reason ?? ''}
              onChange={(e) => onChange({ attendance: { code, reason: e.target.value } })}
            />
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${base}-mark`}>{t('journal.mark')}</label>
          <select
            id={`${base}-mark`}
            value={shown.mark ? String(shown.mark.value) : ''}
            onChange={(e) =>
              onChange({
                mark: e.target.value
                  ? { value: Number(e.target.value), comment: shown.mark?.comment ?? undefined }
                  : null,
              })
            }
          >
            <option value="">—</option>
            {view.scale.marks.map((m) => (
              <option key={m.value} value={m.value}>
                {m.value} — {m.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${base}-comment`}>{t('journal.comment')}</label>
          <input
            id={`${base}-comment`}
            value={shown.mark?.comment ?? ''}
            disabled={!shown.mark}
            onChange={(e) =>
              shown.mark
                ? onChange({ mark: { value: shown.mark.value, comment: e.target.value || undefined } })
                : undefined
            }
          />
        </div>
      </fieldset>
      <div className="row-buttons">
        <button
          type="button"
          className="secondary small"
          onClick={() => setShowHistory((v) => !v)}
          aria-expanded={showHistory}
        >
          {t('journal.history')}
        </button>
        <button type="button" className="small" onClick={onClose}>
          {t('journal.done')}
        </button>
      </div>
      {showHistory ? (
        history.isPending ? (
          <Loading />
        ) : history.isError ? (
          <ErrorBox error={history.error} onRetry={() => void history.refetch()} />
        ) : history.data.length === 0 ? (
          <p>{t('journal.noHistory')}</p>
        ) : (
          <ol className="history" aria-label={t('journal.history')}>
            {history.data.map((step, i) => (
              <li key={i}>
                <time dateTime={step.at}>{f.dateTime(step.at)}</time> — {step.by ?? '—'}:{' '}
                {describe(step.attendance, step.mark)}
                {step.reason ? ` (${t('journal.correction')}: ${step.reason})` : ''}
              </li>
            ))}
          </ol>
        )
      ) : null}
    </section>
  );
}

/** Cells someone else changed after this page loaded them: both versions side by side, the teacher chooses. */
function Conflicts({
  me,
  conflicts,
  studentName,
  column,
  describe,
}: {
  me: Me;
  conflicts: Conflict[];
  studentName: (id: number) => string;
  column: (key: string) => string;
  describe: (a: Attendance | null, m: Mark | null) => string;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const choose = (conflict: Conflict, choice: 'mine' | 'theirs') => {
    update(me.user.id, (state) => resolve(state, conflict, choice, nextStamp()));
    if (choice === 'mine') void flush(me.user.id);
  };
  const mineAttendance = (c: Conflict): Attendance | null =>
    c.mine.attendance === undefined
      ? c.theirs.attendance
      : c.mine.attendance
        ? { code: c.mine.attendance.code, reason: c.mine.attendance.reason ?? null }
        : null;
  const mineMark = (c: Conflict): Mark | null =>
    c.mine.mark === undefined
      ? c.theirs.mark
      : c.mine.mark
        ? { value: c.mine.mark.value, comment: c.mine.mark.comment ?? null }
        : null;
  return (
    <section className="conflicts" aria-labelledby="journal-conflicts">
      <h2 id="journal-conflicts">{t('journal.conflictsTitle')}</h2>
      <p>{t('journal.conflictsIntro')}</p>
      <ul>
        {conflicts.map((c) => (
          <li key={`${c.mine.studentId}:${c.mine.key}`} data-conflict={`${c.mine.studentId}:${c.mine.key}`}>
            <strong>
              {studentName(c.mine.studentId)} — {column(c.mine.key)}
            </strong>
            <dl className="versions">
              <div>
                <dt>
                  {t('journal.theirs', {
                    who: c.theirs.updatedBy ?? '—',
                    when: c.theirs.updatedAt ? f.dateTime(c.theirs.updatedAt) : '—',
                  })}
                </dt>
                <dd data-version="theirs">{describe(c.theirs.attendance, c.theirs.mark)}</dd>
              </div>
              <div>
                <dt>{t('journal.mine')}</dt>
                <dd data-version="mine">{describe(mineAttendance(c), mineMark(c))}</dd>
              </div>
            </dl>
            <div className="row-buttons">
              <button type="button" className="small" onClick={() => choose(c, 'mine')}>
                {t('journal.keepMine')}
              </button>
              <button type="button" className="small secondary" onClick={() => choose(c, 'theirs')}>
                {t('journal.keepTheirs')}
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Changes the server refused: the term was closed meanwhile (give a reason), or something else (discard). */
function Refused({
  me,
  group,
  problem,
}: {
  me: Me;
  group: GroupKey;
  problem: { status: number; code: string; message: string };
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const closed = problem.code === 'term_closed';
  const send = (event: FormEvent) => {
    event.preventDefault();
    if (!reason.trim()) return;
    update(me.user.id, (state) => withReason(state, group, reason.trim()));
    void flush(me.user.id);
  };
  return (
    <div className="error" role="alert">
      <p>{closed ? t('journal.closedMeanwhile') : problem.message || t('journal.refused')}</p>
      {closed ? (
        <form className="journal-form" onSubmit={send}>
          <div className="field">
            <label htmlFor="journal-late-reason">{t('journal.correctionReason')}</label>
            <textarea
              id="journal-late-reason"
              value={reason}
              required
              onChange={(e) => setReason(e.target.value)}
            />
          </div>
          <button type="submit">{t('journal.sendCorrection')}</button>
        </form>
      ) : null}
      <div className="row-buttons">
        <button
          type="button"
          className="secondary small"
          onClick={() => update(me.user.id, (s) => discard(s, group))}
        >
          {t('journal.discard')}
        </button>
      </div>
    </div>
  );
}

/** Adds a summative assessment column. */
function AddAssessment({ group, onAdded }: { group: GroupKey; onAdded: (key: string) => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [date, setDate] = useState(today());
  const [title, setTitle] = useState('');
  const add = useMutation({
    mutationFn: () =>
      api<{ id: number; key: string }>(
        `/journal/classes/${group.classId}/subjects/${encodeURIComponent(group.subjectCode)}/assessments`,
        { method: 'POST', body: { term: group.term, date, title: title.trim() } },
      ),
    onSuccess: async (created) => {
      await client.invalidateQueries({ queryKey: journalKey(group) });
      onAdded(created.key);
      setTitle('');
      setOpen(false);
    },
  });
  if (!open)
    return (
      <p>
        <button type="button" className="secondary" onClick={() => setOpen(true)}>
          {t('journal.addAssessment')}
        </button>
      </p>
    );
  return (
    <form
      className="card journal-form"
      aria-labelledby="journal-add-assessment"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      <h2 id="journal-add-assessment">{t('journal.addAssessment')}</h2>
      <div className="field">
        <label htmlFor="journal-assessment-title">{t('journal.assessmentTitle')}</label>
        <input
          id="journal-assessment-title"
          value={title}
          required
          maxLength={200}
          onChange={(e) => setTitle(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="journal-assessment-date">{t('journal.date')}</label>
        <input
          id="journal-assessment-date"
          type="date"
          value={date}
          required
          onChange={(e) => setDate(e.target.value)}
        />
      </div>
      {add.isError ? <ErrorBox error={add.error} /> : null}
      <div className="row-buttons">
        <button type="submit" disabled={add.isPending}>
          {add.isPending ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" className="secondary" onClick={() => setOpen(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The term's results: computed, the teacher's override (who and why), the final mark; a report card per student. */
function Results({
  view,
  group,
  studentName,
}: {
  view: JournalView;
  group: GroupKey;
  studentName: (id: number) => string;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const [editing, setEditing] = useState<TermResult | null>(null);
  const value = (n: number | null) => (n === null ? '—' : f.number(n));
  return (
    <section aria-labelledby="journal-results" className="card">
      <h2 id="journal-results">{t('journal.results')}</h2>
      {editing ? (
        <Override
          view={view}
          group={group}
          result={editing}
          name={studentName(editing.studentId)}
          onDone={() => setEditing(null)}
        />
      ) : null}
      <ScrollBox label={t('journal.results')}>
        <table className="table journal-results">
          <thead>
            <tr>
              <th scope="col">{t('journal.student')}</th>
              <th scope="col" className="num">
                {t('journal.computed')}
              </th>
              <th scope="col">{t('journal.override')}</th>
              <th scope="col" className="num">
                {t('journal.final')}
              </th>
              <th scope="col">{t('journal.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {view.results.map((r) => (
              <tr key={r.studentId}>
                <th scope="row">{studentName(r.studentId)}</th>
                <td className="num">{value(r.computed)}</td>
                <td>
                  {r.override
                    ? t('journal.overrideBy', {
                        value: r.override.value === null ? '—' : f.number(r.override.value),
                        who: r.override.by,
                        when: f.dateTime(r.override.at),
                        reason: r.override.reason,
                      })
                    : '—'}
                </td>
                <td className="num">{value(r.final)}</td>
                <td>
                  {view.canEdit ? (
                    <button type="button" className="small secondary" onClick={() => setEditing(r)}>
                      {t('journal.change')}
                      <span className="visually-hidden"> — {studentName(r.studentId)}</span>
                    </button>
                  ) : null}{' '}
                  <a
                    href={`/api/journal/reports/report-card?studentId=${r.studentId}&term=${encodeURIComponent(group.term)}&format=pdf`}
                  >
                    {t('journal.reportCard')}
                    <span className="visually-hidden"> — {studentName(r.studentId)}</span>
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollBox>
    </section>
  );
}

function Override({
  view,
  group,
  result,
  name,
  onDone,
}: {
  view: JournalView;
  group: GroupKey;
  result: TermResult;
  name: string;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [value, setValue] = useState(
    result.override?.value === null || !result.override ? '' : String(result.override.value),
  );
  const [reason, setReason] = useState('');
  const put = useMutation({
    mutationFn: () =>
      api('/journal/results', {
        method: 'PUT',
        body: {
          classId: group.classId,
          subjectCode: group.subjectCode,
          term: group.term,
          studentId: result.studentId,
          value: value === '' ? null : Number(value),
          reason: reason.trim(),
        },
      }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: journalKey(group) });
      onDone();
    },
  });
  return (
    <form
      className="journal-form"
      aria-labelledby="journal-override"
      onSubmit={(e) => {
        e.preventDefault();
        put.mutate();
      }}
    >
      <h3 id="journal-override">{t('journal.overrideFor', { name })}</h3>
      <div className="field">
        <label htmlFor="journal-override-value">{t('journal.final')}</label>
        <select id="journal-override-value" value={value} onChange={(e) => setValue(e.target.value)}>
          <option value="">{t('journal.noOverride')}</option>
          {view.scale.marks.map((m) => (
            <option key={m.value} value={m.value}>
              {m.value} — {m.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="journal-override-reason">{t('journal.overrideReason')}</label>
        <textarea
          id="journal-override-reason"
          value={reason}
          required
          onChange={(e) => setReason(e.target.value)}
        />
      </div>
      {put.isError ? <ErrorBox error={put.error} /> : null}
      <div className="row-buttons">
        <button type="submit" disabled={put.isPending}>
          {put.isPending ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
