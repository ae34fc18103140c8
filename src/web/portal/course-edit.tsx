import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '@/web/api';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import '@/web/portal/portal.css';

/**
 * The ministry's content staff edit an internet-safety course (docs/portal.md, "Editing the courses"): its
 * title and summary in az/ru/en, the order of its lessons; a lesson's texts, library resources (found by
 * searching the library) and quiz of the contests engine's kinds. A lesson pupils took is retired, not removed.
 * Every text is plain text, shown as text.
 */

type Lang = 'az' | 'ru' | 'en';
const LANGS: Lang[] = ['az', 'ru', 'en'];
type Texts = Record<Lang, string>;
type Lists = Record<Lang, string[]>;
const blank = (): Texts => ({ az: '', ru: '', en: '' });
const blankLists = (n = 0): Lists => ({
  az: Array<string>(n).fill(''),
  ru: Array<string>(n).fill(''),
  en: Array<string>(n).fill(''),
});

const KINDS = ['single', 'multiple', 'true_false', 'matching', 'ordering'] as const;
type Kind = (typeof KINDS)[number];
const TOPICS = [
  'privacy',
  'cyberbullying',
  'misinformation',
  'passwords_scams',
  'screen_time',
  'digital_footprint',
] as const;

interface EditQuestion {
  kind: Kind;
  points: number;
  prompt: Texts;
  options?: Lists;
  correct?: number[];
  truth?: boolean;
  left?: Lists;
  right?: Lists;
  pairs?: number[];
  items?: Lists;
}
interface EditLesson {
  id: number;
  courseId: number;
  version: number;
  position: number;
  topic: string;
  retired: boolean;
  attempts: number;
  title: Texts;
  body: Texts;
  resources: { id: number; title: string; type: string }[];
  questions: EditQuestion[];
}
interface EditCourse {
  id: number;
  code: string;
  version: number;
  gradeFrom: number;
  gradeTo: number;
  title: Texts;
  summary: Texts;
  lessons: EditLesson[];
}

/** A new question of a kind, ready to fill in. */
function freshQuestion(kind: Kind): EditQuestion {
  const base = { kind, points: 1, prompt: blank() };
  switch (kind) {
    case 'single':
    case 'multiple':
      return { ...base, options: blankLists(2), correct: [0] };
    case 'true_false':
      return { ...base, truth: true };
    case 'matching':
      return { ...base, left: blankLists(2), right: blankLists(2), pairs: [0, 1] };
    case 'ordering':
      return { ...base, items: blankLists(2) };
  }
}

/** Texts in the three languages, one input (or text area) each. */
function TextsField({
  id,
  label,
  value,
  onChange,
  long,
  max,
}: {
  id: string;
  label: string;
  value: Texts;
  onChange: (v: Texts) => void;
  long?: boolean;
  max: number;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="portal-form">
      <legend>{label}</legend>
      {LANGS.map((l) => (
        <label key={l} htmlFor={`${id}-${l}`}>
          {t(`portalCourseEdit.language.${l}`)}
          {long ? (
            <textarea
              id={`${id}-${l}`}
              rows={4}
              maxLength={max}
              value={value[l]}
              onChange={(e) => onChange({ ...value, [l]: e.target.value })}
            />
          ) : (
            <input
              id={`${id}-${l}`}
              type="text"
              maxLength={max}
              value={value[l]}
              onChange={(e) => onChange({ ...value, [l]: e.target.value })}
            />
          )}
        </label>
      ))}
    </fieldset>
  );
}

/** A list in the three languages: one entry a line, as many lines in each language. */
function ListsField({
  id,
  label,
  value,
  onChange,
}: {
  id: string;
  label: string;
  value: Lists;
  onChange: (v: Lists) => void;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="portal-form">
      <legend>{label}</legend>
      <p className="portal-meta">{t('portalCourseEdit.oneALine')}</p>
      {LANGS.map((l) => (
        <label key={l} htmlFor={`${id}-${l}`}>
          {t(`portalCourseEdit.language.${l}`)}
          <textarea
            id={`${id}-${l}`}
            rows={3}
            value={value[l].join('\n')}
            onChange={(e) => onChange({ ...value, [l]: e.target.value.split('\n') })}
          />
        </label>
      ))}
    </fieldset>
  );
}

/** One question of the quiz: its kind's parts and its key. */
function QuestionForm({
  id,
  n,
  q,
  onChange,
  onRemove,
}: {
  id: string;
  n: number;
  q: EditQuestion;
  onChange: (q: EditQuestion) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const count = (l?: Lists) => Math.max(0, ...(l ? LANGS.map((x) => l[x].length) : [0]));
  const optionLabel = (i: number) => q.options?.az[i] || `${i + 1}`;
  return (
    <fieldset className="portal-card portal-form" data-question={n}>
      <legend>
        {t('portalCourseEdit.question', { n: n + 1 })} · {t(`portalCourseEdit.kind.${q.kind}`)}
      </legend>
      <label htmlFor={`${id}-points`}>
        {t('portalCourseEdit.points')}
        <input
          id={`${id}-points`}
          type="number"
          min={1}
          max={10}
          value={q.points}
          onChange={(e) => onChange({ ...q, points: Number(e.target.value) || 1 })}
        />
      </label>
      <TextsField
        id={`${id}-prompt`}
        label={t('portalCourseEdit.prompt')}
        value={q.prompt}
        max={500}
        onChange={(prompt) => onChange({ ...q, prompt })}
      />
      {q.kind === 'single' || q.kind === 'multiple' ? (
        <>
          <ListsField
            id={`${id}-options`}
            label={t('portalCourseEdit.options')}
            value={q.options ?? blankLists()}
            onChange={(options) => onChange({ ...q, options })}
          />
          <fieldset className="portal-form">
            <legend>{t('portalCourseEdit.correct')}</legend>
            {Array.from({ length: count(q.options) }, (_, i) => (
              <label key={i} className="portal-choice">
                <input
                  type={q.kind === 'single' ? 'radio' : 'checkbox'}
                  name={`${id}-correct`}
                  checked={(q.correct ?? []).includes(i)}
                  onChange={(e) =>
                    onChange({
                      ...q,
                      correct:
                        q.kind === 'single'
                          ? [i]
                          : e.target.checked
                            ? [...(q.correct ?? []), i]
                            : (q.correct ?? []).filter((x) => x !== i),
                    })
                  }
                />
                {optionLabel(i)}
              </label>
            ))}
          </fieldset>
        </>
      ) : null}
      {q.kind === 'true_false' ? (
        <label htmlFor={`${id}-truth`}>
          {t('portalCourseEdit.truth')}
          <select
            id={`${id}-truth`}
            value={q.truth ? 'true' : 'false'}
            onChange={(e) => onChange({ ...q, truth: e.target.value === 'true' })}
          >
            <option value="true">{t('portalCourseEdit.true')}</option>
            <option value="false">{t('portalCourseEdit.false')}</option>
          </select>
        </label>
      ) : null}
      {q.kind === 'matching' ? (
        <>
          <ListsField
            id={`${id}-left`}
            label={t('portalCourseEdit.left')}
            value={q.left ?? blankLists()}
            onChange={(left) => onChange({ ...q, left })}
          />
          <ListsField
            id={`${id}-right`}
            label={t('portalCourseEdit.right')}
            value={q.right ?? blankLists()}
            onChange={(right) => onChange({ ...q, right })}
          />
          <fieldset className="portal-form">
            <legend>{t('portalCourseEdit.pairs')}</legend>
            {Array.from({ length: count(q.left) }, (_, i) => (
              <label key={i} htmlFor={`${id}-pair-${i}`}>
                {q.left?.az[i] || `${i + 1}`}
                <select
                  id={`${id}-pair-${i}`}
                  value={q.pairs?.[i] ?? 0}
                  onChange={(e) => {
                    const pairs = [...(q.pairs ?? [])];
                    pairs[i] = Number(e.target.value);
                    onChange({ ...q, pairs });
                  }}
                >
                  {Array.from({ length: count(q.right) }, (_, j) => (
                    <option key={j} value={j}>
                      {q.right?.az[j] || `${j + 1}`}
                    </option>
                  ))}
                </select>
              </label>
            ))}
          </fieldset>
        </>
      ) : null}
      {q.kind === 'ordering' ? (
        <ListsField
          id={`${id}-items`}
          label={t('portalCourseEdit.items')}
          value={q.items ?? blankLists()}
          onChange={(items) => onChange({ ...q, items })}
        />
      ) : null}
      <button type="button" className="secondary" onClick={onRemove}>
        {t('portalCourseEdit.removeQuestion', { n: n + 1 })}
      </button>
    </fieldset>
  );
}

/** Library resources of a lesson: the ones chosen, and a search of the library to add more. */
function ResourcePicker({
  value,
  onChange,
}: {
  value: { id: number; title: string }[];
  onChange: (v: { id: number; title: string }[]) => void;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [asked, setAsked] = useState('');
  const found = useQuery({
    queryKey: ['library', 'search', 'course-edit', asked],
    queryFn: ({ signal }) =>
      api<{ items: { id: number; title: string }[] }>(
        `/library/search?limit=8&q=${encodeURIComponent(asked)}`,
        { signal },
      ),
    enabled: asked !== '',
  });
  return (
    <fieldset className="portal-form">
      <legend>{t('portalCourseEdit.resources')}</legend>
      {value.length ? (
        <ul>
          {value.map((r) => (
            <li key={r.id}>
              {r.title}{' '}
              <button
                type="button"
                className="secondary"
                onClick={() => onChange(value.filter((x) => x.id !== r.id))}
              >
                {t('portalCourseEdit.removeResource', { title: r.title })}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('portalCourseEdit.noResources')}</p>
      )}
      <label htmlFor="course-edit-search">
        {t('portalCourseEdit.searchLibrary')}
        <input
          id="course-edit-search"
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              setAsked(q.trim());
            }
          }}
        />
      </label>
      <button type="button" className="secondary" onClick={() => setAsked(q.trim())}>
        {t('portalCourseEdit.search')}
      </button>
      {found.data ? (
        <ul aria-label={t('portalCourseEdit.found')}>
          {found.data.items.map((r) => (
            <li key={r.id}>
              {r.title}{' '}
              <button
                type="button"
                className="secondary"
                disabled={value.some((x) => x.id === r.id)}
                onClick={() => onChange([...value, { id: r.id, title: r.title }])}
              >
                {t('portalCourseEdit.addResource', { title: r.title })}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </fieldset>
  );
}

/** A lesson's form: a new lesson (no `lesson`) or one saved at its version. */
function LessonForm({
  courseId,
  lesson,
  onDone,
}: {
  courseId: number;
  lesson: EditLesson | null;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [topic, setTopic] = useState(lesson?.topic ?? 'privacy');
  const [title, setTitle] = useState(lesson?.title ?? blank());
  const [body, setBody] = useState(lesson?.body ?? blank());
  const [res, setRes] = useState(lesson?.resources.map((r) => ({ id: r.id, title: r.title })) ?? []);
  const [questions, setQuestions] = useState<EditQuestion[]>(
    lesson?.questions ?? [freshQuestion('true_false')],
  );
  const [kind, setKind] = useState<Kind>('single');
  const save = useMutation({
    mutationFn: () => {
      // Lines left empty at the end of a list are not entries.
      const tidy = (l?: Lists) =>
        l
          ? (Object.fromEntries(
              LANGS.map((x) => {
                const v = [...l[x]];
                while (v.length && v[v.length - 1]!.trim() === '') v.pop();
                return [x, v];
              }),
            ) as Lists)
          : undefined;
      const payload = {
        topic,
        title,
        body,
        resourceIds: res.map((r) => r.id),
        questions: questions.map((q) => ({
          ...q,
          ...(q.options ? { options: tidy(q.options) } : {}),
          ...(q.left ? { left: tidy(q.left), right: tidy(q.right) } : {}),
          ...(q.items ? { items: tidy(q.items) } : {}),
        })),
      };
      return lesson
        ? api<EditLesson>(`/portal/manage/safety/lessons/${lesson.id}`, {
            method: 'PUT',
            body: { ...payload, version: lesson.version },
          })
        : api<EditLesson>(`/portal/manage/safety/courses/${courseId}/lessons`, {
            method: 'POST',
            body: payload,
          });
    },
    onSuccess: onDone,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const fid = `lesson-${lesson?.id ?? 'new'}`;
  return (
    <form className="portal-form" onSubmit={submit} aria-label={t('portalCourseEdit.lessonForm')}>
      <label htmlFor={`${fid}-topic`}>
        {t('portalCourseEdit.topic')}
        <select id={`${fid}-topic`} value={topic} onChange={(e) => setTopic(e.target.value)}>
          {TOPICS.map((x) => (
            <option key={x} value={x}>
              {t(`portalCourses.topic.${x}`)}
            </option>
          ))}
        </select>
      </label>
      <TextsField
        id={`${fid}-title`}
        label={t('portalCourseEdit.title')}
        value={title}
        onChange={setTitle}
        max={200}
      />
      <TextsField
        id={`${fid}-body`}
        label={t('portalCourseEdit.body')}
        value={body}
        onChange={setBody}
        long
        max={4000}
      />
      <ResourcePicker value={res} onChange={setRes} />
      <h3>{t('portalCourseEdit.quiz')}</h3>
      {lesson && lesson.attempts > 0 ? (
        <p>{t('portalCourseEdit.attemptsKept', { count: lesson.attempts })}</p>
      ) : null}
      {questions.map((q, i) => (
        <QuestionForm
          key={i}
          id={`${fid}-q${i}`}
          n={i}
          q={q}
          onChange={(v) => setQuestions((qs) => qs.map((x, j) => (j === i ? v : x)))}
          onRemove={() => setQuestions((qs) => qs.filter((_, j) => j !== i))}
        />
      ))}
      <div className="row-buttons">
        <label htmlFor={`${fid}-kind`}>
          {t('portalCourseEdit.newKind')}
          <select id={`${fid}-kind`} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`portalCourseEdit.kind.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="secondary"
          disabled={questions.length >= 10}
          onClick={() => setQuestions((qs) => [...qs, freshQuestion(kind)])}
        >
          {t('portalCourseEdit.addQuestion')}
        </button>
      </div>
      {save.isError ? <ErrorBox error={save.error} /> : null}
      <div className="row-buttons">
        <button type="submit" className="primary" disabled={save.isPending}>
          {t('portalCourseEdit.saveLesson')}
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          {t('portalCourseEdit.cancel')}
        </button>
      </div>
    </form>
  );
}

/** The course's title and summary, saved at the version read. */
function CourseForm({ course, onSaved }: { course: EditCourse; onSaved: () => void }) {
  const { t } = useTranslation();
  const [title, setTitle] = useState(course.title);
  const [summary, setSummary] = useState(course.summary);
  const save = useMutation({
    mutationFn: () =>
      api<EditCourse>(`/portal/manage/safety/courses/${course.id}`, {
        method: 'PUT',
        body: { version: course.version, title, summary },
      }),
    onSuccess: onSaved,
  });
  return (
    <form
      className="portal-form"
      aria-labelledby="course-edit-texts"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <h2 id="course-edit-texts">{t('portalCourseEdit.courseTexts')}</h2>
      <TextsField
        id="course-title"
        label={t('portalCourseEdit.title')}
        value={title}
        onChange={setTitle}
        max={200}
      />
      <TextsField
        id="course-summary"
        label={t('portalCourseEdit.summary')}
        value={summary}
        onChange={setSummary}
        long
        max={1000}
      />
      {save.isError ? <ErrorBox error={save.error} onRetry={onSaved} /> : null}
      <button type="submit" className="primary" disabled={save.isPending}>
        {t('portalCourseEdit.saveCourse')}
      </button>
    </form>
  );
}

/** The course editor's page: the course's texts, its lessons in order, a lesson's form. */
export function PortalCourseEditPage({ id }: { id: number }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const key = ['portal', 'manage', 'safety', 'course', id];
  const course = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => api<EditCourse>(`/portal/manage/safety/courses/${id}`, { signal }),
  });
  const [open, setOpen] = useState<number | 'new' | null>(null);
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ['portal'] });
  };
  const order = useMutation({
    mutationFn: (lessonIds: number[]) =>
      api<EditCourse>(`/portal/manage/safety/courses/${id}`, {
        method: 'PUT',
        body: {
          version: course.data!.version,
          title: course.data!.title,
          summary: course.data!.summary,
          lessonIds,
        },
      }),
    onSuccess: refresh,
    onError: refresh,
  });
  const remove = useMutation({
    mutationFn: (l: EditLesson) =>
      api<{ outcome: 'removed' | 'retired' }>(`/portal/manage/safety/lessons/${l.id}?version=${l.version}`, {
        method: 'DELETE',
      }),
    onSuccess: refresh,
  });
  const restore = useMutation({
    mutationFn: (l: EditLesson) =>
      api<EditLesson>(`/portal/manage/safety/lessons/${l.id}`, {
        method: 'PUT',
        body: {
          version: l.version,
          topic: l.topic,
          title: l.title,
          body: l.body,
          resourceIds: l.resources.map((r) => r.id),
          questions: l.questions,
          retired: false,
        },
      }),
    onSuccess: refresh,
  });
  if (course.isError) return <ErrorBox error={course.error} onRetry={() => void course.refetch()} />;
  if (!course.data) return <Loading />;
  const c = course.data;
  const ids = c.lessons.map((l) => l.id);
  const move = (i: number, by: number) => {
    const next = [...ids];
    [next[i], next[i + by]] = [next[i + by]!, next[i]!];
    order.mutate(next);
  };
  return (
    <Page title={t('portalCourseEdit.pageTitle', { title: c.title.az })}>
      <p className="portal-meta">
        {t('portalCourses.grades', { from: c.gradeFrom, to: c.gradeTo })} ·{' '}
        <Link to={`/portal/safety/courses/${c.id}`}>{t('portalCourseEdit.view')}</Link>
      </p>
      <CourseForm key={c.version} course={c} onSaved={refresh} />
      <section aria-labelledby="course-edit-lessons">
        <h2 id="course-edit-lessons">{t('portalCourseEdit.lessons')}</h2>
        {order.isError ? <ErrorBox error={order.error} /> : null}
        {remove.isError ? <ErrorBox error={remove.error} /> : null}
        {restore.isError ? <ErrorBox error={restore.error} /> : null}
        {remove.data ? <p role="status">{t(`portalCourseEdit.outcome.${remove.data.outcome}`)}</p> : null}
        <ol className="portal-list">
          {c.lessons.map((l, i) => (
            <li key={l.id} className="portal-card" data-lesson={l.id}>
              <h3>{l.title.az}</h3>
              <p className="portal-meta">
                {t(`portalCourses.topic.${l.topic}`)} ·{' '}
                {t('portalCourseEdit.attempts', { count: l.attempts })}
                {l.retired ? ` · ${t('portalCourseEdit.retired')}` : ''}
              </p>
              <div className="row-buttons">
                <button
                  type="button"
                  onClick={() => setOpen(open === l.id ? null : l.id)}
                  aria-expanded={open === l.id}
                >
                  {t('portalCourseEdit.edit', { title: l.title.az })}
                </button>
                <button
                  type="button"
                  className="secondary"
                  disabled={i === 0 || order.isPending}
                  onClick={() => move(i, -1)}
                >
                  {t('portalCourseEdit.up', { title: l.title.az })}
                </button>
                <button
                  type="button"
                  className="secondary"
                  disabled={i === c.lessons.length - 1 || order.isPending}
                  onClick={() => move(i, 1)}
                >
                  {t('portalCourseEdit.down', { title: l.title.az })}
                </button>
                {l.retired ? (
                  <button type="button" className="secondary" onClick={() => restore.mutate(l)}>
                    {t('portalCourseEdit.restore', { title: l.title.az })}
                  </button>
                ) : (
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => {
                      if (
                        window.confirm(
                          t(
                            l.attempts > 0
                              ? 'portalCourseEdit.confirmRetire'
                              : 'portalCourseEdit.confirmRemove',
                          ),
                        )
                      )
                        remove.mutate(l);
                    }}
                  >
                    {t(l.attempts > 0 ? 'portalCourseEdit.retire' : 'portalCourseEdit.remove', {
                      title: l.title.az,
                    })}
                  </button>
                )}
              </div>
              {open === l.id ? (
                <LessonForm
                  key={l.version}
                  courseId={c.id}
                  lesson={l}
                  onDone={() => {
                    setOpen(null);
                    refresh();
                  }}
                />
              ) : null}
            </li>
          ))}
        </ol>
        {open === 'new' ? (
          <section aria-labelledby="course-edit-new">
            <h3 id="course-edit-new">{t('portalCourseEdit.newLesson')}</h3>
            <LessonForm
              courseId={c.id}
              lesson={null}
              onDone={() => {
                setOpen(null);
                refresh();
              }}
            />
          </section>
        ) : (
          <button type="button" onClick={() => setOpen('new')}>
            {t('portalCourseEdit.addLesson')}
          </button>
        )}
      </section>
    </Page>
  );
}
