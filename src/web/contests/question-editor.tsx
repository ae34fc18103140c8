import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { Question, QuestionList } from '@/modules/contests/contests.schema';
import { ApiError, api, type Me } from '@/web/api';
import { useFormat } from '@/web/format';
import { localName } from '@/web/i18n';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { Field, FormError, problemsOf } from '@/web/components/field';
import { StaleVersion, differencesOf, staleCurrent } from '@/web/components/stale-version';
import { useCountryPack } from '@/web/journal/shared';
import './authoring.css';

/** A bank question as the API gives it, with its key. */
export type QuestionRecord = Static<typeof Question>;
type Kind = QuestionRecord['kind'];
type Language = QuestionRecord['language'];
/** The seven kinds of question, in the order the editor offers them (the server's list, not imported: tables stay out of the bundle). */
const QUESTION_KINDS = [
  'single',
  'multiple',
  'true_false',
  'numeric',
  'short_text',
  'matching',
  'ordering',
] as const satisfies readonly Kind[];
const QUESTION_LANGUAGES = ['az', 'ru', 'en'] as const satisfies readonly Language[];

/** The schools whose bank the caller writes (director or teacher there). */
export function bankSchools(me: Me): number[] {
  return [
    ...new Set(
      me.roles
        .filter((g) => (g.role === 'director' || g.role === 'teacher') && g.institutionId !== null)
        .map((g) => g.institutionId!),
    ),
  ];
}

/** Whether the caller writes the national bank (editors, the bureau, the admin). */
export const writesNational = (me: Me) =>
  me.roles.some((g) => ['admin', 'bureau', 'editor'].includes(g.role));

/** The subjects of the curriculum, in the interface language, for a select. */
export function useSubjects() {
  const { i18n } = useTranslation();
  const pack = useCountryPack();
  return (pack.data?.subjects ?? []).map((s) => ({ code: s.code, name: localName(s, i18n.language) }));
}

export const GRADES = Array.from({ length: 12 }, (_, i) => i + 1);

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** The editor's state: lists as one item per line, numbers as typed. */
interface Draft {
  bank: 'school' | 'national';
  subjectCode: string;
  grade: number;
  kind: Kind;
  language: Language;
  prompt: string;
  points: string;
  options: string;
  correct: number[];
  truth: '' | 'true' | 'false';
  value: string;
  tolerance: string;
  accepted: string;
  left: string;
  right: string;
  pairs: (number | null)[];
  items: string;
}

function draftOf(q: QuestionRecord | null, defaults: { subjectCode: string; grade: number }, me: Me): Draft {
  return {
    bank: q
      ? q.institutionId === null
        ? 'national'
        : 'school'
      : bankSchools(me).length > 0
        ? 'school'
        : 'national',
    subjectCode: q?.subjectCode ?? defaults.subjectCode,
    grade: q?.grade ?? defaults.grade,
    kind: q?.kind ?? 'single',
    language: q?.language ?? 'az',
    prompt: q?.prompt ?? '',
    points: String(q?.points ?? 1),
    options: (q?.options ?? []).join('\n'),
    correct: q?.correct ?? [],
    truth: q?.truth === undefined ? '' : q.truth ? 'true' : 'false',
    value: q?.value === undefined ? '' : String(q.value),
    tolerance: q?.tolerance === undefined ? '' : String(q.tolerance),
    accepted: (q?.accepted ?? []).join('\n'),
    left: (q?.left ?? []).join('\n'),
    right: (q?.right ?? []).join('\n'),
    pairs: q?.pairs ?? [],
    items: (q?.items ?? []).join('\n'),
  };
}

/** What the API takes: the common fields and exactly those of the kind. */
function bodyOf(d: Draft): Record<string, unknown> {
  const common = {
    subjectCode: d.subjectCode,
    grade: d.grade,
    kind: d.kind,
    language: d.language,
    prompt: d.prompt,
    points: Number(d.points) || 1,
  };
  const number = (s: string) => (s.trim() === '' ? undefined : Number(s.replace(',', '.')));
  switch (d.kind) {
    case 'single':
    case 'multiple':
      return { ...common, options: lines(d.options), correct: d.correct };
    case 'true_false':
      return { ...common, ...(d.truth === '' ? {} : { truth: d.truth === 'true' }) };
    case 'numeric':
      return { ...common, value: number(d.value), tolerance: number(d.tolerance) };
    case 'short_text':
      return { ...common, accepted: lines(d.accepted) };
    case 'matching':
      return {
        ...common,
        left: lines(d.left),
        right: lines(d.right),
        pairs: lines(d.left).map((_, i) => d.pairs[i] ?? -1),
      };
    case 'ordering':
      return { ...common, items: lines(d.items) };
  }
}

const FIELDS = [
  'subjectCode',
  'grade',
  'kind',
  'language',
  'prompt',
  'points',
  'options',
  'correct',
  'truth',
  'value',
  'tolerance',
  'accepted',
  'left',
  'right',
  'pairs',
  'items',
] as const;

/** Adds a question to a bank, or rewrites one; the API's field errors are shown beside their fields. */
export function QuestionEditor({
  me,
  question,
  defaults,
  onDone,
}: {
  me: Me;
  question: QuestionRecord | null;
  defaults: { subjectCode: string; grade: number };
  onDone: (saved: QuestionRecord | null) => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const subjects = useSubjects();
  const base = useId();
  const id = (name: string) => `${base}-${name}`;
  const [d, setD] = useState<Draft>(() => draftOf(question, defaults, me));
  const set = (patch: Partial<Draft>) => setD((old) => ({ ...old, ...patch }));
  const schools = bankSchools(me);
  /** The version of the question the form was read at: a rewrite sends it, never overwriting unseen changes. */
  const [version, setVersion] = useState(question?.version ?? 0);
  /** Someone else's saved question met by a rewrite, and what that rewrite sent. */
  const [stale, setStale] = useState<{ current: QuestionRecord; mine: Record<string, unknown> } | null>(null);
  const save = useMutation({
    mutationFn: ({ values, version: from }: { values: Record<string, unknown>; version: number }) =>
      question
        ? api<QuestionRecord>(`/contests/questions/${question.id}`, {
            method: 'PUT',
            body: { version: from, ...values },
          })
        : api<QuestionRecord>('/contests/questions', {
            method: 'POST',
            body: { ...values, institutionId: d.bank === 'school' ? (schools[0] ?? null) : null },
          }),
    onSuccess: async (saved) => {
      setVersion(saved.version);
      setStale(null);
      await client.invalidateQueries({ queryKey: ['contest-bank'] });
      onDone(saved);
    },
    onError: (error, v) => {
      const current = staleCurrent<QuestionRecord>(error);
      if (current) setStale({ current, mine: v.values });
    },
  });
  const { byField, rest } = problemsOf(save.error, FIELDS);
  const err = (f: (typeof FIELDS)[number]) => byField.get(f);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setStale(null);
    save.mutate({ values: bodyOf(d), version });
  };
  /** Theirs replaces the form's values. */
  const reload = (current: QuestionRecord) => {
    setD(draftOf(current, defaults, me));
    setVersion(current.version);
    setStale(null);
    save.reset();
    void client.invalidateQueries({ queryKey: ['contest-bank'] });
  };
  const f = useFormat();
  const showValue = (field: (typeof FIELDS)[number], value: unknown): string => {
    if (value === undefined || value === null) return '';
    if (field === 'subjectCode') return subjects.find((x) => x.code === value)?.name ?? (value as string);
    if (field === 'kind') return t(`contestAdmin.kind.${value as string}`);
    if (field === 'language') return t(`contestAdmin.language.${value as string}`);
    if (field === 'truth') return t(value ? 'contestAdmin.bank.true' : 'contestAdmin.bank.false');
    if (field === 'correct' || field === 'pairs')
      return (value as number[]).map((n) => f.number(n + 1)).join(', ');
    if (Array.isArray(value)) return (value as string[]).join('; ');
    return typeof value === 'number' ? f.number(value) : (value as string);
  };
  const options = lines(d.options);
  const left = lines(d.left);
  const right = lines(d.right);
  return (
    <form className="form card contest-admin-form" onSubmit={submit} aria-labelledby={id('title')}>
      <h2 id={id('title')}>
        {question ? t('contestAdmin.bank.editTitle') : t('contestAdmin.bank.newTitle')}
      </h2>
      {!question && schools.length > 0 && writesNational(me) ? (
        <Field id={id('bank')} label={t('contestAdmin.bank.bank')}>
          {(a) => (
            <select {...a} value={d.bank} onChange={(e) => set({ bank: e.target.value as Draft['bank'] })}>
              <option value="school">{t('contestAdmin.bank.schoolBank')}</option>
              <option value="national">{t('contestAdmin.bank.nationalBank')}</option>
            </select>
          )}
        </Field>
      ) : null}
      <div className="contest-admin-pair">
        <Field id={id('subject')} label={t('contestAdmin.subject')} errors={err('subjectCode')}>
          {(a) => (
            <select
              {...a}
              required
              value={d.subjectCode}
              onChange={(e) => set({ subjectCode: e.target.value })}
            >
              {subjects.map((s) => (
                <option key={s.code} value={s.code}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={id('grade')} label={t('contestAdmin.grade')} errors={err('grade')}>
          {(a) => (
            <select {...a} value={d.grade} onChange={(e) => set({ grade: Number(e.target.value) })}>
              {GRADES.map((g) => (
                <option key={g} value={g}>
                  {g}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="contest-admin-pair">
        <Field id={id('kind')} label={t('contestAdmin.bank.kind')} errors={err('kind')}>
          {(a) => (
            <select {...a} value={d.kind} onChange={(e) => set({ kind: e.target.value as Kind })}>
              {QUESTION_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`contestAdmin.kind.${k}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={id('language')} label={t('contestAdmin.bank.language')} errors={err('language')}>
          {(a) => (
            <select {...a} value={d.language} onChange={(e) => set({ language: e.target.value as Language })}>
              {QUESTION_LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {t(`contestAdmin.language.${l}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field id={id('prompt')} label={t('contestAdmin.bank.prompt')} errors={err('prompt')}>
        {(a) => (
          <textarea
            {...a}
            required
            rows={3}
            maxLength={4000}
            value={d.prompt}
            onChange={(e) => set({ prompt: e.target.value })}
          />
        )}
      </Field>
      <Field id={id('points')} label={t('contestAdmin.bank.points')} errors={err('points')}>
        {(a) => (
          <input
            {...a}
            type="number"
            min={1}
            max={100}
            inputMode="numeric"
            value={d.points}
            onChange={(e) => set({ points: e.target.value })}
          />
        )}
      </Field>

      {d.kind === 'single' || d.kind === 'multiple' ? (
        <>
          <Field
            id={id('options')}
            label={t('contestAdmin.bank.options')}
            hint={t('contestAdmin.bank.onePerLine')}
            errors={err('options')}
          >
            {(a) => (
              <textarea
                {...a}
                rows={4}
                value={d.options}
                onChange={(e) => set({ options: e.target.value, correct: [] })}
              />
            )}
          </Field>
          <fieldset aria-describedby={err('correct') ? id('correct-error') : undefined}>
            <legend>{t('contestAdmin.bank.correct')}</legend>
            {options.length === 0 ? <p className="hint">{t('contestAdmin.bank.optionsFirst')}</p> : null}
            {options.map((o, i) => (
              <label key={`${i}:${o}`} className="contest-admin-check">
                <input
                  type={d.kind === 'single' ? 'radio' : 'checkbox'}
                  name={id('correct')}
                  checked={d.correct.includes(i)}
                  onChange={(e) =>
                    set({
                      correct:
                        d.kind === 'single'
                          ? [i]
                          : e.target.checked
                            ? [...d.correct, i].sort((x, y) => x - y)
                            : d.correct.filter((c) => c !== i),
                    })
                  }
                />{' '}
                {o}
              </label>
            ))}
            {err('correct') ? (
              <p className="field-error" id={id('correct-error')}>
                {err('correct')!.join(' ')}
              </p>
            ) : null}
          </fieldset>
        </>
      ) : null}

      {d.kind === 'true_false' ? (
        <fieldset aria-describedby={err('truth') ? id('truth-error') : undefined}>
          <legend>{t('contestAdmin.bank.truth')}</legend>
          {(['true', 'false'] as const).map((v) => (
            <label key={v} className="contest-admin-check">
              <input
                type="radio"
                name={id('truth')}
                checked={d.truth === v}
                onChange={() => set({ truth: v })}
              />{' '}
              {t(`contestAdmin.bank.${v}`)}
            </label>
          ))}
          {err('truth') ? (
            <p className="field-error" id={id('truth-error')}>
              {err('truth')!.join(' ')}
            </p>
          ) : null}
        </fieldset>
      ) : null}

      {d.kind === 'numeric' ? (
        <div className="contest-admin-pair">
          <Field id={id('value')} label={t('contestAdmin.bank.value')} errors={err('value')}>
            {(a) => (
              <input
                {...a}
                inputMode="decimal"
                value={d.value}
                onChange={(e) => set({ value: e.target.value })}
              />
            )}
          </Field>
          <Field id={id('tolerance')} label={t('contestAdmin.bank.tolerance')} errors={err('tolerance')}>
            {(a) => (
              <input
                {...a}
                inputMode="decimal"
                value={d.tolerance}
                onChange={(e) => set({ tolerance: e.target.value })}
              />
            )}
          </Field>
        </div>
      ) : null}

      {d.kind === 'short_text' ? (
        <Field
          id={id('accepted')}
          label={t('contestAdmin.bank.accepted')}
          hint={t('contestAdmin.bank.onePerLine')}
          errors={err('accepted')}
        >
          {(a) => (
            <textarea
              {...a}
              rows={3}
              value={d.accepted}
              onChange={(e) => set({ accepted: e.target.value })}
            />
          )}
        </Field>
      ) : null}

      {d.kind === 'matching' ? (
        <>
          <Field
            id={id('left')}
            label={t('contestAdmin.bank.left')}
            hint={t('contestAdmin.bank.onePerLine')}
            errors={err('left')}
          >
            {(a) => (
              <textarea {...a} rows={3} value={d.left} onChange={(e) => set({ left: e.target.value })} />
            )}
          </Field>
          <Field
            id={id('right')}
            label={t('contestAdmin.bank.right')}
            hint={t('contestAdmin.bank.onePerLine')}
            errors={err('right')}
          >
            {(a) => (
              <textarea {...a} rows={3} value={d.right} onChange={(e) => set({ right: e.target.value })} />
            )}
          </Field>
          <fieldset aria-describedby={err('pairs') ? id('pairs-error') : undefined}>
            <legend>{t('contestAdmin.bank.pairs')}</legend>
            {left.map((l, i) => (
              <div className="field" key={`${i}:${l}`}>
                <label htmlFor={id(`pair-${i}`)}>{l}</label>
                <select
                  id={id(`pair-${i}`)}
                  value={d.pairs[i] ?? ''}
                  onChange={(e) => {
                    const pairs = [...d.pairs];
                    pairs[i] = e.target.value === '' ? null : Number(e.target.value);
                    set({ pairs });
                  }}
                >
                  <option value="">{t('contestAdmin.bank.choose')}</option>
                  {right.map((r, j) => (
                    <option key={`${j}:${r}`} value={j}>
                      {r}
                    </option>
                  ))}
                </select>
              </div>
            ))}
            {err('pairs') ? (
              <p className="field-error" id={id('pairs-error')}>
                {err('pairs')!.join(' ')}
              </p>
            ) : null}
          </fieldset>
        </>
      ) : null}

      {d.kind === 'ordering' ? (
        <Field
          id={id('items')}
          label={t('contestAdmin.bank.items')}
          hint={t('contestAdmin.bank.itemsHint')}
          errors={err('items')}
        >
          {(a) => (
            <textarea {...a} rows={4} value={d.items} onChange={(e) => set({ items: e.target.value })} />
          )}
        </Field>
      ) : null}

      {stale ? (
        <StaleVersion
          differences={differencesOf(
            FIELDS,
            stale.current as Record<(typeof FIELDS)[number], unknown>,
            { points: 1, ...stale.mine } as Record<(typeof FIELDS)[number], unknown>,
            (field) =>
              t(
                field === 'subjectCode' || field === 'grade'
                  ? `contestAdmin.${field === 'subjectCode' ? 'subject' : 'grade'}`
                  : `contestAdmin.bank.${field}`,
              ),
            showValue,
          )}
          updatedAt={stale.current.updatedAt}
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
      <div className="row-buttons">
        <button type="submit" disabled={save.isPending || stale !== null}>
          {t('contestAdmin.save')}
        </button>
        <button type="button" className="secondary" onClick={() => onDone(null)}>
          {t('contestAdmin.cancel')}
        </button>
      </div>
    </form>
  );
}

/** A short line saying what the answer is, for the bank list. */
function keyText(q: QuestionRecord, t: (k: string, o?: Record<string, unknown>) => string): string {
  switch (q.kind) {
    case 'single':
    case 'multiple':
      return (q.correct ?? []).map((i) => q.options?.[i]).join(', ');
    case 'true_false':
      return t(`contestAdmin.bank.${q.truth ? 'true' : 'false'}`);
    case 'numeric':
      return q.tolerance ? `${q.value} ± ${q.tolerance}` : String(q.value);
    case 'short_text':
      return (q.accepted ?? []).join(' / ');
    case 'matching':
      return (q.left ?? []).map((l, i) => `${l} → ${q.right?.[q.pairs?.[i] ?? -1] ?? '?'}`).join('; ');
    case 'ordering':
      return (q.items ?? []).join(' < ');
  }
}

/** `/contests/bank`: the questions of the caller's banks by subject and grade; add, edit, delete. */
export function QuestionBankPage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const f = useFormat();
  const subjects = useSubjects();
  const base = useId();
  const [filter, setFilter] = useState<{ subjectCode: string; grade: string; bank: string }>({
    subjectCode: '',
    grade: '',
    bank: '',
  });
  const [editing, setEditing] = useState<QuestionRecord | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const query = new URLSearchParams({ limit: '200' });
  if (filter.subjectCode) query.set('subjectCode', filter.subjectCode);
  if (filter.grade) query.set('grade', filter.grade);
  if (filter.bank === 'national') query.set('national', 'true');
  const list = useQuery({
    queryKey: ['contest-bank', query.toString()],
    queryFn: ({ signal }) =>
      api<Static<typeof QuestionList>>(`/contests/questions?${query.toString()}`, { signal }),
  });
  const items = (list.data?.items ?? []).filter((q) => filter.bank !== 'school' || q.institutionId !== null);
  const subjectName = (code: string) => subjects.find((s) => s.code === code)?.name ?? code;
  return (
    <Page title={t('contestAdmin.bank.title')} intro={t('contestAdmin.bank.intro')}>
      <p>
        <Link to="/contests/manage">{t('contestAdmin.backToContests')}</Link>
      </p>
      {notice ? <p role="status">{notice}</p> : null}
      {editing === null ? (
        <p>
          <button type="button" onClick={() => setEditing('new')}>
            {t('contestAdmin.bank.add')}
          </button>
        </p>
      ) : (
        <QuestionEditor
          key={editing === 'new' ? 'new' : editing.id}
          me={me}
          question={editing === 'new' ? null : editing}
          defaults={{ subjectCode: filter.subjectCode || 'mathematics', grade: Number(filter.grade) || 7 }}
          onDone={(saved) => {
            setEditing(null);
            setNotice(saved ? t('contestAdmin.bank.saved') : null);
          }}
        />
      )}
      <form
        className="form card contest-admin-filter"
        onSubmit={(e) => e.preventDefault()}
        aria-label={t('contestAdmin.filter')}
      >
        <div className="field">
          <label htmlFor={`${base}-subject`}>{t('contestAdmin.subject')}</label>
          <select
            id={`${base}-subject`}
            value={filter.subjectCode}
            onChange={(e) => setFilter({ ...filter, subjectCode: e.target.value })}
          >
            <option value="">{t('contestAdmin.all')}</option>
            {subjects.map((s) => (
              <option key={s.code} value={s.code}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${base}-grade`}>{t('contestAdmin.grade')}</label>
          <select
            id={`${base}-grade`}
            value={filter.grade}
            onChange={(e) => setFilter({ ...filter, grade: e.target.value })}
          >
            <option value="">{t('contestAdmin.all')}</option>
            {GRADES.map((g) => (
              <option key={g} value={g}>
                {g}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${base}-bank`}>{t('contestAdmin.bank.bank')}</label>
          <select
            id={`${base}-bank`}
            value={filter.bank}
            onChange={(e) => setFilter({ ...filter, bank: e.target.value })}
          >
            <option value="">{t('contestAdmin.all')}</option>
            <option value="school">{t('contestAdmin.bank.schoolBank')}</option>
            <option value="national">{t('contestAdmin.bank.nationalBank')}</option>
          </select>
        </div>
      </form>
      <section aria-labelledby={`${base}-list`}>
        <h2 id={`${base}-list`}>
          {t('contestAdmin.bank.listTitle', { n: f.number(list.data ? items.length : 0) })}
        </h2>
        {list.isPending ? <Loading /> : null}
        {list.isError ? <ErrorBox error={list.error} onRetry={() => void list.refetch()} /> : null}
        {list.data && items.length === 0 ? <p>{t('contestAdmin.bank.empty')}</p> : null}
        <ul className="list contest-admin-questions">
          {items.map((q) => (
            <li key={q.id}>
              <span className="what">{q.prompt}</span>
              <span className="meta">
                {t(`contestAdmin.kind.${q.kind}`)} · {subjectName(q.subjectCode)} ·{' '}
                {t('contestAdmin.gradeN', { grade: q.grade })} ·{' '}
                {q.institutionId === null
                  ? t('contestAdmin.bank.nationalBank')
                  : t('contestAdmin.bank.schoolBank')}{' '}
                · {t('contestAdmin.bank.pointsN', { n: f.number(q.points) })}
              </span>
              <span className="meta">
                {t('contestAdmin.bank.key')}: {keyText(q, t)}
              </span>
              <QuestionActions
                question={q}
                me={me}
                onEdit={() => setEditing(q)}
                onDeleted={() => setNotice(t('contestAdmin.bank.deleted'))}
              />
            </li>
          ))}
        </ul>
      </section>
    </Page>
  );
}

function QuestionActions({
  question,
  me,
  onEdit,
  onDeleted,
}: {
  question: QuestionRecord;
  me: Me;
  onEdit: () => void;
  onDeleted: () => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => api<{ deleted: boolean }>(`/contests/questions/${question.id}`, { method: 'DELETE' }),
    onSuccess: async () => {
      onDeleted();
      await client.invalidateQueries({ queryKey: ['contest-bank'] });
    },
  });
  const writes =
    question.institutionId === null
      ? writesNational(me)
      : bankSchools(me).includes(question.institutionId) || me.roles.some((g) => g.role === 'admin');
  if (!writes) return null;
  const label = question.prompt.length > 40 ? `${question.prompt.slice(0, 40)}…` : question.prompt;
  return (
    <div className="row-buttons">
      <button
        type="button"
        className="secondary small"
        onClick={onEdit}
        aria-label={t('contestAdmin.editNamed', { name: label })}
      >
        {t('contestAdmin.edit')}
      </button>
      {confirming ? (
        <>
          <button
            type="button"
            className="danger small"
            onClick={() => remove.mutate()}
            disabled={remove.isPending}
          >
            {t('contestAdmin.confirmDelete')}
          </button>
          <button type="button" className="secondary small" onClick={() => setConfirming(false)}>
            {t('contestAdmin.cancel')}
          </button>
        </>
      ) : (
        <button
          type="button"
          className="secondary small"
          onClick={() => setConfirming(true)}
          aria-label={t('contestAdmin.deleteNamed', { name: label })}
        >
          {t('contestAdmin.delete')}
        </button>
      )}
      {remove.isError ? <ErrorBox error={remove.error} /> : null}
    </div>
  );
}
