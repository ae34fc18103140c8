import { useEffect, useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type {
  ClassDetail,
  ClassList,
  ClassSubjects,
  GradeSubjectResult,
  SchoolSubjectTeachers,
  TeacherList,
} from '@/modules/classroom/classroom.schema';
import { ApiError, api, type Me } from '@/web/api';
import { gradeOrdinal } from '@/web/format';
import { localName } from '@/web/i18n';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { StaleVersion, staleCurrent, type VersionDifference } from '@/web/components/stale-version';
import { Link, navigate } from '@/web/router';
import { useCountryPack, useCurrentYear } from '@/web/registry/shared';

/**
 * The director's class page: who teaches each subject of the class's grade, set, changed or cleared at once;
 * and one subject's teacher for every class of the grade. Native selects, one column: made for a phone.
 */

type Teacher = Static<typeof TeacherList>['items'][number];

/** The school's teachers. */
export function useTeachers(schoolId: number | null) {
  return useQuery({
    queryKey: ['teachers', schoolId],
    enabled: schoolId !== null,
    queryFn: ({ signal }) =>
      api<Static<typeof TeacherList>>(`/institutions/${schoolId}/teachers`, { signal }),
  });
}

/** The school's subject teachers of a year, with who is known to teach each subject. */
export function useSubjectTeachers(schoolId: number | null, yearId: number | undefined) {
  return useQuery({
    queryKey: ['subject-teachers', schoolId, yearId],
    enabled: schoolId !== null && yearId !== undefined,
    queryFn: ({ signal }) =>
      api<Static<typeof SchoolSubjectTeachers>>(
        `/institutions/${schoolId}/subject-teachers?yearId=${yearId}`,
        {
          signal,
        },
      ),
  });
}

/** The teachers known to teach a subject at the school. */
export const knownFor = (data: Static<typeof SchoolSubjectTeachers> | undefined, subjectCode: string) =>
  data?.known.find((k) => k.subjectCode === subjectCode)?.teacherIds ?? [];

/**
 * A select's teacher options: the class's subject teacher first, then those who teach the subject at the school,
 * then everyone else — each group labelled, so a screen reader says why a name comes first.
 */
export function TeacherOptions({
  teachers,
  own,
  known,
}: {
  teachers: Teacher[];
  own?: number | null;
  known: number[];
}) {
  const { t } = useTranslation();
  const mine = teachers.filter((p) => p.id === own);
  const knowing = teachers.filter((p) => p.id !== own && known.includes(p.id));
  const others = teachers.filter((p) => p.id !== own && !known.includes(p.id));
  const options = (list: Teacher[]) =>
    list.map((p) => (
      <option key={p.id} value={p.id}>
        {p.displayName}
      </option>
    ));
  if (mine.length === 0 && knowing.length === 0) return <>{options(others)}</>;
  return (
    <>
      {mine.length > 0 ? <optgroup label={t('subjectTeachers.groupOwn')}>{options(mine)}</optgroup> : null}
      {knowing.length > 0 ? (
        <optgroup label={t('subjectTeachers.groupKnown')}>{options(knowing)}</optgroup>
      ) : null}
      {others.length > 0 ? (
        <optgroup label={t('subjectTeachers.groupOthers')}>{options(others)}</optgroup>
      ) : null}
    </>
  );
}

/** `/school/classes/:id`: the director's page of one class. */
export function ClassSubjectsPage({ id, me }: { id: number; me: Me }) {
  const { t, i18n } = useTranslation();
  const schoolId = me.roles.find((g) => g.role === 'director')?.institutionId ?? null;
  const { year } = useCurrentYear();
  const detail = useQuery({
    queryKey: ['class', id],
    queryFn: ({ signal }) => api<Static<typeof ClassDetail>>(`/classes/${id}`, { signal }),
  });
  const classes = useQuery({
    queryKey: ['classes', schoolId, year?.id],
    enabled: schoolId !== null && !!year,
    queryFn: ({ signal }) =>
      api<Static<typeof ClassList>>(`/institutions/${schoolId}/classes?yearId=${year!.id}`, { signal }),
  });
  const teachers = useTeachers(schoolId);
  const known = useSubjectTeachers(schoolId, detail.data?.academicYearId);
  const pack = useCountryPack();
  const classSelect = useId();
  const cls = detail.data;
  const subjects = (pack.data?.subjects ?? [])
    .filter((s) => cls !== undefined && s.grades.includes(cls.grade))
    .map((s) => ({ code: s.code, name: localName(s, i18n.language) }));
  const title = cls ? t('subjectTeachers.title', { name: cls.name }) : t('subjectTeachers.titlePlain');
  return (
    <Page title={title} intro={t('subjectTeachers.intro')}>
      {schoolId === null ? <p>{t('councils.noSchool')}</p> : null}
      {classes.data && classes.data.items.length > 1 ? (
        <div className="form field">
          <label htmlFor={classSelect}>{t('subjectTeachers.otherClass')}</label>
          <select id={classSelect} value={id} onChange={(e) => navigate(`/school/classes/${e.target.value}`)}>
            {classes.data.items.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {[detail, teachers, known, pack].some((q) => q.isPending) ? <Loading /> : null}
      {[detail, teachers, known, pack].map((q, i) =>
        q.isError ? <ErrorBox key={i} error={q.error} onRetry={() => void q.refetch()} /> : null,
      )}
      {cls && teachers.data && known.data && pack.data && schoolId !== null ? (
        <>
          <ClassForm
            key={cls.id}
            cls={cls}
            teachers={teachers.data.items}
            known={known.data}
            subjects={subjects}
          />
          <GradeForm
            schoolId={schoolId}
            yearId={cls.academicYearId}
            grade={cls.grade}
            teachers={teachers.data.items}
            known={known.data}
            subjects={subjects}
          />
          <p className="note">{t('subjectTeachers.byFile')}</p>
          <p className="cta">
            <Link to="/school/timetable">{t('subjectTeachers.toTimetable')}</Link>
          </p>
        </>
      ) : null}
    </Page>
  );
}

type Subject = { code: string; name: string };

function ClassForm({
  cls,
  teachers,
  known,
  subjects,
}: {
  cls: Static<typeof ClassDetail>;
  teachers: Teacher[];
  known: Static<typeof SchoolSubjectTeachers>;
  subjects: Subject[];
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const base = useId();
  const current = new Map(cls.subjectTeachers.map((s) => [s.subjectCode, s.teacher.id]));
  const fromServer = () => Object.fromEntries(subjects.map((s) => [s.code, current.get(s.code) ?? null]));
  const [draft, setDraft] = useState<Record<string, number | null>>(fromServer);
  // What the server holds changed (this form saved, or a whole grade was set): the form shows it.
  const serverKey = cls.subjectTeachers.map((s) => `${s.subjectCode}:${s.teacher.id}`).join(',');
  useEffect(() => setDraft(fromServer()), [serverKey]);
  const changed = subjects.filter((s) => (current.get(s.code) ?? null) !== draft[s.code]);
  /** Someone else's saved subject teachers met by a save, and the form's values that save sent. */
  const [stale, setStale] = useState<{
    current: Static<typeof ClassSubjects>;
    mine: Record<string, number | null>;
  } | null>(null);
  const save = useMutation({
    // The save sends the version the form was read at, so that it never overwrites unseen changes.
    mutationFn: (v: { version: number; mine: Record<string, number | null>; codes: string[] }) =>
      api<Static<typeof ClassDetail>>(`/classes/${cls.id}/subjects`, {
        method: 'PUT',
        body: {
          version: v.version,
          items: v.codes.map((code) => ({ subjectCode: code, teacherId: v.mine[code] ?? null })),
        },
      }),
    onSuccess: (data) => {
      setStale(null);
      client.setQueryData(['class', cls.id], data);
      void client.invalidateQueries({ queryKey: ['subject-teachers'] });
    },
    onError: (error, v) => {
      const theirs = staleCurrent<Static<typeof ClassSubjects>>(error);
      if (theirs) setStale({ current: theirs, mine: v.mine });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setStale(null);
    if (changed.length > 0)
      save.mutate({ version: cls.subjectsVersion, mine: draft, codes: changed.map((s) => s.code) });
  };
  const theirsOf = (saved: Static<typeof ClassSubjects>) =>
    new Map(saved.items.map((i) => [i.subjectCode, i.teacherId]));
  const teacherName = (id: number | null) =>
    id === null
      ? t('subjectTeachers.nobody')
      : (teachers.find((p) => p.id === id)?.displayName ?? t('stale.unknown'));
  const differences = (saved: Static<typeof ClassSubjects>, mine: Record<string, number | null>) => {
    const theirs = theirsOf(saved);
    return subjects.flatMap((s): VersionDifference[] => {
      const a = theirs.get(s.code) ?? null;
      const b = mine[s.code] ?? null;
      return a === b ? [] : [{ field: s.code, label: s.name, theirs: teacherName(a), mine: teacherName(b) }];
    });
  };
  /** Theirs replaces the form's values. */
  const reload = (saved: Static<typeof ClassSubjects>) => {
    const theirs = theirsOf(saved);
    setDraft(Object.fromEntries(subjects.map((s) => [s.code, theirs.get(s.code) ?? null])));
    setStale(null);
    save.reset();
    void client.invalidateQueries({ queryKey: ['class', cls.id] });
  };
  return (
    <form className="form card" onSubmit={submit} aria-labelledby={`${base}-h`}>
      <h2 id={`${base}-h`}>{t('subjectTeachers.ofClass', { name: cls.name })}</h2>
      {subjects.length === 0 ? <p>{t('subjectTeachers.noSubjects')}</p> : null}
      {subjects.map((s) => (
        <div className="field" key={s.code}>
          <label htmlFor={`${base}-${s.code}`}>{s.name}</label>
          <select
            id={`${base}-${s.code}`}
            value={draft[s.code] ?? ''}
            onChange={(e) =>
              setDraft({ ...draft, [s.code]: e.target.value === '' ? null : Number(e.target.value) })
            }
          >
            <option value="">{t('subjectTeachers.nobody')}</option>
            <TeacherOptions teachers={teachers} own={current.get(s.code)} known={knownFor(known, s.code)} />
          </select>
        </div>
      ))}
      {stale ? (
        <StaleVersion
          differences={differences(stale.current, stale.mine)}
          updatedAt={null}
          busy={save.isPending}
          onReload={() => reload(stale.current)}
          onOverwrite={() => {
            const { mine, current: saved } = stale;
            const theirs = theirsOf(saved);
            const codes = subjects
              .filter((s) => (theirs.get(s.code) ?? null) !== (mine[s.code] ?? null))
              .map((s) => s.code);
            // Theirs already is what the form holds: nothing to write over it.
            if (codes.length === 0) reload(saved);
            else {
              setStale(null);
              save.mutate({ version: saved.version, mine, codes });
            }
          }}
        />
      ) : save.isError && !(save.error instanceof ApiError && save.error.code === 'stale_version') ? (
        <ErrorBox error={save.error} />
      ) : null}
      {save.isSuccess && changed.length === 0 ? <p role="status">{t('subjectTeachers.saved')}</p> : null}
      <button type="submit" disabled={save.isPending || changed.length === 0}>
        {t('subjectTeachers.save')}
      </button>
    </form>
  );
}

/** A grade's classes as a refused grade-wide save answers them (`details.current`). */
interface GradeRecord {
  grade: number;
  subjectCode: string;
  classes: { classId: number; name: string; version: number; teacherId: number | null }[];
}

function GradeForm(props: {
  schoolId: number;
  yearId: number;
  grade: number;
  teachers: Teacher[];
  known: Static<typeof SchoolSubjectTeachers>;
  subjects: Subject[];
}) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const ids = { subject: useId(), teacher: useId(), heading: useId() };
  const [subjectCode, setSubject] = useState(props.subjects[0]?.code ?? '');
  const [teacherId, setTeacher] = useState<number | null>(null);
  /** Someone else's change of the grade's classes met by a save, and the subject and teacher it sent. */
  const [stale, setStale] = useState<{
    current: GradeRecord;
    sent: { classId: number; version: number }[];
    subjectCode: string;
    teacherId: number | null;
  } | null>(null);
  // The grade's classes as this page read them (refetched only after a save of its own): the save sends their
  // versions, so that it never overwrites a class's subject teachers someone else changed meanwhile unseen.
  const gradeClasses = props.known.classes
    .filter((c) => c.grade === props.grade)
    .map((c) => ({ classId: c.classId, version: c.version }));
  const run = useMutation({
    mutationFn: (v: {
      classes: { classId: number; version: number }[];
      subjectCode: string;
      teacherId: number | null;
    }) =>
      api<Static<typeof GradeSubjectResult>>(`/institutions/${props.schoolId}/subject-teachers`, {
        method: 'PUT',
        body: { ...v, academicYearId: props.yearId, grade: props.grade },
      }),
    onSuccess: () => {
      setStale(null);
      void client.invalidateQueries({ queryKey: ['class'] });
      void client.invalidateQueries({ queryKey: ['subject-teachers'] });
    },
    onError: (error, v) => {
      const theirs = staleCurrent<GradeRecord>(error);
      if (theirs)
        setStale({ current: theirs, sent: v.classes, subjectCode: v.subjectCode, teacherId: v.teacherId });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setStale(null);
    run.mutate({ classes: gradeClasses, subjectCode, teacherId });
  };
  const teacherName = (id: number | null) =>
    id === null
      ? t('subjectTeachers.nobody')
      : (props.teachers.find((p) => p.id === id)?.displayName ?? t('stale.unknown'));
  /** The classes changed since read (or new to the grade), each with its teacher of the subject and the one sent. */
  const differences = (x: NonNullable<typeof stale>): VersionDifference[] => {
    const read = new Map(x.sent.map((c) => [c.classId, c.version]));
    return x.current.classes
      .filter((c) => read.get(c.classId) !== c.version)
      .map((c) => ({
        field: String(c.classId),
        label: c.name,
        theirs: teacherName(c.teacherId),
        mine: teacherName(x.teacherId),
      }));
  };
  return (
    <form className="form card" onSubmit={submit} aria-labelledby={ids.heading}>
      <h2 id={ids.heading}>
        {t('subjectTeachers.gradeTitle', { grade: gradeOrdinal(i18n.language, props.grade) })}
      </h2>
      <p>{t('subjectTeachers.gradeIntro', { grade: gradeOrdinal(i18n.language, props.grade) })}</p>
      <div className="field">
        <label htmlFor={ids.subject}>{t('subjectTeachers.subject')}</label>
        <select
          id={ids.subject}
          value={subjectCode}
          onChange={(e) => {
            setSubject(e.target.value);
            run.reset();
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
        <label htmlFor={ids.teacher}>{t('subjectTeachers.teacher')}</label>
        <select
          id={ids.teacher}
          value={teacherId ?? ''}
          onChange={(e) => {
            setTeacher(e.target.value === '' ? null : Number(e.target.value));
            run.reset();
          }}
        >
          <option value="">{t('subjectTeachers.nobody')}</option>
          <TeacherOptions teachers={props.teachers} known={knownFor(props.known, subjectCode)} />
        </select>
      </div>
      {stale ? (
        <StaleVersion
          differences={differences(stale)}
          updatedAt={null}
          busy={run.isPending}
          onReload={() => {
            // Theirs is shown (the class forms and the grade's versions read again); nothing is written.
            setStale(null);
            run.reset();
            void client.invalidateQueries({ queryKey: ['class'] });
            void client.invalidateQueries({ queryKey: ['subject-teachers'] });
          }}
          onOverwrite={() => {
            const x = stale;
            setStale(null);
            run.mutate({
              classes: x.current.classes.map((c) => ({ classId: c.classId, version: c.version })),
              subjectCode: x.subjectCode,
              teacherId: x.teacherId,
            });
          }}
        />
      ) : run.isError && !(run.error instanceof ApiError && run.error.code === 'stale_version') ? (
        <ErrorBox error={run.error} />
      ) : null}
      {run.data ? (
        <p role="status">
          {run.data.teacherId === null
            ? t('subjectTeachers.gradeCleared', {
                n: run.data.classIds.length,
                count: run.data.classIds.length,
              })
            : t('subjectTeachers.gradeSet', { n: run.data.classIds.length, count: run.data.classIds.length })}
        </p>
      ) : null}
      <button type="submit" disabled={run.isPending || subjectCode === ''}>
        {t('subjectTeachers.gradeSave', { grade: gradeOrdinal(i18n.language, props.grade) })}
      </button>
    </form>
  );
}
