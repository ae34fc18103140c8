import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type {
  BellSchedules,
  ClassDetail,
  ClassList,
  SchoolSubjectTeachers,
  TeacherList,
  Week,
} from '@/modules/classroom/classroom.schema';
import { api, type Me } from '@/web/api';
import { localName } from '@/web/i18n';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { Link } from '@/web/router';
import { useCountryPack, useCurrentYear } from '@/web/registry/shared';
import { useFormat } from '@/web/format';
import { Rosters } from '@/web/classroom/rosters';
import { knownFor, TeacherOptions, useSubjectTeachers, useTeachers } from '@/web/classroom/class-subjects';

type WeekRecord = Static<typeof Week>;
const WEEKDAYS = [1, 2, 3, 4, 5, 6] as const;

/** The director's timetable: a class's week in its shift's bells, periods added one by one, clashes refused. */
export function TimetablePage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const schoolId = me.roles.find((g) => g.role === 'director')?.institutionId ?? null;
  const { year } = useCurrentYear();
  const classes = useQuery({
    queryKey: ['classes', schoolId, year?.id],
    enabled: schoolId !== null && !!year,
    queryFn: ({ signal }) =>
      api<Static<typeof ClassList>>(`/institutions/${schoolId}/classes?yearId=${year!.id}`, { signal }),
  });
  const classId = useId();
  const [chosen, setChosen] = useState<number | null>(null);
  const current = chosen ?? classes.data?.items[0]?.id ?? null;
  return (
    <Page title={t('timetable.title')} intro={t('timetable.intro')}>
      {schoolId === null ? <p>{t('councils.noSchool')}</p> : null}
      {classes.isPending && schoolId !== null ? <Loading /> : null}
      {classes.isError ? <ErrorBox error={classes.error} onRetry={() => void classes.refetch()} /> : null}
      {classes.data && schoolId !== null && year ? (
        <>
          <div className="form field">
            <label htmlFor={classId}>{t('timetable.class')}</label>
            <select id={classId} value={current ?? ''} onChange={(e) => setChosen(Number(e.target.value))}>
              {classes.data.items.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          {current !== null ? (
            <p className="cta">
              <Link to={`/school/classes/${current}`}>
                {t('subjectTeachers.open', {
                  name: classes.data.items.find((c) => c.id === current)?.name ?? '',
                })}
              </Link>
            </p>
          ) : null}
          <p className="note">{t('subjectTeachers.lessonsFollow')}</p>
          {current !== null ? (
            <ClassWeek
              key={current}
              schoolId={schoolId}
              yearId={year.id}
              cls={classes.data.items.find((c) => c.id === current)!}
            />
          ) : (
            <p>{t('timetable.noClasses')}</p>
          )}
          <Rosters schoolId={schoolId} yearId={year.id} />
        </>
      ) : null}
    </Page>
  );
}

type ClassItem = Static<typeof ClassList>['items'][number];

function ClassWeek({ schoolId, yearId, cls }: { schoolId: number; yearId: number; cls: ClassItem }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const week = useQuery({
    queryKey: ['timetable', cls.id],
    queryFn: ({ signal }) => api<WeekRecord>(`/classes/${cls.id}/timetable`, { signal }),
  });
  const bells = useQuery({
    queryKey: ['bells', schoolId, yearId],
    queryFn: ({ signal }) =>
      api<Static<typeof BellSchedules>>(`/institutions/${schoolId}/bell-schedules?yearId=${yearId}`, {
        signal,
      }),
  });
  const teachers = useTeachers(schoolId);
  const detail = useQuery({
    queryKey: ['class', cls.id],
    queryFn: ({ signal }) => api<Static<typeof ClassDetail>>(`/classes/${cls.id}`, { signal }),
  });
  const known = useSubjectTeachers(schoolId, yearId);
  const pack = useCountryPack();
  const remove = useMutation({
    mutationFn: (entryId: number) => api<unknown>(`/timetable/${entryId}`, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['timetable', cls.id] }),
  });
  const queries = [week, bells, teachers, detail, known, pack];
  if (queries.some((q) => q.isPending)) return <Loading />;
  for (const q of queries)
    if (q.isError) return <ErrorBox error={q.error} onRetry={() => void q.refetch()} />;
  const periods = bells.data!.shifts.find((s) => s.shift === cls.shift)?.periods ?? [];
  const subjects = pack.data!.subjects.filter((s) => s.grades.includes(cls.grade));
  const subjectName = (code: string) => {
    const s = pack.data!.subjects.find((x) => x.code === code);
    return s ? localName(s, i18n.language) : code;
  };
  const teacherName = (id: number) => teachers.data!.items.find((p) => p.id === id)?.displayName ?? '';
  return (
    <>
      <section aria-labelledby="timetable-week">
        <h2 id="timetable-week">
          {t('timetable.weekOf', { name: cls.name })} · {t('timetable.shift', { n: cls.shift })}
        </h2>
        {periods.length === 0 ? <p>{t('timetable.noBells')}</p> : null}
        {WEEKDAYS.map((day) => {
          const entries = week.data!.entries.filter((e) => e.weekday === day);
          return (
            <section key={day} className="card" aria-labelledby={`timetable-day-${day}`}>
              <h3 id={`timetable-day-${day}`}>{f.weekday(day)}</h3>
              {entries.length === 0 ? <p className="meta">{t('timetable.free')}</p> : null}
              <ol className="list">
                {entries.map((e) => (
                  <li key={e.id}>
                    <span className="what">
                      {e.period}. {subjectName(e.subjectCode)}
                    </span>
                    <span className="meta">
                      {e.startsAt ? f.time(e.startsAt) : ''}–{e.endsAt ? f.time(e.endsAt) : ''} ·{' '}
                      {teacherName(e.teacherId)}
                      {e.room ? ` · ${e.room}` : ''}
                    </span>
                    <button
                      type="button"
                      className="secondary"
                      aria-label={t('timetable.removeEntry', {
                        day: f.weekday(day),
                        period: e.period,
                      })}
                      onClick={() => remove.mutate(e.id)}
                    >
                      {t('timetable.remove')}
                    </button>
                  </li>
                ))}
              </ol>
            </section>
          );
        })}
        {remove.isError ? <ErrorBox error={remove.error} /> : null}
      </section>
      <AddPeriod
        classId={cls.id}
        className={cls.name}
        own={new Map(detail.data!.subjectTeachers.map((s) => [s.subjectCode, s.teacher.id]))}
        known={known.data!}
        periods={periods.map((p) => ({
          period: p.period,
          label: `${p.period} (${f.time(p.startsAt)}–${f.time(p.endsAt)})`,
        }))}
        subjects={subjects.map((s) => ({ code: s.code, name: localName(s, i18n.language) }))}
        teachers={teachers.data!.items}
      />
    </>
  );
}

function AddPeriod(props: {
  classId: number;
  className: string;
  /** Each subject's teacher of the class. */
  own: Map<string, number>;
  known: Static<typeof SchoolSubjectTeachers>;
  periods: { period: number; label: string }[];
  subjects: { code: string; name: string }[];
  teachers: Static<typeof TeacherList>['items'];
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const ids = { day: useId(), period: useId(), subject: useId(), teacher: useId(), room: useId() };
  // A subject's first choice: its teacher in this class, else one who teaches it at the school, else anyone.
  const teacherFor = (subjectCode: string, fallback: number) =>
    props.own.get(subjectCode) ??
    props.teachers.find((p) => knownFor(props.known, subjectCode).includes(p.id))?.id ??
    fallback;
  const firstSubject = props.subjects[0]?.code ?? '';
  const [form, setForm] = useState({
    weekday: 1,
    period: props.periods[0]?.period ?? 1,
    subjectCode: firstSubject,
    teacherId: teacherFor(firstSubject, props.teachers[0]?.id ?? 0),
    room: '',
  });
  // Set when the chosen teacher is not the subject's teacher of the class: the page asks before placing.
  const [asking, setAsking] = useState(false);
  // The question takes the focus when it appears (its group is labelled by it, so it is read out): the
  // answer is the next thing to do, and the form above it no longer acts until it is given.
  const askYes = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) askYes.current?.focus();
  }, [asking]);
  const add = useMutation({
    mutationFn: (subjectTeacher: boolean) =>
      api<unknown>(`/classes/${props.classId}/timetable`, {
        method: 'POST',
        body: { ...form, room: form.room.trim() === '' ? null : form.room.trim(), subjectTeacher },
      }),
    onSuccess: (_data, subjectTeacher) => {
      void client.invalidateQueries({ queryKey: ['timetable', props.classId] });
      if (subjectTeacher) {
        void client.invalidateQueries({ queryKey: ['class', props.classId] });
        void client.invalidateQueries({ queryKey: ['subject-teachers'] });
      }
    },
    onSettled: () => setAsking(false),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (props.own.get(form.subjectCode) === form.teacherId) add.mutate(false);
    else {
      add.reset();
      setAsking(true);
    }
  };
  const teacherName = props.teachers.find((p) => p.id === form.teacherId)?.displayName ?? '';
  const subjectName = props.subjects.find((s) => s.code === form.subjectCode)?.name ?? '';
  const ownName = props.teachers.find((p) => p.id === props.own.get(form.subjectCode))?.displayName;
  return (
    <form className="form card" onSubmit={submit} aria-labelledby="timetable-add">
      <h2 id="timetable-add">{t('timetable.add')}</h2>
      <div className="field">
        <label htmlFor={ids.day}>{t('timetable.weekday')}</label>
        <select
          id={ids.day}
          value={form.weekday}
          onChange={(e) => setForm({ ...form, weekday: Number(e.target.value) })}
        >
          {WEEKDAYS.map((d) => (
            <option key={d} value={d}>
              {f.weekday(d)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.period}>{t('timetable.period')}</label>
        <select
          id={ids.period}
          value={form.period}
          onChange={(e) => setForm({ ...form, period: Number(e.target.value) })}
        >
          {props.periods.map((p) => (
            <option key={p.period} value={p.period}>
              {p.label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.subject}>{t('timetable.subject')}</label>
        <select
          id={ids.subject}
          value={form.subjectCode}
          onChange={(e) => {
            setAsking(false);
            setForm({
              ...form,
              subjectCode: e.target.value,
              teacherId: teacherFor(e.target.value, form.teacherId),
            });
          }}
        >
          {props.subjects.map((s) => (
            <option key={s.code} value={s.code}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.teacher}>{t('timetable.teacher')}</label>
        <select
          id={ids.teacher}
          value={form.teacherId}
          onChange={(e) => {
            setAsking(false);
            setForm({ ...form, teacherId: Number(e.target.value) });
          }}
        >
          <TeacherOptions
            teachers={props.teachers}
            own={props.own.get(form.subjectCode)}
            known={knownFor(props.known, form.subjectCode)}
          />
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.room}>{t('timetable.room')}</label>
        <input
          id={ids.room}
          maxLength={40}
          value={form.room}
          onChange={(e) => setForm({ ...form, room: e.target.value })}
        />
      </div>
      {add.isError ? <ErrorBox error={add.error} /> : null}
      {add.isSuccess ? <p role="status">{t('timetable.added')}</p> : null}
      {asking ? (
        <div className="card" role="group" aria-labelledby="timetable-ask">
          <p id="timetable-ask">
            {ownName
              ? t('subjectTeachers.askReplace', {
                  teacher: teacherName,
                  subject: subjectName,
                  name: props.className,
                  own: ownName,
                })
              : t('subjectTeachers.ask', {
                  teacher: teacherName,
                  subject: subjectName,
                  name: props.className,
                })}
          </p>
          <div className="row-buttons">
            <button ref={askYes} type="button" disabled={add.isPending} onClick={() => add.mutate(true)}>
              {t('subjectTeachers.askYes')}
            </button>
            <button
              type="button"
              className="secondary"
              disabled={add.isPending}
              onClick={() => add.mutate(false)}
            >
              {t('subjectTeachers.askOnly')}
            </button>
            <button type="button" className="secondary" onClick={() => setAsking(false)}>
              {t('subjectTeachers.askCancel')}
            </button>
          </div>
        </div>
      ) : (
        <button type="submit" disabled={add.isPending}>
          {t('timetable.addButton')}
        </button>
      )}
    </form>
  );
}
