import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type {
  BellSchedules,
  ClassList,
  GenerateResult,
  TeacherList,
  Week,
} from '@/modules/classroom/classroom.schema';
import { api, type Me } from '@/web/api';
import { useFormat } from '@/web/format';
import { localName } from '@/web/i18n';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { useCountryPack, useCurrentYear } from '@/web/registry/shared';
import { Rosters } from '@/web/classroom/rosters';

type WeekRecord = Static<typeof Week>;
const WEEKDAYS = [1, 2, 3, 4, 5, 6] as const;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

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
            <ClassWeek
              key={current}
              schoolId={schoolId}
              yearId={year.id}
              cls={classes.data.items.find((c) => c.id === current)!}
            />
          ) : (
            <p>{t('timetable.noClasses')}</p>
          )}
          <Generate schoolId={schoolId} yearId={year.id} />
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
  const teachers = useQuery({
    queryKey: ['teachers', schoolId],
    queryFn: ({ signal }) =>
      api<Static<typeof TeacherList>>(`/institutions/${schoolId}/teachers`, { signal }),
  });
  const pack = useCountryPack();
  const remove = useMutation({
    mutationFn: (entryId: number) => api<unknown>(`/timetable/${entryId}`, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['timetable', cls.id] }),
  });
  if (week.isPending || bells.isPending || teachers.isPending || pack.isPending) return <Loading />;
  for (const q of [week, bells, teachers, pack])
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
  periods: { period: number; label: string }[];
  subjects: { code: string; name: string }[];
  teachers: { id: number; displayName: string }[];
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const ids = { day: useId(), period: useId(), subject: useId(), teacher: useId(), room: useId() };
  const [form, setForm] = useState({
    weekday: 1,
    period: props.periods[0]?.period ?? 1,
    subjectCode: props.subjects[0]?.code ?? '',
    teacherId: props.teachers[0]?.id ?? 0,
    room: '',
  });
  const add = useMutation({
    mutationFn: () =>
      api<unknown>(`/classes/${props.classId}/timetable`, {
        method: 'POST',
        body: { ...form, room: form.room.trim() === '' ? null : form.room.trim() },
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['timetable', props.classId] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
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
          onChange={(e) => setForm({ ...form, subjectCode: e.target.value })}
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
          onChange={(e) => setForm({ ...form, teacherId: Number(e.target.value) })}
        >
          {props.teachers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.displayName}
            </option>
          ))}
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
      <button type="submit" disabled={add.isPending}>
        {t('timetable.addButton')}
      </button>
    </form>
  );
}

/** Turns the timetable into lesson occurrences for the next four weeks (holidays skipped). */
function Generate({ schoolId, yearId }: { schoolId: number; yearId: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const run = useMutation({
    mutationFn: () => {
      const from = new Date();
      const to = new Date(from.getTime() + 27 * 86_400_000);
      return api<Static<typeof GenerateResult>>(`/institutions/${schoolId}/lessons/generate`, {
        method: 'POST',
        body: { academicYearId: yearId, from: isoDay(from), to: isoDay(to) },
      });
    },
  });
  return (
    <section className="card" aria-labelledby="timetable-generate">
      <h2 id="timetable-generate">{t('timetable.lessons')}</h2>
      <p>{t('timetable.lessonsIntro')}</p>
      <button type="button" disabled={run.isPending} onClick={() => run.mutate()}>
        {t('timetable.generate')}
      </button>
      {run.isError ? <ErrorBox error={run.error} /> : null}
      {run.data ? (
        <p role="status">
          {t('timetable.generated', {
            created: f.number(run.data.created),
            updated: f.number(run.data.updated),
            deleted: f.number(run.data.deleted + run.data.cancelled),
          })}
        </p>
      ) : null}
    </section>
  );
}
