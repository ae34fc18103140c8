import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type {
  Contest,
  ContestBodySchema,
  ContestList,
  QuestionList,
  Results,
} from '@/modules/contests/contests.schema';
import type { ClassList } from '@/modules/classroom/classroom.schema';
import { api, ApiError, type AreaRecord, type Me } from '@/web/api';
import { useFormat, type Format } from '@/web/format';
import { localName } from '@/web/i18n';
import { Link, navigate } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { ScrollBox } from '@/web/components/scroll-box';
import { Field, FormError, problemsOf } from '@/web/components/field';
import { StaleVersion, differencesOf, staleCurrent } from '@/web/components/stale-version';
import { bankSchools, GRADES, useSubjects, writesNational } from '@/web/contests/question-editor';
import './authoring.css';

type ContestRecord = Static<typeof Contest>;
/** A contest as the form sends it. */
type ContestBody = Static<typeof ContestBodySchema>;
type Scope = ContestRecord['scope'];
const SHIFTS = [1, 2, 3] as const;

const authors = (me: Me) => writesNational(me) || bankSchools(me).length > 0;
const regionalAreas = (me: Me) =>
  me.roles.filter((g) => g.role === 'regional' && g.areaId !== null).map((g) => g.areaId!);

/** The scopes the caller may make a contest for, as the API allows them. */
function scopesOf(me: Me): Scope[] {
  const out: Scope[] = [];
  if (bankSchools(me).length > 0) out.push('class', 'school');
  if (writesNational(me) || regionalAreas(me).length > 0) out.push('district', 'region');
  if (writesNational(me)) out.push('nation');
  return out;
}

/** "Shift 1: 10:00–10:30; shift 2: …" */
function windowsText(c: ContestRecord, t: (k: string, o?: Record<string, unknown>) => string, f: Format) {
  return c.windows
    .map((w) =>
      t('contestAdmin.windowLine', { shift: w.shift, start: f.time(w.startsAt), end: f.time(w.endsAt) }),
    )
    .join('; ');
}

function useAreas() {
  return useQuery({ queryKey: ['areas'], queryFn: () => api<AreaRecord[]>('/areas'), staleTime: Infinity });
}

/** The classes of the caller's school (for naming a class contest's class), if they work at one. */
function useSchoolClasses(me: Me) {
  const school = bankSchools(me)[0];
  return useQuery({
    queryKey: ['classes', school],
    queryFn: ({ signal }) => api<Static<typeof ClassList>>(`/institutions/${school}/classes`, { signal }),
    enabled: school !== undefined,
  });
}

/** Where a contest is for, in words: its class, school or area. */
function ScopeText({ c, me }: { c: ContestRecord; me: Me }) {
  const { t, i18n } = useTranslation();
  const areas = useAreas();
  const classes = useSchoolClasses(me);
  const area = c.areaId === null ? undefined : areas.data?.find((a) => a.id === c.areaId);
  const cls = c.classId === null ? undefined : classes.data?.items.find((x) => x.id === c.classId);
  return (
    <>
      {t(`contestAdmin.scope.${c.scope}`)}
      {area ? `: ${localName(area, i18n.language)}` : null}
      {cls ? `: ${cls.name}` : null}
    </>
  );
}

/** `/contests/manage`: the contests the caller organises or oversees, drafts first. */
export function ContestAdminPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const f = useFormat();
  const subjects = useSubjects();
  const list = useQuery({
    queryKey: ['contests', 'staff'],
    queryFn: ({ signal }) => api<Static<typeof ContestList>>('/contests', { signal }),
  });
  const items = list.data?.items ?? [];
  const groups = {
    draft: items.filter((c) => c.state === 'draft'),
    published: items.filter((c) => c.state === 'published'),
  };
  const subjectName = (code: string) => subjects.find((s) => s.code === code)?.name ?? code;
  return (
    <Page title={t('contestAdmin.title')} intro={t('contestAdmin.intro')}>
      {authors(me) ? (
        <p className="row-buttons">
          <Link to="/contests/manage/new" className="button">
            {t('contestAdmin.new')}
          </Link>
          <Link to="/contests/bank" className="button secondary">
            {t('contestAdmin.bank.title')}
          </Link>
        </p>
      ) : null}
      {list.isPending ? <Loading /> : null}
      {list.isError ? <ErrorBox error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.data
        ? (['draft', 'published'] as const).map((state) => (
            <section key={state} aria-labelledby={`contest-admin-${state}`}>
              <h2 id={`contest-admin-${state}`}>{t(`contestAdmin.group.${state}`)}</h2>
              {groups[state].length === 0 ? <p>{t(`contestAdmin.none.${state}`)}</p> : null}
              <ul className="list">
                {groups[state].map((c) => (
                  <li key={c.id}>
                    <Link to={`/contests/manage/${c.id}`} className="what">
                      {c.title}
                    </Link>
                    <span className="meta">
                      {subjectName(c.subjectCode)} · {t('contestAdmin.gradeN', { grade: c.grade })} ·{' '}
                      <ScopeText c={c} me={me} />
                    </span>
                    <span className="meta">
                      <time dateTime={c.date}>{f.date(c.date)}</time> · {windowsText(c, t, f)}
                    </span>
                  </li>
                ))}
              </ul>
            </section>
          ))
        : null}
    </Page>
  );
}

/** The contest form's state. */
interface FormState {
  title: string;
  subjectCode: string;
  grade: number;
  scope: Scope;
  classId: string;
  areaId: string;
  date: string;
  windows: Record<number, { on: boolean; startsAt: string; endsAt: string }>;
  timeLimitMinutes: string;
  maxAttempts: string;
  shuffle: boolean;
  questionIds: number[];
}

const tomorrow = () => new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

function formOf(c: ContestRecord | null, me: Me): FormState {
  const windows: FormState['windows'] = {};
  for (const s of SHIFTS) {
    const w = c?.windows.find((x) => x.shift === s);
    windows[s] = w
      ? { on: true, startsAt: w.startsAt, endsAt: w.endsAt }
      : { on: !c && s === 1, startsAt: s === 1 ? '10:00' : '15:00', endsAt: s === 1 ? '10:30' : '15:30' };
  }
  return {
    title: c?.title ?? '',
    subjectCode: c?.subjectCode ?? 'mathematics',
    grade: c?.grade ?? 7,
    scope: c?.scope ?? scopesOf(me)[0] ?? 'class',
    classId: c?.classId ? String(c.classId) : '',
    areaId: c?.areaId ? String(c.areaId) : regionalAreas(me)[0] ? String(regionalAreas(me)[0]) : '',
    date: c?.date ?? tomorrow(),
    windows,
    timeLimitMinutes: String(c?.timeLimitMinutes ?? 30),
    maxAttempts: String(c?.maxAttempts ?? 1),
    shuffle: c?.shuffle ?? true,
    questionIds: c?.questionIds ?? [],
  };
}

const FIELDS = [
  'title',
  'subjectCode',
  'grade',
  'scope',
  'classId',
  'institutionId',
  'areaId',
  'date',
  'windows',
  'timeLimitMinutes',
  'maxAttempts',
  'shuffle',
  'questionIds',
] as const;

/** The fields of a draft compared when a rewrite meets someone else's change, and their labels. */
const COMPARED = [
  'title',
  'subjectCode',
  'grade',
  'scope',
  'date',
  'windows',
  'timeLimitMinutes',
  'maxAttempts',
  'shuffle',
  'questionIds',
] as const;
const COMPARED_LABELS: Record<(typeof COMPARED)[number], string> = {
  title: 'contestAdmin.form.title',
  subjectCode: 'contestAdmin.subject',
  grade: 'contestAdmin.grade',
  scope: 'contestAdmin.form.scope',
  date: 'contestAdmin.form.date',
  windows: 'contestAdmin.windows',
  timeLimitMinutes: 'contestAdmin.form.timeLimit',
  maxAttempts: 'contestAdmin.form.maxAttempts',
  shuffle: 'contestAdmin.form.shuffle',
  questionIds: 'contestAdmin.questionCount',
};

/** Makes a contest (a draft) or rewrites a draft: questions from the bank, scope, windows per shift, limits. */
function ContestForm({ me, contest }: { me: Me; contest: ContestRecord | null }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const subjects = useSubjects();
  const areas = useAreas();
  const base = useId();
  const id = (name: string) => `${base}-${name}`;
  const [s, setS] = useState<FormState>(() => formOf(contest, me));
  const set = (patch: Partial<FormState>) => setS((old) => ({ ...old, ...patch }));
  const school = bankSchools(me)[0];
  const classes = useSchoolClasses(me);
  const bankQuery = new URLSearchParams({ subjectCode: s.subjectCode, grade: String(s.grade), limit: '200' });
  const bank = useQuery({
    queryKey: ['contest-bank', bankQuery.toString()],
    queryFn: ({ signal }) =>
      api<Static<typeof QuestionList>>(`/contests/questions?${bankQuery.toString()}`, { signal }),
    enabled: authors(me),
  });
  const windows = SHIFTS.filter((n) => s.windows[n]!.on).map((n) => ({ shift: n, ...s.windows[n]! }));
  const body = (): ContestBody => ({
    title: s.title,
    subjectCode: s.subjectCode,
    grade: s.grade,
    scope: s.scope,
    ...(s.scope === 'class' && s.classId ? { classId: Number(s.classId) } : {}),
    ...(s.scope === 'school' && school !== undefined ? { institutionId: school } : {}),
    ...((s.scope === 'district' || s.scope === 'region') && s.areaId ? { areaId: Number(s.areaId) } : {}),
    date: s.date,
    windows: windows.map((w) => ({ shift: w.shift, startsAt: w.startsAt, endsAt: w.endsAt })),
    timeLimitMinutes: Number(s.timeLimitMinutes),
    maxAttempts: Number(s.maxAttempts),
    shuffle: s.shuffle,
    questionIds: s.questionIds,
  });
  /** The version of the draft the form was read at: a rewrite sends it, never overwriting unseen changes. */
  const [version, setVersion] = useState(contest?.version ?? 0);
  /** Someone else's saved draft met by a rewrite, and what that rewrite sent. */
  const [stale, setStale] = useState<{ current: ContestRecord; mine: ContestBody } | null>(null);
  const save = useMutation({
    mutationFn: ({ values, version: from }: { values: ContestBody; version: number }) =>
      contest
        ? api<ContestRecord>(`/contests/${contest.id}`, { method: 'PUT', body: { version: from, ...values } })
        : api<ContestRecord>('/contests', { method: 'POST', body: values }),
    onSuccess: async (saved) => {
      setVersion(saved.version);
      setStale(null);
      await client.invalidateQueries({ queryKey: ['contests'] });
      await client.invalidateQueries({ queryKey: ['contest', saved.id] });
      if (!contest) navigate(`/contests/manage/${saved.id}`);
    },
    onError: (error, v) => {
      const current = staleCurrent<ContestRecord>(error);
      if (current) setStale({ current, mine: v.values });
    },
  });
  /** Theirs replaces the form's values. */
  const reload = (current: ContestRecord) => {
    setS(formOf(current, me));
    setVersion(current.version);
    setStale(null);
    save.reset();
    void client.invalidateQueries({ queryKey: ['contest', current.id] });
  };
  const f = useFormat();
  const prompts = new Map((bank.data?.items ?? []).map((q) => [q.id, q.prompt]));
  const showValue = (field: (typeof COMPARED)[number], value: unknown): string => {
    switch (field) {
      case 'date':
        return f.date(String(value));
      case 'windows':
        return windowsText({ windows: value } as ContestRecord, t, f);
      case 'shuffle':
        return value ? t('contestAdmin.yes') : t('contestAdmin.no');
      case 'scope':
        return t(`contestAdmin.scope.${String(value)}`);
      case 'subjectCode':
        return subjects.find((x) => x.code === value)?.name ?? String(value);
      case 'questionIds':
        return ((value as number[] | undefined) ?? []).map((q) => prompts.get(q) ?? `#${q}`).join('; ');
      case 'timeLimitMinutes':
        return t('contestAdmin.minutes', { n: f.number(Number(value)) });
      case 'grade':
      case 'maxAttempts':
        return f.number(Number(value));
      case 'title':
        return String(value);
    }
  };
  const { byField, rest } = problemsOf(save.error, FIELDS);
  const err = (f: (typeof FIELDS)[number]) => byField.get(f);
  // A window's problems name its index among the windows sent.
  const windowErrors = (shift: number) => {
    const index = windows.findIndex((w) => w.shift === shift);
    const details = save.error instanceof ApiError ? save.error.details : [];
    return details
      .filter((d) => index >= 0 && new RegExp(`^windows[/.]${index}([/.]|$)`).test(d.field))
      .map((d) => d.message);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setStale(null);
    save.mutate({ values: body(), version });
  };
  const areaKind = s.scope === 'district' ? ['district', 'city'] : ['economic_region'];
  const mine = regionalAreas(me);
  const areaChoices = (areas.data ?? []).filter(
    (a) =>
      areaKind.includes(a.kind) &&
      (writesNational(me) || a.path.some((p) => mine.includes(p)) || mine.includes(a.id)),
  );
  const classChoices = (classes.data?.items ?? []).filter((c) => c.grade === s.grade);
  const picked = new Set(s.questionIds);
  return (
    <form className="form card contest-admin-form" onSubmit={submit} aria-labelledby={id('title-h')}>
      <h2 id={id('title-h')}>
        {contest ? t('contestAdmin.form.editTitle') : t('contestAdmin.form.newTitle')}
      </h2>
      <Field id={id('title')} label={t('contestAdmin.form.title')} errors={err('title')}>
        {(a) => (
          <input
            {...a}
            required
            maxLength={200}
            value={s.title}
            onChange={(e) => set({ title: e.target.value })}
          />
        )}
      </Field>
      <div className="contest-admin-pair">
        <Field id={id('subject')} label={t('contestAdmin.subject')} errors={err('subjectCode')}>
          {(a) => (
            <select
              {...a}
              value={s.subjectCode}
              onChange={(e) => set({ subjectCode: e.target.value, questionIds: [] })}
            >
              {subjects.map((x) => (
                <option key={x.code} value={x.code}>
                  {x.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={id('grade')} label={t('contestAdmin.grade')} errors={err('grade')}>
          {(a) => (
            <select
              {...a}
              value={s.grade}
              onChange={(e) => set({ grade: Number(e.target.value), questionIds: [], classId: '' })}
            >
              {GRADES.map((g) => (
                <option key={g} value={g}>
                  {g}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field id={id('scope')} label={t('contestAdmin.form.scope')} errors={err('scope')}>
        {(a) => (
          <select {...a} value={s.scope} onChange={(e) => set({ scope: e.target.value as Scope })}>
            {scopesOf(me).map((x) => (
              <option key={x} value={x}>
                {t(`contestAdmin.scope.${x}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {s.scope === 'class' ? (
        <Field id={id('class')} label={t('contestAdmin.form.class')} errors={err('classId')}>
          {(a) => (
            <select {...a} required value={s.classId} onChange={(e) => set({ classId: e.target.value })}>
              <option value="">{t('contestAdmin.bank.choose')}</option>
              {classChoices.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      {s.scope === 'school' && err('institutionId') ? (
        <p className="field-error">{err('institutionId')!.join(' ')}</p>
      ) : null}
      {s.scope === 'district' || s.scope === 'region' ? (
        <Field id={id('area')} label={t(`contestAdmin.scope.${s.scope}`)} errors={err('areaId')}>
          {(a) => (
            <select {...a} required value={s.areaId} onChange={(e) => set({ areaId: e.target.value })}>
              <option value="">{t('contestAdmin.bank.choose')}</option>
              {areaChoices.map((x) => (
                <option key={x.id} value={x.id}>
                  {localName(x, i18n.language)}
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      <Field id={id('date')} label={t('contestAdmin.form.date')} errors={err('date')}>
        {(a) => (
          <input {...a} type="date" required value={s.date} onChange={(e) => set({ date: e.target.value })} />
        )}
      </Field>
      <p className="hint">{t('contestAdmin.form.windowsHint')}</p>
      {err('windows') && windows.length === 0 ? (
        <p className="field-error">{err('windows')!.join(' ')}</p>
      ) : null}
      {SHIFTS.map((n) => {
        const w = s.windows[n]!;
        const setW = (patch: Partial<typeof w>) =>
          set({ windows: { ...s.windows, [n]: { ...w, ...patch } } });
        const problems = windowErrors(n);
        return (
          <fieldset key={n} aria-describedby={problems.length ? id(`w${n}-error`) : undefined}>
            <legend>{t('contestAdmin.form.shift', { shift: n })}</legend>
            <label className="contest-admin-check">
              <input type="checkbox" checked={w.on} onChange={(e) => setW({ on: e.target.checked })} />{' '}
              {t('contestAdmin.form.shiftTakesPart', { shift: n })}
            </label>
            {w.on ? (
              <div className="contest-admin-window">
                <div className="field">
                  <label htmlFor={id(`w${n}-start`)}>{t('contestAdmin.form.startsAt')}</label>
                  <input
                    id={id(`w${n}-start`)}
                    type="time"
                    required
                    value={w.startsAt}
                    onChange={(e) => setW({ startsAt: e.target.value })}
                  />
                </div>
                <div className="field">
                  <label htmlFor={id(`w${n}-end`)}>{t('contestAdmin.form.endsAt')}</label>
                  <input
                    id={id(`w${n}-end`)}
                    type="time"
                    required
                    value={w.endsAt}
                    {...(problems.length ? { 'aria-invalid': true } : {})}
                    onChange={(e) => setW({ endsAt: e.target.value })}
                  />
                </div>
              </div>
            ) : null}
            {problems.length ? (
              <p className="field-error" id={id(`w${n}-error`)}>
                {problems.join(' ')}
              </p>
            ) : null}
          </fieldset>
        );
      })}
      <div className="contest-admin-pair">
        <Field id={id('limit')} label={t('contestAdmin.form.timeLimit')} errors={err('timeLimitMinutes')}>
          {(a) => (
            <input
              {...a}
              type="number"
              min={1}
              max={600}
              required
              inputMode="numeric"
              value={s.timeLimitMinutes}
              onChange={(e) => set({ timeLimitMinutes: e.target.value })}
            />
          )}
        </Field>
        <Field id={id('attempts')} label={t('contestAdmin.form.maxAttempts')} errors={err('maxAttempts')}>
          {(a) => (
            <input
              {...a}
              type="number"
              min={1}
              max={10}
              required
              inputMode="numeric"
              value={s.maxAttempts}
              onChange={(e) => set({ maxAttempts: e.target.value })}
            />
          )}
        </Field>
      </div>
      <label className="contest-admin-check">
        <input type="checkbox" checked={s.shuffle} onChange={(e) => set({ shuffle: e.target.checked })} />{' '}
        {t('contestAdmin.form.shuffle')}
      </label>
      <fieldset
        className="contest-admin-picker"
        aria-describedby={err('questionIds') ? id('q-error') : undefined}
      >
        <legend>{t('contestAdmin.form.questions', { n: s.questionIds.length })}</legend>
        {bank.isPending && authors(me) ? <Loading /> : null}
        {bank.isError ? <ErrorBox error={bank.error} onRetry={() => void bank.refetch()} /> : null}
        {bank.data && bank.data.items.length === 0 ? (
          <p>
            {t('contestAdmin.form.noQuestions')}{' '}
            <Link to="/contests/bank">{t('contestAdmin.bank.title')}</Link>
          </p>
        ) : null}
        {(bank.data?.items ?? []).map((q) => (
          <label key={q.id} className="contest-admin-check">
            <input
              type="checkbox"
              checked={picked.has(q.id)}
              onChange={(e) =>
                set({
                  questionIds: e.target.checked
                    ? [...s.questionIds, q.id]
                    : s.questionIds.filter((x) => x !== q.id),
                })
              }
            />{' '}
            {q.prompt} ({t(`contestAdmin.kind.${q.kind}`)})
          </label>
        ))}
        {err('questionIds') ? (
          <p className="field-error" id={id('q-error')}>
            {err('questionIds')!.join(' ')}
          </p>
        ) : null}
      </fieldset>
      {stale ? (
        <StaleVersion
          differences={differencesOf(
            COMPARED,
            stale.current as unknown as Record<(typeof COMPARED)[number], unknown>,
            stale.mine as unknown as Record<(typeof COMPARED)[number], unknown>,
            (field) => t(COMPARED_LABELS[field]),
            showValue,
          )}
          updatedAt={null}
          busy={save.isPending}
          onReload={() => reload(stale.current)}
          onOverwrite={() => {
            // Cleared first, so that a failure of the overwrite itself shows as an error.
            const { mine, current } = stale;
            setStale(null);
            save.mutate({ values: mine, version: current.version });
          }}
        />
      ) : save.isError && !(save.error instanceof ApiError && save.error.code === 'stale_version') ? (
        <FormError error={save.error} rest={rest} />
      ) : null}
      {save.isSuccess && contest ? <p role="status">{t('contestAdmin.form.saved')}</p> : null}
      <button type="submit" disabled={save.isPending || stale !== null}>
        {contest ? t('contestAdmin.form.saveDraft') : t('contestAdmin.form.create')}
      </button>
    </form>
  );
}

/** `/contests/manage/new`: a new contest. */
export function ContestNewPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  return (
    <Page title={t('contestAdmin.form.newTitle')}>
      <p>
        <Link to="/contests/manage">{t('contestAdmin.backToContests')}</Link>
      </p>
      <ContestForm me={me} contest={null} />
    </Page>
  );
}

/** `/contests/manage/:id`: a contest for its organisers: edit, publish or delete a draft; results once published. */
export function ContestManagePage({ id, me }: { id: number; me: Me }) {
  const { t } = useTranslation();
  const f = useFormat();
  const subjects = useSubjects();
  const contest = useQuery({
    queryKey: ['contest', id],
    queryFn: ({ signal }) => api<ContestRecord>(`/contests/${id}`, { signal }),
  });
  const c = contest.data;
  const school = bankSchools(me)[0];
  return (
    <Page title={c?.title ?? t('contestAdmin.title')}>
      <p>
        <Link to="/contests/manage">{t('contestAdmin.backToContests')}</Link>
      </p>
      {contest.isPending ? <Loading /> : null}
      {contest.isError ? <ErrorBox error={contest.error} onRetry={() => void contest.refetch()} /> : null}
      {c ? (
        <>
          <section className="card" aria-labelledby="contest-admin-about">
            <h2 id="contest-admin-about">
              {t('contestAdmin.about')}{' '}
              <span className="contest-admin-state">{t(`contestAdmin.state.${c.state}`)}</span>
            </h2>
            <dl className="record">
              <dt>{t('contestAdmin.subject')}</dt>
              <dd>
                {subjects.find((x) => x.code === c.subjectCode)?.name ?? c.subjectCode} ·{' '}
                {t('contestAdmin.gradeN', { grade: c.grade })}
              </dd>
              <dt>{t('contestAdmin.form.scope')}</dt>
              <dd>
                <ScopeText c={c} me={me} />
              </dd>
              <dt>{t('contestAdmin.form.date')}</dt>
              <dd>
                <time dateTime={c.date}>{f.date(c.date)}</time>
              </dd>
              <dt>{t('contestAdmin.windows')}</dt>
              <dd>{windowsText(c, t, f)}</dd>
              <dt>{t('contestAdmin.form.timeLimit')}</dt>
              <dd>{t('contestAdmin.minutes', { n: f.number(c.timeLimitMinutes) })}</dd>
              <dt>{t('contestAdmin.form.maxAttempts')}</dt>
              <dd>{f.number(c.maxAttempts)}</dd>
              <dt>{t('contestAdmin.form.shuffle')}</dt>
              <dd>{c.shuffle ? t('contestAdmin.yes') : t('contestAdmin.no')}</dd>
              <dt>{t('contestAdmin.questionCount')}</dt>
              <dd>{f.number(c.questionCount ?? 0)}</dd>
            </dl>
          </section>
          {c.state === 'draft' && c.canManage ? (
            <>
              <DraftActions contest={c} />
              {authors(me) ? <ContestForm key={c.id} me={me} contest={c} /> : null}
            </>
          ) : null}
          {c.state === 'published' ? (
            <section aria-labelledby="contest-admin-results">
              <h2 id="contest-admin-results">{t('contestAdmin.results')}</h2>
              <ul className="list">
                <li>
                  <Link to={`/contests/${c.id}/leaderboard`} className="what">
                    {t('contestAdmin.leaderboard')}
                  </Link>
                </li>
                {school !== undefined ? (
                  <li>
                    <Link to={`/contests/manage/${c.id}/results`} className="what">
                      {t('contestAdmin.schoolResults')}
                    </Link>
                  </li>
                ) : null}
              </ul>
            </section>
          ) : null}
        </>
      ) : null}
    </Page>
  );
}

/** Publish (after a confirmation) or delete a draft. */
function DraftActions({ contest }: { contest: ContestRecord }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [confirm, setConfirm] = useState<'publish' | 'delete' | null>(null);
  const publish = useMutation({
    mutationFn: () => api<ContestRecord>(`/contests/${contest.id}/publish`, { method: 'POST' }),
    onSuccess: async () => {
      setConfirm(null);
      await client.invalidateQueries({ queryKey: ['contests'] });
      await client.invalidateQueries({ queryKey: ['contest', contest.id] });
    },
  });
  const remove = useMutation({
    mutationFn: () => api<{ deleted: boolean }>(`/contests/${contest.id}`, { method: 'DELETE' }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['contests'] });
      navigate('/contests/manage');
    },
  });
  return (
    <section className="card" aria-labelledby="contest-admin-actions">
      <h2 id="contest-admin-actions">{t('contestAdmin.draftActions')}</h2>
      {confirm === null ? (
        <div className="row-buttons">
          <button type="button" onClick={() => setConfirm('publish')}>
            {t('contestAdmin.publish')}
          </button>
          <button type="button" className="secondary" onClick={() => setConfirm('delete')}>
            {t('contestAdmin.deleteDraft')}
          </button>
        </div>
      ) : (
        <div role="group" aria-labelledby="contest-admin-confirm">
          <p id="contest-admin-confirm">
            <strong>
              {confirm === 'publish' ? t('contestAdmin.publishConfirm') : t('contestAdmin.deleteConfirm')}
            </strong>
          </p>
          <div className="row-buttons">
            <button
              type="button"
              className={confirm === 'delete' ? 'danger' : undefined}
              disabled={publish.isPending || remove.isPending}
              onClick={() => (confirm === 'publish' ? publish.mutate() : remove.mutate())}
            >
              {confirm === 'publish' ? t('contestAdmin.publishYes') : t('contestAdmin.deleteYes')}
            </button>
            <button type="button" className="secondary" onClick={() => setConfirm(null)}>
              {t('contestAdmin.cancel')}
            </button>
          </div>
        </div>
      )}
      {publish.isError ? <ErrorBox error={publish.error} /> : null}
      {remove.isError ? <ErrorBox error={remove.error} /> : null}
    </section>
  );
}

/** `/contests/manage/:id/results`: the caller's school's results by student (teachers: their classes). */
export function ContestResultsPage({ id, me }: { id: number; me: Me }) {
  const { t } = useTranslation();
  const f = useFormat();
  const school = bankSchools(me)[0];
  const contest = useQuery({
    queryKey: ['contest', id],
    queryFn: ({ signal }) => api<ContestRecord>(`/contests/${id}`, { signal }),
  });
  const results = useQuery({
    queryKey: ['contest', id, 'results', school],
    queryFn: ({ signal }) =>
      api<Static<typeof Results>>(`/contests/${id}/schools/${school}/results`, { signal }),
    enabled: school !== undefined,
  });
  return (
    <Page title={t('contestAdmin.schoolResults')} intro={contest.data?.title}>
      <p>
        <Link to={`/contests/manage/${id}`}>{t('contestAdmin.backToContest')}</Link>
      </p>
      {results.isPending && school !== undefined ? <Loading /> : null}
      {results.isError ? <ErrorBox error={results.error} onRetry={() => void results.refetch()} /> : null}
      {results.data && results.data.items.length === 0 ? <p>{t('contestAdmin.noResults')}</p> : null}
      {results.data && results.data.items.length > 0 ? (
        <ScrollBox label={t('contestAdmin.schoolResults')}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('contestAdmin.student')}</th>
                <th scope="col">{t('contestAdmin.form.class')}</th>
                <th scope="col">{t('contestAdmin.attempt')}</th>
                <th scope="col">{t('contestAdmin.score')}</th>
                <th scope="col">{t('contestAdmin.startedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {results.data.items.map((r) => (
                <tr key={`${r.studentId}:${r.attemptNo}`}>
                  <th scope="row">{r.displayName}</th>
                  <td>{r.className}</td>
                  <td>{f.number(r.attemptNo)}</td>
                  <td>
                    {r.score === null
                      ? t(`contestAdmin.attemptState.${r.state}`)
                      : t('contestAdmin.scoreOf', { score: f.number(r.score), max: f.number(r.maxScore) })}
                  </td>
                  <td>
                    <time dateTime={r.startedAt}>{f.dateTime(r.startedAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollBox>
      ) : null}
    </Page>
  );
}
