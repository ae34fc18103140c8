import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '@/web/api';
import { Link } from '@/web/router';
import { useMe } from '@/web/session';
import { Page } from '@/web/components/page';
import { ScrollBox } from '@/web/components/scroll-box';
import { ErrorBox, Loading } from '@/web/components/status';
import '@/web/portal/portal.css';

/**
 * The internet-safety courses (docs/portal.md): the courses by grade band (anyone), a course's lessons with
 * their library resources and quizzes (a pupil takes them; a teacher starts the course for a class), and the
 * report of completions and scores in the caller's scope (aggregates only).
 */

interface CourseCard {
  id: number;
  code: string;
  gradeFrom: number;
  gradeTo: number;
  title: string;
  summary: string;
  lessons: number;
}
interface Question {
  index: number;
  kind: string;
  prompt: string;
  points: number;
  options?: string[];
  left?: string[];
  right?: string[];
  items?: string[];
}
interface Lesson {
  id: number;
  position: number;
  topic: string;
  title: string;
  body: string;
  resources: { id: number; title: string; type: string }[];
  questions: Question[];
  result: { score: number; maxScore: number; tries: number } | null;
}
interface Course extends Omit<CourseCard, 'lessons'> {
  canTake: boolean;
  lessons: Lesson[];
  classes: {
    id: number;
    name: string;
    grade: number;
    run: { id: number; pupils: number; lessonsDone: number } | null;
  }[];
}
interface QuizResult {
  score: number;
  maxScore: number;
  correct: boolean[];
  best: number;
  withClass: boolean;
}
type Answer = Record<string, unknown>;

const REPORT_ROLES = ['admin', 'bureau', 'regional', 'director'];
/** The ministry's content staff, who edit the courses (src/web/portal/course-edit.tsx). */
const COURSE_EDITORS = ['admin', 'bureau', 'editor'];

/** The courses by grade band, and the ways to Safer Internet Day and the report. */
export function SafetyCoursesPage() {
  const { t } = useTranslation();
  const me = useMe();
  const list = useQuery({
    queryKey: ['portal', 'safety', 'courses'],
    queryFn: ({ signal }) => api<{ items: CourseCard[] }>('/portal/safety/courses', { signal }),
  });
  const reports = !!me.data?.roles.some((g) => REPORT_ROLES.includes(g.role));
  return (
    <Page title={t('portalCourses.title')} intro={t('portalCourses.intro')}>
      {list.isError ? <ErrorBox error={list.error} onRetry={() => void list.refetch()} /> : null}
      <h2>{t('portalCourses.courses')}</h2>
      {list.data ? (
        <ul className="portal-list">
          {list.data.items.map((c) => (
            <li key={c.id} className="portal-card">
              <h3>
                <Link to={`/portal/safety/courses/${c.id}`}>{c.title}</Link>
              </h3>
              <p className="portal-meta">
                {t('portalCourses.grades', { from: c.gradeFrom, to: c.gradeTo })} ·{' '}
                {t('portalCourses.lessonsCount', { count: c.lessons })}
              </p>
              <p>{c.summary}</p>
            </li>
          ))}
        </ul>
      ) : list.isPending ? (
        <Loading />
      ) : null}
      <p>
        <Link to="/portal/safer-internet-day">{t('portalCourses.sidLink')}</Link>
      </p>
      {reports ? (
        <p>
          <Link to="/portal/safety/report">{t('portalCourses.reportLink')}</Link>
        </p>
      ) : null}
    </Page>
  );
}

/** One question's inputs, by the contests engine's kinds. */
function QuestionInput({
  lessonId,
  q,
  value,
  onChange,
}: {
  lessonId: number;
  q: Question;
  value: Answer | undefined;
  onChange: (a: Answer) => void;
}) {
  const { t } = useTranslation();
  const name = `q-${lessonId}-${q.index}`;
  switch (q.kind) {
    case 'true_false':
      return (
        <>
          {[true, false].map((v) => (
            <label key={String(v)} className="portal-choice">
              <input
                type="radio"
                name={name}
                checked={value?.truth === v}
                onChange={() => onChange({ truth: v })}
              />{' '}
              {t(v ? 'portalCourses.yes' : 'portalCourses.no')}
            </label>
          ))}
        </>
      );
    case 'single':
      return (
        <>
          {q.options!.map((o, i) => (
            <label key={i} className="portal-choice">
              <input
                type="radio"
                name={name}
                checked={value?.choice === i}
                onChange={() => onChange({ choice: i })}
              />{' '}
              {o}
            </label>
          ))}
        </>
      );
    case 'multiple': {
      const chosen = (value?.choices as number[] | undefined) ?? [];
      return (
        <>
          {q.options!.map((o, i) => (
            <label key={i} className="portal-choice">
              <input
                type="checkbox"
                name={name}
                checked={chosen.includes(i)}
                onChange={(e) =>
                  onChange({
                    choices: e.target.checked
                      ? [...chosen, i].sort((a, b) => a - b)
                      : chosen.filter((c) => c !== i),
                  })
                }
              />{' '}
              {o}
            </label>
          ))}
        </>
      );
    }
    case 'ordering': {
      // Each item gets its step number; the answer lists the shown items in the chosen order.
      const places = (value?.places as (number | null)[] | undefined) ?? q.items!.map(() => null);
      const set = (item: number, place: number | null) => {
        const next = places.map((p, i) => (i === item ? place : p));
        const complete = next.every((p) => p !== null) && new Set(next).size === next.length;
        onChange({
          places: next,
          order: complete ? q.items!.map((_, i) => i).sort((a, b) => next[a]! - next[b]!) : undefined,
        });
      };
      return (
        <>
          {q.items!.map((item, i) => (
            <label key={i}>
              {t('portalCourses.position', { item })}
              <select
                value={places[i] ?? ''}
                onChange={(e) => set(i, e.target.value === '' ? null : Number(e.target.value))}
              >
                <option value="">{t('portalCourses.choose')}</option>
                {q.items!.map((_, p) => (
                  <option key={p} value={p}>
                    {p + 1}
                  </option>
                ))}
              </select>
            </label>
          ))}
        </>
      );
    }
    case 'matching': {
      const pairs = (value?.pairs as (number | null)[] | undefined) ?? q.left!.map(() => null);
      return (
        <>
          {q.left!.map((item, i) => (
            <label key={i}>
              {t('portalCourses.matchFor', { item })}
              <select
                value={pairs[i] ?? ''}
                onChange={(e) =>
                  onChange({
                    pairs: pairs.map((p, j) =>
                      j === i ? (e.target.value === '' ? null : Number(e.target.value)) : p,
                    ),
                  })
                }
              >
                <option value="">{t('portalCourses.choose')}</option>
                {q.right!.map((r, j) => (
                  <option key={j} value={j}>
                    {r}
                  </option>
                ))}
              </select>
            </label>
          ))}
        </>
      );
    }
    default:
      return (
        <label>
          {q.prompt}
          <input type="text" onChange={(e) => onChange({ text: e.target.value })} />
        </label>
      );
  }
}

/** The answer as the API takes it (the ordering's helper fields left out). */
const sent = (a: Answer | undefined): Answer => {
  if (!a) return {};
  const { places: _places, ...rest } = a;
  void _places;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
};

function Quiz({ lesson, courseId }: { lesson: Lesson; courseId: number }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [answers, setAnswers] = useState<Record<number, Answer>>({});
  const quiz = useMutation({
    mutationFn: () =>
      api<QuizResult>(`/portal/safety/lessons/${lesson.id}/quiz`, {
        method: 'POST',
        body: { answers: lesson.questions.map((q) => sent(answers[q.index])) },
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['portal', 'safety', 'course', courseId] }),
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        quiz.mutate();
      }}
    >
      {lesson.questions.map((q) => (
        <fieldset key={q.index}>
          <legend>{q.prompt}</legend>
          <QuestionInput
            lessonId={lesson.id}
            q={q}
            value={answers[q.index]}
            onChange={(a) => setAnswers({ ...answers, [q.index]: a })}
          />
          {quiz.data ? (
            <p className={quiz.data.correct[q.index] ? 'portal-right' : 'portal-wrong'}>
              {t(quiz.data.correct[q.index] ? 'portalCourses.right' : 'portalCourses.wrong')}
            </p>
          ) : null}
        </fieldset>
      ))}
      <button type="submit" disabled={quiz.isPending}>
        {t('portalCourses.check')}
      </button>
      {quiz.isError ? <ErrorBox error={quiz.error} /> : null}
      {quiz.data ? (
        <p role="status" className="portal-result">
          {t('portalCourses.result', { score: quiz.data.score, max: quiz.data.maxScore })}
          {quiz.data.withClass ? ` ${t('portalCourses.withClass')}` : ''}
        </p>
      ) : null}
    </form>
  );
}

/** A course: lessons with resources and quizzes; a teacher's classes to start it for. */
export function SafetyCoursePage({ id }: { id: number }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const me = useMe();
  const edits = !!me.data?.roles.some((g) => COURSE_EDITORS.includes(g.role));
  const course = useQuery({
    queryKey: ['portal', 'safety', 'course', id],
    queryFn: ({ signal }) => api<Course>(`/portal/safety/courses/${id}`, { signal }),
  });
  const start = useMutation({
    mutationFn: (classId: number) =>
      api(`/portal/safety/courses/${id}/runs`, { method: 'POST', body: { classId } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['portal', 'safety', 'course', id] }),
  });
  if (course.isError) return <ErrorBox error={course.error} onRetry={() => void course.refetch()} />;
  if (!course.data) return <Loading />;
  const c = course.data;
  return (
    <Page title={c.title} intro={c.summary}>
      <p className="portal-meta">
        {t('portalCourses.grades', { from: c.gradeFrom, to: c.gradeTo })} ·{' '}
        <Link to="/portal/safety">{t('portalCourses.title')}</Link>
      </p>
      {c.classes.length ? (
        <section aria-labelledby="safety-classes">
          <h2 id="safety-classes">{t('portalCourses.yourClasses')}</h2>
          <ul className="portal-list">
            {c.classes.map((k) => (
              <li key={k.id} className="portal-card">
                {k.run ? (
                  <p>
                    {t('portalCourses.started', {
                      name: k.name,
                      pupils: k.run.pupils,
                      lessons: k.run.lessonsDone,
                    })}
                  </p>
                ) : (
                  <button type="button" disabled={start.isPending} onClick={() => start.mutate(k.id)}>
                    {t('portalCourses.startFor', { name: k.name })}
                  </button>
                )}
              </li>
            ))}
          </ul>
          {start.isError ? <ErrorBox error={start.error} /> : null}
        </section>
      ) : null}
      {edits ? (
        <p>
          <Link to={`/portal/manage/safety/courses/${c.id}`}>{t('portalCourseEdit.editLink')}</Link>
        </p>
      ) : null}
      {!c.canTake ? <p>{t('portalCourses.signInToTake')}</p> : null}
      {c.lessons.map((l) => (
        <section key={l.id} aria-labelledby={`lesson-${l.id}`} className="portal-lesson">
          <h2 id={`lesson-${l.id}`}>
            {t('portalCourses.lesson', { n: l.position })}. {l.title}
          </h2>
          <p className="portal-meta">{t(`portalCourses.topic.${l.topic}`)}</p>
          <p>{l.body}</p>
          {l.resources.length ? (
            <>
              <h3>{t('portalCourses.resources')}</h3>
              <ul>
                {l.resources.map((r) => (
                  <li key={r.id}>
                    <Link to={`/resources/${r.id}`}>{r.title}</Link>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {l.result ? (
            <p className="portal-result">
              {t('portalCourses.best', { score: l.result.score, max: l.result.maxScore })}
            </p>
          ) : null}
          {c.canTake ? (
            <>
              <h3>{t('portalCourses.quiz')}</h3>
              <Quiz lesson={l} courseId={c.id} />
            </>
          ) : null}
        </section>
      ))}
    </Page>
  );
}

interface Figures {
  suppressed: boolean;
  pupils: number | null;
  lessonsDone: number | null;
  completions: number | null;
  averagePercent: number | null;
}
interface Report {
  scope: {
    level: 'nation' | 'area' | 'school';
    areaId: number | null;
    institutionId: number | null;
    name: string;
  };
  smallCell: number;
  total: Figures;
  rows: (Figures & { kind: 'area' | 'school' | 'class'; id: number; name: string })[];
}

/** Completions and scores in the caller's scope, drilled down from region to district to school. */
export function SafetyReportPage() {
  const { t } = useTranslation();
  const [trail, setTrail] = useState<{ areaId?: number; institutionId?: number }[]>([{}]);
  const [courseId, setCourseId] = useState<number | null>(null);
  const at = trail[trail.length - 1]!;
  const query = new URLSearchParams();
  if (at.areaId) query.set('areaId', String(at.areaId));
  if (at.institutionId) query.set('institutionId', String(at.institutionId));
  if (courseId) query.set('courseId', String(courseId));
  const report = useQuery({
    queryKey: ['portal', 'safety', 'report', query.toString()],
    queryFn: ({ signal }) => api<Report>(`/portal/safety/report?${query.toString()}`, { signal }),
  });
  const courses = useQuery({
    queryKey: ['portal', 'safety', 'courses'],
    queryFn: ({ signal }) => api<{ items: CourseCard[] }>('/portal/safety/courses', { signal }),
  });
  const r = report.data;
  const cell = (v: number | null, f: Figures, percent = false) =>
    f.suppressed
      ? t('portalCourses.hidden', { n: r!.smallCell })
      : v === null
        ? '—'
        : percent
          ? `${v}%`
          : String(v);
  return (
    <Page
      title={t('portalCourses.reportTitle')}
      intro={t('portalCourses.reportIntro', { n: r?.smallCell ?? 3 })}
    >
      <label className="portal-picker safety-picker">
        {t('portalCourses.course')}
        <select
          value={courseId ?? ''}
          onChange={(e) => setCourseId(e.target.value === '' ? null : Number(e.target.value))}
        >
          <option value="">{t('portalCourses.allCourses')}</option>
          {courses.data?.items.map((c) => (
            <option key={c.id} value={c.id}>
              {c.title}
            </option>
          ))}
        </select>
      </label>
      {report.isError ? <ErrorBox error={report.error} onRetry={() => void report.refetch()} /> : null}
      {r ? (
        <>
          <h2>{r.scope.level === 'nation' ? t('portalCourses.nation') : r.scope.name}</h2>
          {trail.length > 1 ? (
            <p>
              <button type="button" onClick={() => setTrail(trail.slice(0, -1))}>
                {t('portalCourses.back')}
              </button>
            </p>
          ) : null}
          {r.rows.length === 0 && r.total.pupils === 0 ? <p>{t('portalCourses.noData')}</p> : null}
          <ScrollBox label={t('portalCourses.reportTitle')}>
            <table className="table safety-report">
              <thead>
                <tr>
                  <th scope="col">{t('portalCourses.name')}</th>
                  <th scope="col">{t('portalCourses.pupils')}</th>
                  <th scope="col">{t('portalCourses.lessonsDone')}</th>
                  <th scope="col">{t('portalCourses.completions')}</th>
                  <th scope="col">{t('portalCourses.average')}</th>
                </tr>
              </thead>
              <tbody>
                {r.rows.map((row) => (
                  <tr key={`${row.kind}-${row.id}`}>
                    <th scope="row">
                      {row.kind === 'class' ? (
                        row.name
                      ) : (
                        <button
                          type="button"
                          className="link-button"
                          onClick={() =>
                            setTrail([
                              ...trail,
                              row.kind === 'area' ? { areaId: row.id } : { institutionId: row.id },
                            ])
                          }
                        >
                          {row.name}
                        </button>
                      )}
                    </th>
                    <td>{cell(row.pupils, row)}</td>
                    <td>{cell(row.lessonsDone, row)}</td>
                    <td>{cell(row.completions, row)}</td>
                    <td>{cell(row.averagePercent, row, true)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr className="safety-total">
                  <th scope="row">{t('portalCourses.total')}</th>
                  <td>{cell(r.total.pupils, r.total)}</td>
                  <td data-total="lessons">{cell(r.total.lessonsDone, r.total)}</td>
                  <td data-total="completions">{cell(r.total.completions, r.total)}</td>
                  <td>{cell(r.total.averagePercent, r.total, true)}</td>
                </tr>
              </tfoot>
            </table>
          </ScrollBox>
        </>
      ) : report.isPending ? (
        <Loading />
      ) : null}
    </Page>
  );
}
