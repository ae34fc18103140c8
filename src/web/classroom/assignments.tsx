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
import type { ClassDetail, ClassList } from '@/modules/classroom/classroom.schema';
import { api, ApiError, changeHeaders, type CountryPackRecord, type Me } from '@/web/api';
import { localName } from '@/web/i18n';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
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
  const ids = { subject: useId(), title: useId(), due: useId(), text: useId(), size: useId() };
  const empty = {
    subjectCode: subjects[0]!,
    title: '',
    dueAt: '',
    instructions: '',
    kind: 'individual',
    size: 3,
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
          ...(form.kind === 'group' ? { draw: { size: form.size } } : {}),
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
            onChange={(e) => setForm({ ...form, subjectCode: e.target.value })}
          >
            {subjects.map((s) => (
              <option key={s} value={s}>
                {subjectName(s)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.title}>{t('assignments.titleField')}</label>
          <input
            id={ids.title}
            required
            maxLength={200}
            value={form.title}
            onChange={(e) => setForm({ ...form, title: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.due}>{t('assignments.due')}</label>
          <input
            id={ids.due}
            type="datetime-local"
            required
            value={form.dueAt}
            onChange={(e) => setForm({ ...form, dueAt: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.text}>{t('assignments.instructions')}</label>
          <textarea
            id={ids.text}
            rows={4}
            value={form.instructions}
            onChange={(e) => setForm({ ...form, instructions: e.target.value })}
          />
        </div>
        <fieldset className="field">
          <legend>{t('assignments.kindLabel')}</legend>
          {(['individual', 'group'] as const).map((k) => (
            <label key={k} className="check">
              <input
                type="radio"
                name="kind"
                value={k}
                checked={form.kind === k}
                onChange={() => setForm({ ...form, kind: k })}
              />{' '}
              {t(`assignments.kind.${k}`)}
            </label>
          ))}
        </fieldset>
        {form.kind === 'group' ? (
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
      {a.kind === 'group' ? <Groups a={a} /> : null}
      {studies ? <StudentWork a={a} studentId={me.user.id} /> : <StatusTable a={a} />}
    </Page>
  );
}

function Groups({ a }: { a: Detail }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const sizeId = useId();
  const [size, setSize] = useState(3);
  const redraw = useMutation({
    mutationFn: () => api<Detail>(`/assignments/${a.id}/groups`, { method: 'PUT', body: { draw: { size } } }),
    onSuccess: (data) => client.setQueryData(['assignment', a.id], data),
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
  const list = useQuery({
    queryKey: ['assignment', a.id, 'statuses'],
    queryFn: ({ signal }) => api<Statuses>(`/assignments/${a.id}/statuses`, { signal }),
  });
  if (list.isPending) return <Loading />;
  if (list.isError) return <ErrorBox error={list.error} onRetry={() => void list.refetch()} />;
  const { counts } = list.data;
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
