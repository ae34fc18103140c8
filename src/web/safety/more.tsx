import { useEffect, useId, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '@/web/api';
import { ErrorBox } from '@/web/components/status';

/**
 * Forms of the filter's pages for what was API-only (docs/safety.md): the ministry's own categories and their
 * names (catalogue page), and exams (schedules page, the ministry and districts). Texts under `safetyMore`.
 */

type Localised = { az: string; ru: string; en: string };
const LANGS = ['az', 'ru', 'en'] as const;
const pick = (t: Localised, lang: string) =>
  t[(LANGS as readonly string[]).includes(lang) ? (lang as keyof Localised) : 'az'] || t.az || t.en || t.ru;
const empty = (): Localised => ({ az: '', ru: '', en: '' });
const Refusal = ({ error }: { error: unknown }) => (error ? <ErrorBox error={error} /> : null);

/** Three inputs, one a language, for a name. */
function NameFields({
  id,
  legend,
  value,
  onChange,
}: {
  id: string;
  legend: string;
  value: Localised;
  onChange: (v: Localised) => void;
}) {
  const { t } = useTranslation();
  return (
    <fieldset>
      <legend>{legend}</legend>
      {LANGS.map((l) => (
        <div key={l}>
          <label htmlFor={`${id}-${l}`}>{t(`safetyMore.inLanguage.${l}`)}</label>
          <input
            id={`${id}-${l}`}
            lang={l}
            value={value[l]}
            maxLength={100}
            onChange={(e) => onChange({ ...value, [l]: e.target.value })}
          />
        </div>
      ))}
    </fieldset>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Categories: the ministry's own, and names
// ---------------------------------------------------------------------------------------------------------

export interface EditableCategory {
  id: number;
  code: string;
  name: Localised;
  description: Localised;
  version: number;
}

/** The ministry edits a category's names and description, at the version read. */
export function CategoryNames({ category }: { category: EditableCategory }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const id = useId();
  const [name, setName] = useState<Localised>(category.name);
  const [description, setDescription] = useState<Localised>(category.description);
  const save = useMutation({
    mutationFn: () =>
      api(`/safety/categories/${category.id}`, {
        method: 'PUT',
        body: { version: category.version, name, description },
      }),
    onSettled: () => client.invalidateQueries({ queryKey: ['safety', 'categories'] }),
  });
  return (
    <details className="card">
      <summary>{t('safetyMore.editNames')}</summary>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <NameFields id={`${id}-n`} legend={t('safetyMore.categoryName')} value={name} onChange={setName} />
        <NameFields
          id={`${id}-d`}
          legend={t('safetyMore.description')}
          value={description}
          onChange={setDescription}
        />
        <button type="submit" disabled={save.isPending}>
          {t('safetyMore.saveNames')}
        </button>
        {save.isSuccess ? <p role="status">{t('safetyMore.saved')}</p> : null}
        <Refusal error={save.error} />
      </form>
    </details>
  );
}

/**
 * A new category's code, never shown to people (it names the category's zone and tag on the resolvers): the
 * English name (or the Azerbaijani one) in lower-case Latin letters and digits, and a few random characters so
 * two categories of one name differ.
 */
function categoryCode(name: Localised): string {
  const base = (name.en || name.az)
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 28);
  return `${base || 'own'}_${Math.random().toString(36).slice(2, 8)}`;
}

/** The ministry adds a category of its own: names and a description (its code is made from the name). */
export function NewCategory() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const id = useId();
  const [name, setName] = useState<Localised>(empty);
  const [description, setDescription] = useState<Localised>(empty);
  const create = useMutation({
    mutationFn: () =>
      api('/safety/categories', { method: 'POST', body: { code: categoryCode(name), name, description } }),
    onSuccess: async () => {
      setName(empty());
      setDescription(empty());
      await client.invalidateQueries({ queryKey: ['safety', 'categories'] });
    },
  });
  return (
    <section aria-labelledby={`${id}-h`} className="card">
      <h2 id={`${id}-h`}>{t('safetyMore.newCategory')}</h2>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <NameFields id={`${id}-n`} legend={t('safetyMore.categoryName')} value={name} onChange={setName} />
        <NameFields
          id={`${id}-d`}
          legend={t('safetyMore.description')}
          value={description}
          onChange={setDescription}
        />
        <button type="submit" disabled={create.isPending}>
          {t('safetyMore.addCategory')}
        </button>
        {create.isSuccess ? <p role="status">{t('safetyMore.saved')}</p> : null}
        <Refusal error={create.error} />
      </form>
    </section>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Exams
// ---------------------------------------------------------------------------------------------------------

interface AllowList {
  id: number;
  kind: 'block' | 'allow';
  name: Localised;
}
interface School {
  id: number;
  name: string;
}

/** `YYYY-MM-DDTHH:mm` of the browser's clock, for a `datetime-local` input. */
const localInput = (d: Date) => {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
};

/**
 * Puts schools in exam mode for some hours: a name, the start and end, the schools (found by name; a district's
 * officer may choose its own schools only — the server refuses others), and the allow list of the sites that
 * stay reachable.
 */
export function NewExam() {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const id = useId();
  const [name, setName] = useState<Localised>(empty);
  const [startsAt, setStartsAt] = useState(() => localInput(new Date(Date.now() + 3_600_000)));
  const [endsAt, setEndsAt] = useState(() => localInput(new Date(Date.now() + 4 * 3_600_000)));
  const [allowListId, setAllowListId] = useState<number | null>(null);
  const [q, setQ] = useState('');
  const [chosen, setChosen] = useState<School[]>([]);
  const lists = useQuery({
    queryKey: ['safety', 'lists'],
    queryFn: ({ signal }) => api<{ lists: AllowList[] }>('/safety/lists', { signal }),
  });
  const found = useQuery({
    queryKey: ['safety', 'schools', q],
    enabled: q.trim().length >= 2,
    queryFn: ({ signal }) =>
      api<{ items: { id: number; nameAz: string; nameRu: string; nameEn: string }[] }>(
        `/institutions?limit=20&q=${encodeURIComponent(q.trim())}`,
        { signal },
      ).then((r) =>
        r.items.map((s): School => ({
          id: s.id,
          name: pick({ az: s.nameAz, ru: s.nameRu, en: s.nameEn }, i18n.language),
        })),
      ),
  });
  const create = useMutation({
    mutationFn: () =>
      api('/safety/exams', {
        method: 'POST',
        body: {
          name,
          startsAt: new Date(startsAt).toISOString(),
          endsAt: new Date(endsAt).toISOString(),
          allowListId,
          institutionIds: chosen.map((s) => s.id),
        },
      }),
    onSuccess: async () => {
      setName(empty());
      setChosen([]);
      await client.invalidateQueries({ queryKey: ['safety', 'schedules'] });
    },
  });
  const allowLists = (lists.data?.lists ?? []).filter((l) => l.kind === 'allow');
  const options = (found.data ?? []).filter((s) => !chosen.some((c) => c.id === s.id));
  return (
    <details className="card">
      <summary>{t('safetyMore.newExam')}</summary>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <NameFields id={`${id}-n`} legend={t('safetyMore.examName')} value={name} onChange={setName} />
        <label htmlFor={`${id}-s`}>{t('safetyMore.examStarts')}</label>
        <input
          id={`${id}-s`}
          type="datetime-local"
          value={startsAt}
          onChange={(e) => setStartsAt(e.target.value)}
          required
        />
        <label htmlFor={`${id}-e`}>{t('safetyMore.examEnds')}</label>
        <input
          id={`${id}-e`}
          type="datetime-local"
          value={endsAt}
          onChange={(e) => setEndsAt(e.target.value)}
          required
        />
        <label htmlFor={`${id}-a`}>{t('safetyMore.allowList')}</label>
        <select
          id={`${id}-a`}
          value={allowListId ?? ''}
          onChange={(e) => setAllowListId(e.target.value ? Number(e.target.value) : null)}
          aria-describedby={allowLists.length === 0 ? `${id}-an` : undefined}
          required
        >
          <option value="" />
          {allowLists.map((l) => (
            <option key={l.id} value={l.id}>
              {pick(l.name, i18n.language)}
            </option>
          ))}
        </select>
        {lists.data && allowLists.length === 0 ? (
          <p id={`${id}-an`} className="hint">
            {t('safetyMore.noAllowList')}
          </p>
        ) : null}
        <fieldset>
          <legend>{t('safetyMore.examSchools')}</legend>
          <label htmlFor={`${id}-q`}>{t('safetyMore.findSchool')}</label>
          <input id={`${id}-q`} type="search" value={q} onChange={(e) => setQ(e.target.value)} />
          {options.length > 0 ? (
            <ul className="list">
              {options.map((s) => (
                <li key={s.id}>
                  <button type="button" className="link" onClick={() => setChosen([...chosen, s])}>
                    {t('safetyMore.addSchool', { school: s.name })}
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
          <p role="status">{t('safetyMore.schoolsChosen', { count: chosen.length })}</p>
          <ul className="list">
            {chosen.map((s) => (
              <li key={s.id}>
                {s.name}{' '}
                <button
                  type="button"
                  className="link"
                  onClick={() => setChosen(chosen.filter((c) => c.id !== s.id))}
                >
                  {t('safetyMore.removeSchool', { school: s.name })}
                </button>
              </li>
            ))}
          </ul>
        </fieldset>
        <button type="submit" disabled={create.isPending || chosen.length === 0 || allowListId === null}>
          {t('safetyMore.addExam')}
        </button>
        {create.isSuccess ? <p role="status">{t('safetyMore.examSaved')}</p> : null}
        <Refusal error={create.error} />
      </form>
    </details>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Exams and lesson hours on the schedules page: end, more time, remove
// ---------------------------------------------------------------------------------------------------------

/** A yes/cancel question in place of the button that asked it; the yes button takes the focus. */
function Confirm({
  question,
  action,
  busy,
  onConfirm,
  onCancel,
}: {
  question: string;
  action: string;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => yes.current?.focus(), []);
  return (
    <div className="confirm-inline" role="group" aria-labelledby={id}>
      <p id={id}>{question}</p>
      <div className="row-buttons">
        <button ref={yes} type="button" disabled={busy} onClick={onConfirm}>
          {action}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </div>
  );
}

export interface ScheduledExam {
  id: number;
  name: Localised;
  startsAt: string;
  endsAt: string;
  institutionIds: number[];
  version: number;
}

const HOUR = 3_600_000;

/**
 * An exam in the schedules page's list, with what may be done to it now: before it starts, remove it; under
 * way, end it now or give it one more hour; over, remove it from the list. Each at the version read.
 */
export function ExamItem({ exam, when }: { exam: ScheduledExam; when: string }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const [asking, setAsking] = useState<'end' | 'remove' | null>(null);
  const now = Date.now();
  const state =
    Date.parse(exam.startsAt) > now ? 'upcoming' : Date.parse(exam.endsAt) > now ? 'running' : 'over';
  const done = () => {
    setAsking(null);
    return client.invalidateQueries({ queryKey: ['safety', 'schedules'] });
  };
  const move = useMutation({
    mutationFn: (endsAt: Date) =>
      api(`/safety/exams/${exam.id}`, {
        method: 'PATCH',
        body: { version: exam.version, endsAt: endsAt.toISOString() },
      }),
    onSuccess: done,
  });
  const remove = useMutation({
    mutationFn: () => api(`/safety/exams/${exam.id}?version=${exam.version}`, { method: 'DELETE' }),
    onSuccess: done,
  });
  const name = pick(exam.name, i18n.language);
  return (
    <li className="safety-exam">
      <span>
        {name} · {when} · {t('safetyAdmin.schoolCount', { count: exam.institutionIds.length })} ·{' '}
        <strong>{t(`safetyMore.examState.${state}`)}</strong>
      </span>
      {asking === 'end' ? (
        <Confirm
          question={t('safetyMore.endExamQuestion', { name })}
          action={t('safetyMore.endExam')}
          busy={move.isPending}
          onConfirm={() => move.mutate(new Date())}
          onCancel={() => setAsking(null)}
        />
      ) : asking === 'remove' ? (
        <Confirm
          question={t('safetyMore.removeExamQuestion', { name })}
          action={t('safetyMore.remove')}
          busy={remove.isPending}
          onConfirm={() => remove.mutate()}
          onCancel={() => setAsking(null)}
        />
      ) : (
        <div className="row-buttons">
          {state === 'running' ? (
            <>
              <button type="button" onClick={() => setAsking('end')}>
                {t('safetyMore.endExam')}
              </button>
              <button
                type="button"
                className="secondary"
                disabled={move.isPending}
                onClick={() => move.mutate(new Date(Date.parse(exam.endsAt) + HOUR))}
              >
                {t('safetyMore.oneMoreHour')}
              </button>
            </>
          ) : (
            <button type="button" className="secondary" onClick={() => setAsking('remove')}>
              {t('safetyMore.remove')}
            </button>
          )}
        </div>
      )}
      <Refusal error={move.error ?? remove.error} />
    </li>
  );
}

/** A lesson-hours row in the schedules page's list, with a remove button (at the version read). */
export function WindowItem({ id, version, label }: { id: number; version: number; label: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [asking, setAsking] = useState(false);
  const remove = useMutation({
    mutationFn: () => api(`/safety/windows/${id}?version=${version}`, { method: 'DELETE' }),
    onSuccess: () => {
      setAsking(false);
      return client.invalidateQueries({ queryKey: ['safety', 'schedules'] });
    },
  });
  return (
    <li className="safety-exam">
      <span>{label}</span>
      {asking ? (
        <Confirm
          question={t('safetyMore.removeWindowQuestion', { hours: label })}
          action={t('safetyMore.remove')}
          busy={remove.isPending}
          onConfirm={() => remove.mutate()}
          onCancel={() => setAsking(false)}
        />
      ) : (
        <div className="row-buttons">
          <button
            type="button"
            className="secondary"
            aria-label={t('safetyMore.removeWindow', { hours: label })}
            onClick={() => setAsking(true)}
          >
            {t('safetyMore.remove')}
          </button>
        </div>
      )}
      <Refusal error={remove.error} />
    </li>
  );
}
