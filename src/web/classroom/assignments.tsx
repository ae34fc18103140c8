import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type {
  AssignmentDetail,
  AssignmentList,
  StatusList,
  StudentAssignments,
  UploadedFile,
  Version,
  Work,
} from '@/modules/assignments/assignments.schema';
import type { ClassDetail, ClassList, Lesson, LessonList } from '@/modules/classroom/classroom.schema';
import { api, ApiError, changeHeaders, type CountryPackRecord, type Me } from '@/web/api';
import { localName } from '@/web/i18n';
import { useFormat } from '@/web/format';
import { Link, navigate } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { StaleVersion, staleCurrent, type VersionDifference } from '@/web/components/stale-version';
import './classroom.css';

type Detail = Static<typeof AssignmentDetail>;
type Statuses = Static<typeof StatusList>;
type WorkRecord = Static<typeof Work>;
type VersionRecord = Static<typeof Version>;

/** The schools where the caller teaches or directs. */
const staffSchools = (me: Me) => [
  ...new Set(
    me.roles
      .filter((g) => (g.role === 'teacher' || g.role === 'director') && g.institutionId)
      .map((g) => g.institutionId!),
  ),
];

type LessonRecord = Static<typeof Lesson>;

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (day: string, n: number) => isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000));
/** An ISO time as a `datetime-local` input shows it: the browser's local time, to the minute. */
const localInput = (iso: string) => {
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
};

/** The class's answer of who has handed in; shared by the status list and the edit form. */
const useStatuses = (assignmentId: number) =>
  useQuery({
    queryKey: ['assignment', assignmentId, 'statuses'],
    queryFn: ({ signal }) => api<Statuses>(`/assignments/${assignmentId}/statuses`, { signal }),
  });

function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return <span className={`badge status-${status}`}>{t(`assignments.status.${status}`)}</span>;
}

// ---------------------------------------------------------------------------------------------------------
// Teachers: their classes, a class's assignments, setting one

/** `/assignments`: the classes the caller teaches (or directs), each leading to its assignments. */
export function AssignmentsHome({ me }: { me: Me }) {
  const { t } = useTranslation();
  return (
    <Page title={t('assignments.title')} intro={t('assignments.intro')}>
      {staffSchools(me).map((id) => (
        <SchoolClasses key={id} schoolId={id} />
      ))}
    </Page>
  );
}

function SchoolClasses({ schoolId }: { schoolId: number }) {
  const { t } = useTranslation();
  const list = useQuery({
    queryKey: ['classes', schoolId],
    queryFn: ({ signal }) => api<Static<typeof ClassList>>(`/institutions/${schoolId}/classes`, { signal }),
  });
  if (list.isPending) return <Loading />;
  if (list.isError) return <ErrorBox error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <section aria-label={t('assignments.classes')}>
      {list.data.items.length === 0 ? <p>{t('assignments.noClasses')}</p> : null}
      <ul className="list tiles">
        {list.data.items.map((c) => (
          <li key={c.id}>
            <Link to={`/assignments/class/${c.id}`} className="big">
              {t('class.title', { grade: c.grade, letter: c.letter })}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** `/assignments/class/:id`: a class's assignments with the counts, and a form to set one. */
export function ClassAssignments({ id, me }: { id: number; me: Me }) {
  const { t } = useTranslation();
  const f = useFormat();
  const cls = useQuery({
    queryKey: ['class', id],
    queryFn: ({ signal }) => api<Static<typeof ClassDetail>>(`/classes/${id}`, { signal }),
  });
  const list = useQuery({
    queryKey: ['assignments', 'class', id],
    queryFn: ({ signal }) => api<Static<typeof AssignmentList>>(`/classes/${id}/assignments`, { signal }),
  });
  const mySubjects =
    cls.data?.subjectTeachers.filter((s) => s.teacher.id === me.user.id).map((s) => s.subjectCode) ?? [];
  const title = cls.data ? t('assignments.classTitle', { name: cls.data.name }) : t('assignments.title');
  return (
    <Page title={title}>
      {cls.isError ? <ErrorBox error={cls.error} /> : null}
      {mySubjects.length > 0 ? <NewAssignment classId={id} subjects={mySubjects} /> : null}
      {list.isPending ? <Loading /> : null}
      {list.isError ? <ErrorBox error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.data?.items.length === 0 ? <p>{t('assignments.empty')}</p> : null}
      <ul className="list">
        {list.data?.items.map((a) => (
          <li key={a.id}>
            <Link to={`/assignments/${a.id}`} className="what">
              {a.title}
            </Link>
            <span className="meta">
              {a.subjectName} · {t('assignments.due')}: <time dateTime={a.dueAt}>{f.dateTime(a.dueAt)}</time>{' '}
              · {t(`assignments.kind.${a.kind}`)}
            </span>
            {a.counts ? (
              <span className="meta">
                {(['not_submitted', 'submitted', 'late', 'marked'] as const).map((s) => (
                  <span key={s}>
                    {t(`assignments.status.${s}`)}: {f.number(a.counts![s])}{' '}
                  </span>
                ))}
              </span>
            ) : null}
          </li>
        ))}
      </ul>
    </Page>
  );
}

function NewAssignment({ classId, subjects }: { classId: number; subjects: string[] }) {
  const { t, i18n } = useTranslation();
  const pack = useQuery({
    queryKey: ['country-pack'],
    queryFn: () => api<CountryPackRecord>('/country-pack'),
    staleTime: Infinity,
  });
  const subjectName = (code: string) => {
    const found = pack.data?.subjects.find((s) => s.code === code);
    return found ? localName(found, i18n.language) : code;
  };
  const client = useQueryClient();
  const ids = {
    subject: useId(),
    title: useId(),
    due: useId(),
    text: useId(),
    size: useId(),
  };
  const empty = {
    subjectCode: subjects[0]!,
    title: '',
    dueAt: '',
    instructions: '',
    kind: 'individual' as AssignmentForm['kind'],
    groupsBy: 'draw',
    size: 3,
    lessonId: '',
  };
  const [form, setForm] = useState(empty);
  const create = useMutation({
    mutationFn: () =>
      api<Detail>(`/classes/${classId}/assignments`, {
        method: 'POST',
        body: {
          subjectCode: form.subjectCode,
          title: form.title,
          instructions: form.instructions || null,
          kind: form.kind,
          dueAt: new Date(form.dueAt).toISOString(),
          lessonId: form.lessonId === '' ? null : Number(form.lessonId),
          ...(form.kind === 'group' && form.groupsBy === 'draw' ? { draw: { size: form.size } } : {}),
        },
      }),
    onSuccess: async () => {
      setForm(empty);
      await client.invalidateQueries({ queryKey: ['assignments', 'class', classId] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <details className="card">
      <summary>{t('assignments.new')}</summary>
      <form className="form" onSubmit={submit}>
        <div className="field">
          <label htmlFor={ids.subject}>{t('assignments.subject')}</label>
          <select
            id={ids.subject}
            value={form.subjectCode}
            onChange={(e) => setForm({ ...form, subjectCode: e.target.value, lessonId: '' })}
          >
            {subjects.map((s) => (
              <option key={s} value={s}>
                {subjectName(s)}
              </option>
            ))}
          </select>
        </div>
        <AssignmentFields
          form={form}
          onChange={(patch) => setForm({ ...form, ...patch })}
          classId={classId}
          subjectCode={form.subjectCode}
        />
        {form.kind === 'group' ? (
          <fieldset className="field">
            <legend>{t('assignments.groupsBy')}</legend>
            {(['draw', 'hand'] as const).map((k) => (
              <label key={k} className="check">
                <input
                  type="radio"
                  name="groupsBy"
                  value={k}
                  checked={form.groupsBy === k}
                  onChange={() => setForm({ ...form, groupsBy: k })}
                />{' '}
                {t(k === 'draw' ? 'assignments.groupsByDraw' : 'assignments.groupsByHand')}
              </label>
            ))}
          </fieldset>
        ) : null}
        {form.kind === 'group' && form.groupsBy === 'draw' ? (
          <div className="field">
            <label htmlFor={ids.size}>{t('assignments.groupSize')}</label>
            <input
              id={ids.size}
              type="number"
              min={2}
              max={40}
              value={form.size}
              onChange={(e) => setForm({ ...form, size: Number(e.target.value) })}
            />
          </div>
        ) : null}
        {create.isError ? <ErrorBox error={create.error} /> : null}
        <button type="submit" disabled={create.isPending}>
          {t('assignments.create')}
        </button>
      </form>
    </details>
  );
}

/** What setting and changing an assignment share: title, due time, instructions, lesson, individual or group. */
interface AssignmentForm {
  title: string;
  dueAt: string;
  instructions: string;
  kind: 'individual' | 'group';
  lessonId: string;
}

function AssignmentFields({
  form,
  onChange,
  classId,
  subjectCode,
  dueHint,
  kindLocked,
}: {
  form: AssignmentForm;
  onChange: (patch: Partial<AssignmentForm>) => void;
  classId: number;
  subjectCode: string;
  /** Said under the due time (e.g. that the class is told of a change). */
  dueHint?: string;
  /** Why the kind can no longer change, when it cannot. */
  kindLocked?: string;
}) {
  const { t } = useTranslation();
  const ids = { title: useId(), due: useId(), text: useId(), lesson: useId(), hint: useId() };
  return (
    <>
      <div className="field">
        <label htmlFor={ids.title}>{t('assignments.titleField')}</label>
        <input
          id={ids.title}
          required
          maxLength={200}
          value={form.title}
          onChange={(e) => onChange({ title: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.due}>{t('assignments.due')}</label>
        <input
          id={ids.due}
          type="datetime-local"
          required
          aria-describedby={dueHint ? ids.hint : undefined}
          value={form.dueAt}
          onChange={(e) => onChange({ dueAt: e.target.value })}
        />
        {dueHint ? (
          <p className="meta" id={ids.hint}>
            {dueHint}
          </p>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor={ids.text}>{t('assignments.instructions')}</label>
        <textarea
          id={ids.text}
          rows={4}
          value={form.instructions}
          onChange={(e) => onChange({ instructions: e.target.value })}
        />
      </div>
      <LessonSelect
        id={ids.lesson}
        classId={classId}
        subjectCode={subjectCode}
        value={form.lessonId}
        onChange={(lessonId) => onChange({ lessonId })}
      />
      <KindChoice value={form.kind} onChange={(kind) => onChange({ kind })} locked={kindLocked} />
    </>
  );
}

/** Individual or group work, as radio buttons; `locked` says why it can no longer change. */
function KindChoice({
  value,
  onChange,
  locked,
}: {
  value: string;
  onChange: (kind: 'individual' | 'group') => void;
  locked?: string;
}) {
  const { t } = useTranslation();
  const name = useId();
  return (
    <fieldset className="field" disabled={locked !== undefined}>
      <legend>{t('assignments.kindLabel')}</legend>
      {(['individual', 'group'] as const).map((k) => (
        <label key={k} className="check">
          <input type="radio" name={name} value={k} checked={value === k} onChange={() => onChange(k)} />{' '}
          {t(`assignments.kind.${k}`)}
        </label>
      ))}
      {locked ? <p className="meta">{locked}</p> : null}
    </fieldset>
  );
}

/** A lesson of the class in the subject, from two weeks back to six weeks ahead, to link the assignment to. */
function LessonSelect({
  id,
  classId,
  subjectCode,
  value,
  onChange,
}: {
  id: string;
  classId: number;
  subjectCode: string;
  value: string;
  onChange: (lessonId: string) => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const today = isoDay(new Date());
  const from = addDays(today, -14);
  const to = addDays(today, 45);
  const lessons = useQuery({
    queryKey: ['lessons', 'class', classId, from, to],
    queryFn: ({ signal }) =>
      api<Static<typeof LessonList>>(`/classes/${classId}/lessons?from=${from}&to=${to}`, { signal }),
  });
  const mine =
    lessons.data?.items.filter((l) => l.subjectCode === subjectCode && l.state !== 'cancelled') ?? [];
  return (
    <div className="field">
      <label htmlFor={id}>{t('assignments.lesson')}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('assignments.noLesson')}</option>
        {value !== '' && !mine.some((l) => String(l.id) === value) ? (
          <option value={value}>{t('assignments.lesson')}</option>
        ) : null}
        {mine.map((l) => (
          <option key={l.id} value={l.id}>
            {f.date(l.date)}, {l.startsAt}
            {l.topic ? ` · ${l.topic}` : ''}
          </option>
        ))}
      </select>
      {lessons.isError ? <ErrorBox error={lessons.error} /> : null}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------------
// One assignment: the teacher's status list and marking, the student's work and hand-in

/** `/assignments/:id`: for its teachers the status list and marking; for a student their work. */
export function AssignmentPage({ id, me }: { id: number; me: Me }) {
  const { t } = useTranslation();
  const f = useFormat();
  const detail = useQuery({
    queryKey: ['assignment', id],
    queryFn: ({ signal }) => api<Detail>(`/assignments/${id}`, { signal }),
  });
  if (detail.isPending) return <Loading />;
  if (detail.isError) return <ErrorBox error={detail.error} onRetry={() => void detail.refetch()} />;
  const a = detail.data;
  const studies =
    me.roles.some((g) => g.role === 'student' && g.institutionId === a.institutionId) && !a.canEdit;
  return (
    <Page title={a.title}>
      <p className="meta">
        {a.className} · {a.subjectName} · {t(`assignments.kind.${a.kind}`)} · {t('assignments.due')}:{' '}
        <time dateTime={a.dueAt}>{f.dateTime(a.dueAt)}</time> · {a.teacher.displayName}
      </p>
      {a.instructions ? <p className="pre">{a.instructions}</p> : null}
      {a.lessonId !== null ? <LinkedLesson lessonId={a.lessonId} /> : null}
      {a.canEdit ? <EditAssignment a={a} /> : null}
      {a.kind === 'group' ? <Groups a={a} /> : null}
      {studies ? <StudentWork a={a} studentId={me.user.id} /> : <StatusTable a={a} />}
      {a.canEdit ? <DeleteAssignment a={a} /> : null}
    </Page>
  );
}

/** The lesson an assignment belongs to, with its materials (a library video, links) to work from. */
function LinkedLesson({ lessonId }: { lessonId: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const lesson = useQuery({
    queryKey: ['lesson', lessonId],
    queryFn: ({ signal }) => api<LessonRecord>(`/lessons/${lessonId}`, { signal }),
  });
  if (lesson.isPending) return <Loading />;
  if (lesson.isError) return <ErrorBox error={lesson.error} />;
  const l = lesson.data;
  return (
    <section aria-labelledby="assignment-lesson" className="card">
      <h2 id="assignment-lesson">{t('assignments.lesson')}</h2>
      <p>
        <time dateTime={l.date}>{f.date(l.date)}</time>, {l.startsAt}
        {l.topic ? ` · ${l.topic}` : ''}
      </p>
      {l.materials.length > 0 ? (
        <>
          <h3>{t('assignments.lessonMaterials')}</h3>
          <ul className="list">
            {l.materials.map((m, i) => (
              <li key={`${m.kind}-${m.resourceId ?? m.url}-${i}`}>
                {m.kind === 'resource' ? (
                  <Link to={`/resources/${m.resourceId}`} className="what">
                    {m.title ?? t('teaching.resource')}
                  </Link>
                ) : (
                  <a href={m.url ?? '#'} className="what" rel="noopener noreferrer" target="_blank">
                    {m.title ?? m.url}
                  </a>
                )}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

/** The teacher changes the assignment: title, due time, instructions, lesson, and the kind until work is in. */
function EditAssignment({ a }: { a: Detail }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const statuses = useStatuses(a.id);
  const hasWork = statuses.data?.items.some((i) => i.submissionId !== null) ?? false;
  const [form, setForm] = useState({
    title: a.title,
    dueAt: localInput(a.dueAt),
    instructions: a.instructions ?? '',
    kind: a.kind,
    lessonId: a.lessonId === null ? '' : String(a.lessonId),
  });
  const save = useMutation({
    mutationFn: () =>
      api<Detail>(`/assignments/${a.id}`, {
        method: 'PATCH',
        body: {
          title: form.title,
          dueAt: new Date(form.dueAt).toISOString(),
          instructions: form.instructions || null,
          lessonId: form.lessonId === '' ? null : Number(form.lessonId),
          ...(form.kind !== a.kind ? { kind: form.kind } : {}),
        },
      }),
    onSuccess: async (data) => {
      client.setQueryData(['assignment', a.id], data);
      await client.invalidateQueries({ queryKey: ['assignments'] });
    },
  });
  return (
    <details className="card">
      <summary>{t('assignments.edit')}</summary>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <AssignmentFields
          form={form}
          onChange={(patch) => setForm({ ...form, ...patch })}
          classId={a.classId}
          subjectCode={a.subjectCode}
          dueHint={t('assignments.dueChangeHint')}
          kindLocked={hasWork ? t('assignments.kindLocked') : undefined}
        />
        {save.isError ? <ErrorBox error={save.error} /> : null}
        {save.isSuccess ? <p role="status">{t('assignments.changesSaved')}</p> : null}
        <button type="submit" disabled={save.isPending}>
          {t('assignments.saveChanges')}
        </button>
      </form>
    </details>
  );
}

/** The teacher deletes an assignment set by mistake, after confirming; not once work has been handed in. */
function DeleteAssignment({ a }: { a: Detail }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const statuses = useStatuses(a.id);
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => api<{ ok: boolean }>(`/assignments/${a.id}`, { method: 'DELETE' }),
    onSuccess: async () => {
      client.removeQueries({ queryKey: ['assignment', a.id] });
      // Dropped, not just marked stale: the class's list must not show the deleted assignment while it reloads.
      client.removeQueries({ queryKey: ['assignments'] });
      navigate(`/assignments/class/${a.classId}`);
    },
  });
  if (!statuses.data) return null;
  if (statuses.data.items.some((i) => i.submissionId !== null)) {
    return <p className="meta">{t('assignments.deleteLocked')}</p>;
  }
  return (
    <section aria-label={t('assignments.delete')}>
      {confirming ? (
        <>
          <p>{t('assignments.deleteConfirm', { title: a.title })}</p>
          <p className="actions">
            <button
              type="button"
              className="danger"
              disabled={remove.isPending}
              onClick={() => remove.mutate()}
            >
              {t('assignments.deleteYes')}
            </button>{' '}
            <button type="button" className="secondary" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
          </p>
        </>
      ) : (
        <button type="button" className="secondary" onClick={() => setConfirming(true)}>
          {t('assignments.delete')}
        </button>
      )}
      {remove.isError ? <ErrorBox error={remove.error} /> : null}
    </section>
  );
}

/**
 * The teacher puts each student in a group by hand: a select per student (no dragging), "New group" starting
 * another one. Empty groups are dropped and the rest numbered in order when saved.
 */
function FormGroups({ a }: { a: Detail }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const students = [...a.groups.flatMap((g) => g.members), ...a.ungrouped].sort((x, y) =>
    x.displayName.localeCompare(y.displayName, i18n.language),
  );
  const placement = (d: Detail): Record<number, number> =>
    Object.fromEntries([
      ...d.groups.flatMap((g) => g.members.map((m): [number, number] => [m.id, g.number])),
      ...d.ungrouped.map((m): [number, number] => [m.id, 0]),
    ]);
  const [chosen, setChosen] = useState(() => placement(a));
  // The version of the groups the form was read at: a background refetch does not move it, so a save never
  // overwrites groups someone else saved meanwhile unseen.
  const [readVersion, setReadVersion] = useState(a.groupsVersion);
  /** Someone else's saved groups met by a save, and the form's placement that save sent. */
  const [stale, setStale] = useState<{ current: Detail; mine: Record<number, number> } | null>(null);
  // Open at first while nobody is in a group; saving keeps it as the teacher left it.
  const [initiallyOpen] = useState(a.groups.length === 0);
  const idPrefix = useId();
  const highest = Math.max(0, ...Object.values(chosen));
  const save = useMutation({
    mutationFn: (v: { version: number; mine: Record<number, number> }) => {
      const numbers = [...new Set(Object.values(v.mine).filter((n) => n > 0))].sort((x, y) => x - y);
      const groups = numbers.map((n) => ({
        studentIds: students.filter((s) => v.mine[s.id] === n).map((s) => s.id),
      }));
      return api<Detail>(`/assignments/${a.id}/groups`, {
        method: 'PUT',
        body: { version: v.version, groups },
      });
    },
    onSuccess: async (data) => {
      setStale(null);
      client.setQueryData(['assignment', a.id], data);
      setChosen(placement(data));
      setReadVersion(data.groupsVersion);
      await client.invalidateQueries({ queryKey: ['assignment', a.id, 'statuses'] });
    },
    onError: (error, v) => {
      const theirs = staleCurrent<Detail>(error);
      if (theirs) setStale({ current: theirs, mine: v.mine });
    },
  });
  const groupName = (n: number | undefined) =>
    n === undefined
      ? t('stale.unknown')
      : n === 0
        ? t('assignments.noGroup')
        : t('assignments.groupN', { n });
  const differences = (saved: Detail, mine: Record<number, number>): VersionDifference[] => {
    const theirs = placement(saved);
    return students.flatMap((s) =>
      (theirs[s.id] ?? 0) === (mine[s.id] ?? 0)
        ? []
        : [
            {
              field: String(s.id),
              label: s.displayName,
              theirs: groupName(theirs[s.id] ?? 0),
              mine: groupName(mine[s.id] ?? 0),
            },
          ],
    );
  };
  return (
    <details className="card" open={initiallyOpen}>
      <summary>{t('assignments.formGroups')}</summary>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          setStale(null);
          save.mutate({ version: readVersion, mine: chosen });
        }}
      >
        <p className="meta">{t('assignments.formGroupsHint')}</p>
        {students.map((s) => (
          <div className="field" key={s.id}>
            <label htmlFor={`${idPrefix}-${s.id}`}>{s.displayName}</label>
            <select
              id={`${idPrefix}-${s.id}`}
              value={chosen[s.id] ?? 0}
              onChange={(e) => setChosen({ ...chosen, [s.id]: Number(e.target.value) })}
            >
              <option value={0}>{t('assignments.noGroup')}</option>
              {Array.from({ length: highest }, (_, i) => (
                <option key={i + 1} value={i + 1}>
                  {t('assignments.groupN', { n: i + 1 })}
                </option>
              ))}
              <option value={highest + 1}>{t('assignments.newGroup')}</option>
            </select>
          </div>
        ))}
        {stale ? (
          <StaleVersion
            differences={differences(stale.current, stale.mine)}
            updatedAt={null}
            busy={save.isPending}
            onReload={() => {
              // Theirs replaces the form's placement, from their version.
              client.setQueryData(['assignment', a.id], stale.current);
              setChosen(placement(stale.current));
              setReadVersion(stale.current.groupsVersion);
              setStale(null);
              save.reset();
            }}
            onOverwrite={() => {
              const { mine, current } = stale;
              setStale(null);
              save.mutate({ version: current.groupsVersion, mine });
            }}
          />
        ) : save.isError && !(save.error instanceof ApiError && save.error.code === 'stale_version') ? (
          <ErrorBox error={save.error} />
        ) : null}
        {save.isSuccess ? <p role="status">{t('assignments.groupsSaved')}</p> : null}
        <button type="submit" disabled={save.isPending}>
          {t('assignments.saveGroups')}
        </button>
      </form>
    </details>
  );
}

function Groups({ a }: { a: Detail }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const sizeId = useId();
  const [size, setSize] = useState(3);
  const [draws, setDraws] = useState(0);
  const redraw = useMutation({
    // A draw replaces the groups on screen: it is made from their version, and refused (the page then shows
    // the groups saved meanwhile, to draw again from) when someone else saved other groups since.
    mutationFn: () =>
      api<Detail>(`/assignments/${a.id}/groups`, {
        method: 'PUT',
        body: { version: a.groupsVersion, draw: { size } },
      }),
    onSuccess: (data) => {
      client.setQueryData(['assignment', a.id], data);
      // The hand-made choices start again from the new draw.
      setDraws(draws + 1);
    },
    onError: (error) => {
      const theirs = staleCurrent<Detail>(error);
      if (theirs) client.setQueryData(['assignment', a.id], theirs);
    },
  });
  return (
    <section aria-labelledby="assignment-groups" className="card">
      <h2 id="assignment-groups">{t('assignments.groups')}</h2>
      {a.groups.length === 0 ? <p>{t('assignments.noGroups')}</p> : null}
      <ul className="list">
        {a.groups.map((g) => (
          <li key={g.id}>
            <span className="what">{t('assignments.groupN', { n: g.number })}</span>
            <span className="meta">{g.members.map((m) => m.displayName).join(', ')}</span>
          </li>
        ))}
      </ul>
      {a.ungrouped.length > 0 ? (
        <p>
          {t('assignments.ungrouped')}: {a.ungrouped.map((m) => m.displayName).join(', ')}
        </p>
      ) : null}
      {a.canEdit ? <FormGroups key={draws} a={a} /> : null}
      {a.canEdit ? (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            redraw.mutate();
          }}
        >
          <div className="field">
            <label htmlFor={sizeId}>{t('assignments.groupSize')}</label>
            <input
              id={sizeId}
              type="number"
              min={2}
              max={40}
              value={size}
              onChange={(e) => setSize(Number(e.target.value))}
            />
          </div>
          {redraw.isError ? <ErrorBox error={redraw.error} /> : null}
          <button type="submit" className="secondary" disabled={redraw.isPending}>
            {t('assignments.draw')}
          </button>
        </form>
      ) : null}
    </section>
  );
}

function StatusTable({ a }: { a: Detail }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [open, setOpen] = useState<number | null>(null);
  const list = useStatuses(a.id);
  if (list.isPending) return <Loading />;
  if (list.isError) return <ErrorBox error={list.error} onRetry={() => void list.refetch()} />;
  const { counts } = list.data;
  const missing = list.data.items.filter((i) => i.status === 'not_submitted');
  return (
    <section aria-labelledby="assignment-statuses">
      <h2 id="assignment-statuses">{t('assignments.statuses')}</h2>
      <p>
        {(['not_submitted', 'submitted', 'late', 'marked'] as const).map((s) => (
          <span key={s}>
            <StatusBadge status={s} /> {f.number(counts[s])}{' '}
          </span>
        ))}
      </p>
      <p className="not-submitted">
        {missing.length === 0
          ? t('assignments.everyoneSubmitted')
          : t('assignments.notSubmittedList', {
              names: missing.map((i) => i.student.displayName).join(', '),
            })}
      </p>
      <ul className="list">
        {list.data.items.map((row) => (
          <li key={row.student.id}>
            <span className="what">{row.student.displayName}</span>
            <span className="meta">
              <StatusBadge status={row.status} />
              {row.groupNumber !== null ? ` · ${t('assignments.groupN', { n: row.groupNumber })}` : null}
              {row.submittedAt ? (
                <>
                  {' · '}
                  <time dateTime={row.submittedAt}>{f.dateTime(row.submittedAt)}</time>
                </>
              ) : null}
              {row.mark !== null ? ` · ${t('assignments.mark')}: ${row.mark}` : null}
            </span>
            {row.submissionId !== null ? (
              <button
                type="button"
                className="secondary"
                aria-expanded={open === row.student.id}
                onClick={() => setOpen(open === row.student.id ? null : row.student.id)}
              >
                {t('assignments.openWork')}
              </button>
            ) : null}
            {open === row.student.id ? (
              <WorkView
                assignmentId={a.id}
                studentId={row.student.id}
                scale={a.canEdit ? list.data.scale : null}
              />
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function VersionView({ v }: { v: VersionRecord }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <div className="work-version">
      <p className="meta">
        {t('assignments.version', { n: v.version })} · {v.submittedBy.displayName} ·{' '}
        <time dateTime={v.submittedAt}>{f.dateTime(v.submittedAt)}</time>
        {v.late ? (
          <>
            {' '}
            · <StatusBadge status="late" />
          </>
        ) : null}
      </p>
      {v.text ? <p>{v.text}</p> : null}
      {v.files.length > 0 ? (
        <ul>
          {v.files.map((file) => (
            <li key={file.id}>
              <a href={`/api/assignment-files/${file.id}`} download={file.name}>
                {file.name}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      {v.mark !== null ? (
        <p>
          <strong>
            {t('assignments.mark')}: {v.mark}
          </strong>
        </p>
      ) : null}
      {v.feedback ? (
        <p>
          {t('assignments.feedback')}: {v.feedback}
        </p>
      ) : null}
      {v.resubmissionRequested ? <p>{t('assignments.resubmitAsked')}</p> : null}
    </div>
  );
}

function WorkView({
  assignmentId,
  studentId,
  scale,
}: {
  assignmentId: number;
  studentId: number;
  scale: Statuses['scale'] | null;
}) {
  const work = useQuery({
    queryKey: ['assignment', assignmentId, 'work', studentId],
    queryFn: ({ signal }) => api<WorkRecord>(`/assignments/${assignmentId}/work/${studentId}`, { signal }),
  });
  if (work.isPending) return <Loading />;
  if (work.isError) return <ErrorBox error={work.error} />;
  const latest = work.data.versions[0];
  return (
    <div>
      {scale && latest ? <FeedbackForm assignmentId={assignmentId} v={latest} scale={scale} /> : null}
      {work.data.versions.map((v) => (
        <VersionView key={v.id} v={v} />
      ))}
    </div>
  );
}

function FeedbackForm({
  assignmentId,
  v,
  scale,
}: {
  assignmentId: number;
  v: VersionRecord;
  scale: Statuses['scale'];
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const ids = { mark: useId(), text: useId() };
  const [form, setForm] = useState({
    mark: v.mark === null ? '' : String(v.mark),
    feedback: v.feedback ?? '',
    resubmit: false,
  });
  const save = useMutation({
    mutationFn: () =>
      api<VersionRecord>(`/submissions/${v.id}/feedback`, {
        method: 'POST',
        body: {
          mark: form.mark === '' ? null : Number(form.mark),
          feedback: form.feedback || null,
          resubmit: form.resubmit,
        },
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['assignment', assignmentId] }),
  });
  return (
    <form
      className="form"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <div className="field">
        <label htmlFor={ids.mark}>{t('assignments.mark')}</label>
        <select id={ids.mark} value={form.mark} onChange={(e) => setForm({ ...form, mark: e.target.value })}>
          <option value="">{t('assignments.noMark')}</option>
          {scale.map((m) => (
            <option key={m.value} value={m.value}>
              {m.value} — {m.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.text}>{t('assignments.feedback')}</label>
        <textarea
          id={ids.text}
          rows={3}
          value={form.feedback}
          onChange={(e) => setForm({ ...form, feedback: e.target.value })}
        />
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={form.resubmit}
          onChange={(e) => setForm({ ...form, resubmit: e.target.checked })}
        />{' '}
        {t('assignments.askResubmit')}
      </label>
      {save.isError ? <ErrorBox error={save.error} /> : null}
      {save.isSuccess ? <p role="status">{t('assignments.saved')}</p> : null}
      <button type="submit" disabled={save.isPending}>
        {t('assignments.saveFeedback')}
      </button>
    </form>
  );
}

/** Uploads one file as the raw body; its kind is checked by the server from its bytes. */
async function uploadFile(assignmentId: number, file: File): Promise<Static<typeof UploadedFile>> {
  const response = await fetch(
    `/api/assignments/${assignmentId}/uploads?name=${encodeURIComponent(file.name)}`,
    {
      method: 'POST',
      headers: { ...changeHeaders(), 'content-type': 'application/octet-stream', accept: 'application/json' },
      body: file,
      credentials: 'same-origin',
    },
  );
  const body = (await response.json().catch(() => null)) as {
    error?: { code: string; message: string };
  } & Static<typeof UploadedFile>;
  if (!response.ok)
    throw new ApiError(response.status, body?.error?.code ?? 'unknown', body?.error?.message ?? '');
  return body;
}

function StudentWork({ a, studentId }: { a: Detail; studentId: number }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const ids = { text: useId(), files: useId() };
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [formKey, setFormKey] = useState(0);
  const work = useQuery({
    queryKey: ['assignment', a.id, 'work', studentId],
    queryFn: ({ signal }) => api<WorkRecord>(`/assignments/${a.id}/work/${studentId}`, { signal }),
  });
  const hand = useMutation({
    mutationFn: async () => {
      const fileIds: number[] = [];
      for (const file of files) fileIds.push((await uploadFile(a.id, file)).id);
      return api<VersionRecord>(`/assignments/${a.id}/submissions`, {
        method: 'POST',
        body: { text: text || null, fileIds },
      });
    },
    onSuccess: async () => {
      setText('');
      setFiles([]);
      setFormKey(formKey + 1);
      await client.invalidateQueries({ queryKey: ['assignment', a.id] });
    },
  });
  return (
    <>
      <section aria-labelledby="my-work">
        <h2 id="my-work">{t('assignments.myWork')}</h2>
        {work.data ? (
          <p>
            <StatusBadge status={work.data.status} />
          </p>
        ) : null}
        {work.isError ? <ErrorBox error={work.error} /> : null}
        {work.data?.versions.map((v) => (
          <VersionView key={v.id} v={v} />
        ))}
      </section>
      {a.canSubmit ? (
        <form
          key={formKey}
          className="form card"
          onSubmit={(e) => {
            e.preventDefault();
            hand.mutate();
          }}
        >
          <h2>
            {work.data && work.data.versions.length > 0 ? t('assignments.resubmit') : t('assignments.submit')}
          </h2>
          <div className="field">
            <label htmlFor={ids.text}>{t('assignments.answer')}</label>
            <textarea
              id={ids.text}
              rows={6}
              maxLength={20000}
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={ids.files}>{t('assignments.files')}</label>
            <input
              id={ids.files}
              type="file"
              multiple
              accept="application/pdf,image/jpeg,image/png"
              onChange={(e) => setFiles([...(e.target.files ?? [])].slice(0, 5))}
            />
            <p className="meta">{t('assignments.filesHint')}</p>
          </div>
          {hand.isError ? <ErrorBox error={hand.error} /> : null}
          <button type="submit" disabled={hand.isPending || (text.trim() === '' && files.length === 0)}>
            {t('assignments.send')}
          </button>
        </form>
      ) : (
        <p>{t('assignments.notInGroup')}</p>
      )}
    </>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Students and parents: the assignments with statuses and marks

/** `/my/assignments`: a student's assignments, or each of a parent's children's (read-only). */
export function MyAssignments({ me }: { me: Me }) {
  const { t } = useTranslation();
  const student = me.roles.some((g) => g.role === 'student');
  const ids = student ? [me.user.id] : me.childIds;
  return (
    <Page title={t('assignments.myTitle')}>
      {ids.length === 0 ? <p>{t('assignments.empty')}</p> : null}
      {ids.map((id) => (
        <StudentList key={id} studentId={id} links={student} />
      ))}
    </Page>
  );
}

function StudentList({ studentId, links }: { studentId: number; links: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const list = useQuery({
    queryKey: ['assignments', 'student', studentId],
    queryFn: ({ signal }) =>
      api<Static<typeof StudentAssignments>>(`/students/${studentId}/assignments`, { signal }),
  });
  if (list.isPending) return <Loading />;
  if (list.isError) return <ErrorBox error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <section aria-labelledby={`student-${studentId}`}>
      <h2 id={`student-${studentId}`}>{list.data.student.displayName}</h2>
      {list.data.items.length === 0 ? <p>{t('assignments.empty')}</p> : null}
      <ul className="list">
        {list.data.items.map((a) => (
          <li key={a.id}>
            {links ? (
              <Link to={`/assignments/${a.id}`} className="what">
                {a.title}
              </Link>
            ) : (
              <span className="what">{a.title}</span>
            )}
            <span className="meta">
              {a.subjectName} · {t('assignments.due')}: <time dateTime={a.dueAt}>{f.dateTime(a.dueAt)}</time>
            </span>
            <span className="meta">
              <StatusBadge status={a.status} />
              {a.mark !== null ? ` · ${t('assignments.mark')}: ${a.mark}` : null}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
