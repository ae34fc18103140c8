import { useId, useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type Me } from '@/web/api';
import { useFormat } from '@/web/format';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import '@/web/safety/admin.css';
import { CategoryNames, ExamItem, NewCategory, NewExam, WindowItem } from '@/web/safety/more';

/**
 * The content filter's pages for the ministry, districts and directors (docs/safety.md, "Categories, lists,
 * policies, networks and schedules"): categories and lists, policies, schedules, networks. Every save sends the
 * version it read; a refusal is shown in the person's language, never a code.
 */

type Localised = { az: string; ru: string; en: string };
type Lang = keyof Localised;
const pick = (t: Localised | null | undefined, lang: string) =>
  t ? t[(['az', 'ru', 'en'].includes(lang) ? lang : 'az') as Lang] || t.az || t.en || t.ru : '';
const same = (s: string): Localised => ({ az: s, ru: s, en: s });

interface Category {
  id: number;
  code: string;
  name: Localised;
  description: Localised;
  version: number;
  keywords: { id: number; keyword: string; language: string }[];
  domainCount: number;
}
interface ListRecord {
  id: number;
  kind: 'block' | 'allow';
  categoryId: number | null;
  name: Localised;
  domainCount: number;
  version: number;
}
interface SafeSearch {
  google: boolean;
  youtube: 'off' | 'moderate' | 'strict';
  bing: boolean;
  duckduckgo: boolean;
  yandex: boolean;
}
interface Policy {
  id: number;
  code: string | null;
  name: Localised;
  areaId: number | null;
  areaName: Localised | null;
  parentId: number | null;
  categories: string[];
  blockLists: number[];
  allowLists: number[];
  safeSearch: SafeSearch;
  bypassProtection: boolean;
  action: 'blockpage' | 'nxdomain';
  version: number;
  editable: boolean;
}
interface Assignment {
  id: number;
  areaId: number | null;
  institutionId: number | null;
  networkKind: string;
  window: string;
  policyId: number;
  version: number;
}
interface Window {
  id: number;
  areaId: number | null;
  institutionId: number | null;
  scopeName: Localised | null;
  weekdays: number[];
  startMinute: number;
  endMinute: number;
  version: number;
}
interface Exam {
  id: number;
  name: Localised;
  startsAt: string;
  endsAt: string;
  institutionIds: number[];
  version: number;
}
interface Network {
  id: number;
  institutionId: number;
  school: Localised;
  kind: string;
  cidr: string;
  note: string;
  version: number;
}

const useCategories = () =>
  useQuery({
    queryKey: ['safety', 'categories'],
    queryFn: ({ signal }) => api<{ categories: Category[] }>('/safety/categories', { signal }),
  });
const useLists = () =>
  useQuery({
    queryKey: ['safety', 'lists'],
    queryFn: ({ signal }) => api<{ lists: ListRecord[] }>('/safety/lists', { signal }),
  });
const usePolicies = () =>
  useQuery({
    queryKey: ['safety', 'policies'],
    queryFn: ({ signal }) => api<{ policies: Policy[] }>('/safety/policies', { signal }),
  });

/** A refusal in words: the message, and each field's problem (never a code). */
const Refusal = ({ error }: { error: unknown }) => (error ? <ErrorBox error={error} /> : null);

// ---------------------------------------------------------------------------------------------------------
// Categories and lists
// ---------------------------------------------------------------------------------------------------------

export function SafetyCataloguePage() {
  const { t, i18n } = useTranslation();
  const categories = useCategories();
  const lists = useLists();
  const [q, setQ] = useState('');
  const searchId = useId();
  const shown = (categories.data?.categories ?? []).filter((c) =>
    pick(c.name, i18n.language).toLocaleLowerCase().includes(q.toLocaleLowerCase()),
  );
  return (
    <Page title={t('safetyAdmin.catalogueTitle')} intro={t('safetyAdmin.catalogueIntro')}>
      <section aria-labelledby="safety-lists">
        <h2 id="safety-lists">{t('safetyAdmin.lists')}</h2>
        {lists.isError ? <ErrorBox error={lists.error} onRetry={() => void lists.refetch()} /> : null}
        <ul className="list">
          {lists.data?.lists.map((l) => (
            <li key={l.id}>
              <details>
                <summary>
                  {pick(l.name, i18n.language)} ·{' '}
                  {t(l.kind === 'block' ? 'safetyAdmin.blockList' : 'safetyAdmin.allowList')} ·{' '}
                  {t('safetyAdmin.domainCount', { count: l.domainCount })}
                </summary>
                <ListEditor list={l} />
              </details>
            </li>
          ))}
        </ul>
        <NewList categories={categories.data?.categories ?? []} />
      </section>
      <section aria-labelledby="safety-categories">
        <h2 id="safety-categories">{t('safetyAdmin.categories')}</h2>
        <label htmlFor={searchId}>{t('safetyAdmin.search')}</label>
        <input id={searchId} type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        {categories.isPending ? <Loading /> : null}
        {categories.isError ? (
          <ErrorBox error={categories.error} onRetry={() => void categories.refetch()} />
        ) : null}
        <ul className="list safety-categories">
          {shown.map((c) => (
            <li key={c.id}>
              <details>
                <summary>
                  {pick(c.name, i18n.language)}{' '}
                  <span className="meta">{t('safetyAdmin.domainCount', { count: c.domainCount })}</span>
                </summary>
                <p>{pick(c.description, i18n.language)}</p>
                <p className="safety-chips">
                  {c.keywords.map((k) => (
                    <span key={k.id} className="chip" lang={k.language}>
                      {k.keyword}
                    </span>
                  ))}
                </p>
                <NewKeyword category={c} />
                <CategoryNames category={c} />
              </details>
            </li>
          ))}
        </ul>
        <NewCategory />
      </section>
    </Page>
  );
}

function NewKeyword({ category }: { category: Category }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const id = useId();
  const [keyword, setKeyword] = useState('');
  const [language, setLanguage] = useState<Lang>('az');
  const add = useMutation({
    mutationFn: () =>
      api(`/safety/categories/${category.id}/keywords`, { method: 'POST', body: { keyword, language } }),
    onSuccess: async () => {
      setKeyword('');
      await client.invalidateQueries({ queryKey: ['safety', 'categories'] });
    },
  });
  return (
    <form
      className="form safety-inline"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      <label htmlFor={`${id}-k`}>{t('safetyAdmin.keyword')}</label>
      <input id={`${id}-k`} value={keyword} onChange={(e) => setKeyword(e.target.value)} />
      <label htmlFor={`${id}-l`}>{t('safetyAdmin.language')}</label>
      <select id={`${id}-l`} value={language} onChange={(e) => setLanguage(e.target.value as Lang)}>
        <option value="az">Azərbaycanca</option>
        <option value="ru">Русский</option>
        <option value="en">English</option>
      </select>
      <button type="submit" disabled={add.isPending}>
        {t('safetyAdmin.addKeyword')}
      </button>
      <Refusal error={add.error} />
    </form>
  );
}

function NewList({ categories }: { categories: Category[] }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const id = useId();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'block' | 'allow'>('block');
  const [categoryId, setCategoryId] = useState<number | null>(null);
  const create = useMutation({
    mutationFn: () =>
      api('/safety/lists', {
        method: 'POST',
        body: { kind, categoryId: kind === 'block' ? categoryId : null, name: same(name) },
      }),
    onSuccess: async () => {
      setName('');
      await client.invalidateQueries({ queryKey: ['safety'] });
    },
  });
  return (
    <details className="card">
      <summary>{t('safetyAdmin.newList')}</summary>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label htmlFor={`${id}-n`}>{t('safetyAdmin.name')}</label>
        <input id={`${id}-n`} value={name} onChange={(e) => setName(e.target.value)} required />
        <label htmlFor={`${id}-k`}>{t('safetyAdmin.kind')}</label>
        <select id={`${id}-k`} value={kind} onChange={(e) => setKind(e.target.value as 'block' | 'allow')}>
          <option value="block">{t('safetyAdmin.blockList')}</option>
          <option value="allow">{t('safetyAdmin.allowList')}</option>
        </select>
        {kind === 'block' ? (
          <>
            <label htmlFor={`${id}-c`}>{t('safetyAdmin.category')}</label>
            <select
              id={`${id}-c`}
              value={categoryId ?? ''}
              onChange={(e) => setCategoryId(e.target.value ? Number(e.target.value) : null)}
            >
              <option value="">{t('safetyAdmin.noCategory')}</option>
              {categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {pick(c.name, i18n.language)}
                </option>
              ))}
            </select>
          </>
        ) : null}
        <button type="submit" disabled={create.isPending}>
          {t('safetyAdmin.createList')}
        </button>
        <Refusal error={create.error} />
      </form>
    </details>
  );
}

function ListEditor({ list }: { list: ListRecord }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const id = useId();
  const detail = useQuery({
    queryKey: ['safety', 'list', list.id],
    queryFn: ({ signal }) =>
      api<{ list: ListRecord; domains: string[] }>(`/safety/lists/${list.id}`, { signal }),
  });
  const [add, setAdd] = useState('');
  const [url, setUrl] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [imported, setImported] = useState<number | null>(null);
  const refresh = () => client.invalidateQueries({ queryKey: ['safety'] });
  const version = detail.data?.list.version ?? list.version;
  const edit = useMutation({
    mutationFn: (body: { add: string[]; remove: string[] }) =>
      api(`/safety/lists/${list.id}/domains`, { method: 'POST', body: { version, ...body } }),
    onSuccess: async () => {
      setAdd('');
      await refresh();
    },
  });
  const importIt = useMutation({
    mutationFn: async () => {
      const body = file ? { version, text: await file.text() } : { version, url };
      return api<{ imported: number }>(`/safety/lists/${list.id}/import`, { method: 'POST', body });
    },
    onMutate: () => setImported(null),
    onSuccess: async (r) => {
      setImported(r.imported);
      await refresh();
    },
  });
  const submitAdd = (e: FormEvent) => {
    e.preventDefault();
    edit.mutate({ add: add.split(/\s+/).filter(Boolean), remove: [] });
  };
  return (
    <div className="safety-list">
      {detail.isPending ? <Loading /> : null}
      <ul className="safety-domains">
        {detail.data?.domains.map((d) => (
          <li key={d}>
            <span>{d}</span>
            <button type="button" className="link" onClick={() => edit.mutate({ add: [], remove: [d] })}>
              {t('safetyAdmin.remove')}
              <span className="visually-hidden"> {d}</span>
            </button>
          </li>
        ))}
      </ul>
      <form className="form" onSubmit={submitAdd}>
        <label htmlFor={`${id}-a`}>{t('safetyAdmin.addDomains')}</label>
        <textarea id={`${id}-a`} rows={3} value={add} onChange={(e) => setAdd(e.target.value)} />
        <button type="submit" disabled={edit.isPending}>
          {t('safetyAdmin.add')}
        </button>
        <Refusal error={edit.error} />
      </form>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          importIt.mutate();
        }}
      >
        <p>{t('safetyAdmin.importHelp')}</p>
        <label htmlFor={`${id}-f`}>{t('safetyAdmin.importFile')}</label>
        <input
          id={`${id}-f`}
          type="file"
          accept=".txt,text/plain"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
        <label htmlFor={`${id}-u`}>{t('safetyAdmin.importUrl')}</label>
        <input id={`${id}-u`} type="url" value={url} onChange={(e) => setUrl(e.target.value)} />
        <button type="submit" disabled={importIt.isPending}>
          {t('safetyAdmin.import')}
        </button>
        {imported !== null ? <p role="status">{t('safetyAdmin.imported', { count: imported })}</p> : null}
        <Refusal error={importIt.error} />
      </form>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Policies
// ---------------------------------------------------------------------------------------------------------

const SEARCH_ENGINES = ['google', 'bing', 'duckduckgo', 'yandex'] as const;

export function SafetyPoliciesPage({ me }: { me: Me }) {
  const { t, i18n } = useTranslation();
  const policies = usePolicies();
  const [open, setOpen] = useState<number | null>(null);
  const areaId = me.roles.find((g) => g.role === 'regional')?.areaId ?? null;
  const national = policies.data?.policies.filter((p) => p.areaId === null) ?? [];
  return (
    <Page
      title={t('safetyAdmin.policiesTitle')}
      intro={t(areaId ? 'safetyAdmin.policiesIntroArea' : 'safetyAdmin.policiesIntro')}
    >
      {policies.isPending ? <Loading /> : null}
      {policies.isError ? <ErrorBox error={policies.error} onRetry={() => void policies.refetch()} /> : null}
      <ul className="list">
        {policies.data?.policies.map((p) => (
          <li key={p.id}>
            <button
              type="button"
              className="link what"
              aria-expanded={open === p.id}
              onClick={() => setOpen(open === p.id ? null : p.id)}
            >
              {pick(p.name, i18n.language)}
            </button>
            <span className="meta">
              {p.areaName ? pick(p.areaName, i18n.language) : t('safetyAdmin.national')} ·{' '}
              {t('safetyAdmin.blockedCount', { count: p.categories.length })}
            </span>
            {open === p.id ? <PolicyForm policy={p} /> : null}
          </li>
        ))}
      </ul>
      {areaId !== null || me.roles.some((g) => g.role === 'admin' || g.role === 'bureau') ? (
        <NewPolicy national={national} areaId={areaId} />
      ) : null}
    </Page>
  );
}

function NewPolicy({ national, areaId }: { national: Policy[]; areaId: number | null }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const id = useId();
  const [name, setName] = useState('');
  const [parentId, setParentId] = useState<number | ''>('');
  const create = useMutation({
    mutationFn: () => {
      const parent = national.find((p) => p.id === parentId);
      return api('/safety/policies', {
        method: 'POST',
        body: {
          name: same(name),
          categories: parent?.categories ?? [],
          blockLists: parent?.blockLists ?? [],
          allowLists: parent?.allowLists ?? [],
          safeSearch: parent?.safeSearch ?? {
            google: true,
            youtube: 'strict',
            bing: true,
            duckduckgo: true,
            yandex: true,
          },
          bypassProtection: true,
          action: parent?.action ?? 'blockpage',
          areaId,
          parentId: areaId === null ? null : parentId || null,
        },
      });
    },
    onSuccess: async () => {
      setName('');
      await client.invalidateQueries({ queryKey: ['safety', 'policies'] });
    },
  });
  return (
    <details className="card">
      <summary>{t(areaId ? 'safetyAdmin.newTightening' : 'safetyAdmin.newPolicy')}</summary>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label htmlFor={`${id}-n`}>{t('safetyAdmin.name')}</label>
        <input id={`${id}-n`} value={name} onChange={(e) => setName(e.target.value)} required />
        {areaId !== null ? (
          <>
            <label htmlFor={`${id}-p`}>{t('safetyAdmin.tightens')}</label>
            <select
              id={`${id}-p`}
              value={parentId}
              onChange={(e) => setParentId(e.target.value ? Number(e.target.value) : '')}
              required
            >
              <option value="" />
              {national.map((p) => (
                <option key={p.id} value={p.id}>
                  {pick(p.name, i18n.language)}
                </option>
              ))}
            </select>
          </>
        ) : null}
        <button type="submit" disabled={create.isPending}>
          {t('safetyAdmin.createPolicy')}
        </button>
        <Refusal error={create.error} />
      </form>
    </details>
  );
}

function PolicyForm({ policy }: { policy: Policy }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const id = useId();
  const categories = useCategories();
  const [form, setForm] = useState(policy);
  const [q, setQ] = useState('');
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: () =>
      api<Policy>(`/safety/policies/${policy.id}`, {
        method: 'PUT',
        body: {
          version: form.version,
          name: form.name,
          categories: form.categories,
          blockLists: form.blockLists,
          allowLists: form.allowLists,
          safeSearch: form.safeSearch,
          bypassProtection: form.bypassProtection,
          action: form.action,
        },
      }),
    onSuccess: async (p) => {
      setForm(p);
      setSaved(true);
      await client.invalidateQueries({ queryKey: ['safety', 'policies'] });
    },
  });
  const shown = useMemo(
    () =>
      (categories.data?.categories ?? []).filter((c) =>
        pick(c.name, i18n.language).toLocaleLowerCase().includes(q.toLocaleLowerCase()),
      ),
    [categories.data, q, i18n.language],
  );
  const toggle = (code: string) =>
    setForm({
      ...form,
      categories: form.categories.includes(code)
        ? form.categories.filter((c) => c !== code)
        : [...form.categories, code],
    });
  const ro = !policy.editable;
  return (
    <form
      className="form safety-policy"
      onSubmit={(e) => {
        e.preventDefault();
        setSaved(false);
        save.mutate();
      }}
    >
      <fieldset disabled={ro}>
        <legend>{t('safetyAdmin.blockedCategories')}</legend>
        <label htmlFor={`${id}-q`}>{t('safetyAdmin.search')}</label>
        <input id={`${id}-q`} type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        <ul className="safety-checklist">
          {shown.map((c) => (
            <li key={c.id}>
              <label>
                <input
                  type="checkbox"
                  checked={form.categories.includes(c.code)}
                  onChange={() => toggle(c.code)}
                />{' '}
                {pick(c.name, i18n.language)}
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <fieldset disabled={ro}>
        <legend>{t('safetyAdmin.safeSearch')}</legend>
        {SEARCH_ENGINES.map((e) => (
          <label key={e} className="safety-check">
            <input
              type="checkbox"
              checked={form.safeSearch[e]}
              onChange={() =>
                setForm({ ...form, safeSearch: { ...form.safeSearch, [e]: !form.safeSearch[e] } })
              }
            />{' '}
            {t(`safetyAdmin.engine.${e}`)}
          </label>
        ))}
        <label htmlFor={`${id}-yt`}>{t('safetyAdmin.engine.youtube')}</label>
        <select
          id={`${id}-yt`}
          value={form.safeSearch.youtube}
          onChange={(e) =>
            setForm({
              ...form,
              safeSearch: { ...form.safeSearch, youtube: e.target.value as SafeSearch['youtube'] },
            })
          }
        >
          <option value="off">{t('safetyAdmin.youtube.off')}</option>
          <option value="moderate">{t('safetyAdmin.youtube.moderate')}</option>
          <option value="strict">{t('safetyAdmin.youtube.strict')}</option>
        </select>
      </fieldset>
      <fieldset disabled={ro}>
        <legend>{t('safetyAdmin.protection')}</legend>
        <label className="safety-check">
          <input
            type="checkbox"
            checked={form.bypassProtection}
            onChange={() => setForm({ ...form, bypassProtection: !form.bypassProtection })}
          />{' '}
          {t('safetyAdmin.bypass')}
        </label>
        <label htmlFor={`${id}-a`}>{t('safetyAdmin.action')}</label>
        <select
          id={`${id}-a`}
          value={form.action}
          onChange={(e) => setForm({ ...form, action: e.target.value as Policy['action'] })}
        >
          <option value="blockpage">{t('safetyAdmin.actionBlockpage')}</option>
          <option value="nxdomain">{t('safetyAdmin.actionNxdomain')}</option>
        </select>
      </fieldset>
      {ro ? null : (
        <button type="submit" disabled={save.isPending}>
          {t('safetyAdmin.save')}
        </button>
      )}
      {saved ? <p role="status">{t('safetyAdmin.saved')}</p> : null}
      <Refusal error={save.error} />
    </form>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Schedules
// ---------------------------------------------------------------------------------------------------------

const KINDS = ['pupils', 'staff', 'guests'] as const;
const WINDOWS = ['lessons', 'after_school', 'always'] as const;
const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const minutes = (s: string) => {
  const [h, m] = s.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

export function SafetySchedulesPage({ me }: { me: Me }) {
  const { t, i18n } = useTranslation();
  const schedules = useQuery({
    queryKey: ['safety', 'schedules'],
    queryFn: ({ signal }) =>
      api<{ assignments: Assignment[]; windows: Window[]; exams: Exam[] }>('/safety/schedules', { signal }),
  });
  const policies = usePolicies();
  const areaId = me.roles.find((g) => g.role === 'regional')?.areaId ?? null;
  const f = useFormat();
  return (
    <Page title={t('safetyAdmin.schedulesTitle')} intro={t('safetyAdmin.schedulesIntro')}>
      {schedules.isPending ? <Loading /> : null}
      {schedules.isError ? (
        <ErrorBox error={schedules.error} onRetry={() => void schedules.refetch()} />
      ) : null}
      <section aria-labelledby="safety-assign">
        <h2 id="safety-assign">{t(areaId ? 'safetyAdmin.assignmentsArea' : 'safetyAdmin.assignments')}</h2>
        {schedules.data && policies.data
          ? KINDS.map((kind) => (
              <fieldset key={kind}>
                <legend>{t(`safetyAdmin.networkKind.${kind}`)}</legend>
                {WINDOWS.map((w) => (
                  <AssignmentRow
                    key={w}
                    areaId={areaId}
                    kind={kind}
                    window={w}
                    current={schedules.data.assignments.find(
                      (a) =>
                        a.areaId === areaId &&
                        a.institutionId === null &&
                        a.networkKind === kind &&
                        a.window === w,
                    )}
                    policies={policies.data.policies}
                  />
                ))}
              </fieldset>
            ))
          : null}
      </section>
      <section aria-labelledby="safety-windows">
        <h2 id="safety-windows">{t('safetyAdmin.windows')}</h2>
        <ul className="list">
          {schedules.data?.windows.map((w) => (
            <WindowItem
              key={w.id}
              id={w.id}
              version={w.version}
              label={
                `${w.weekdays.map((d) => t(`safetyAdmin.weekdayShort.${d}`)).join(', ')} · ` +
                `${hhmm(w.startMinute)}–${hhmm(w.endMinute)}` +
                (w.endMinute < w.startMinute ? ` (${t('safetyAdmin.crossesMidnight')})` : '') +
                ` · ${w.scopeName ? pick(w.scopeName, i18n.language) : t('safetyAdmin.national')}`
              }
            />
          ))}
        </ul>
        <NewWindow areaId={areaId} />
      </section>
      <section aria-labelledby="safety-exams">
        <h2 id="safety-exams">{t('safetyAdmin.exams')}</h2>
        <ul className="list">
          {schedules.data?.exams.map((e) => (
            <ExamItem key={e.id} exam={e} when={`${f.dateTime(e.startsAt)} – ${f.dateTime(e.endsAt)}`} />
          ))}
        </ul>
        <NewExam />
      </section>
    </Page>
  );
}

function AssignmentRow({
  areaId,
  kind,
  window,
  current,
  policies,
}: {
  areaId: number | null;
  kind: string;
  window: string;
  current: Assignment | undefined;
  policies: Policy[];
}) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const id = useId();
  const save = useMutation({
    mutationFn: (policyId: number) =>
      api('/safety/assignments', {
        method: 'PUT',
        body: {
          version: current?.version ?? 0,
          areaId,
          institutionId: null,
          networkKind: kind,
          window,
          policyId,
        },
      }),
    onSettled: () => client.invalidateQueries({ queryKey: ['safety', 'schedules'] }),
  });
  return (
    <div className="safety-assignment">
      <label htmlFor={id}>{t(`safetyAdmin.window.${window}`)}</label>
      <select
        id={id}
        value={current?.policyId ?? ''}
        disabled={save.isPending}
        onChange={(e) => e.target.value && save.mutate(Number(e.target.value))}
      >
        <option value="">{t('safetyAdmin.notSet')}</option>
        {policies
          .filter((p) => p.areaId === null || p.areaId === areaId)
          .map((p) => (
            <option key={p.id} value={p.id}>
              {pick(p.name, i18n.language)}
            </option>
          ))}
      </select>
      {save.isSuccess ? <span role="status">{t('safetyAdmin.saved')}</span> : null}
      <Refusal error={save.error} />
    </div>
  );
}

function NewWindow({ areaId }: { areaId: number | null }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const id = useId();
  const [days, setDays] = useState<number[]>([1, 2, 3, 4, 5]);
  const [start, setStart] = useState('08:00');
  const [end, setEnd] = useState('14:00');
  const create = useMutation({
    mutationFn: () =>
      api('/safety/windows', {
        method: 'POST',
        body: {
          areaId,
          institutionId: null,
          weekdays: days,
          startMinute: minutes(start),
          endMinute: minutes(end),
        },
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['safety', 'schedules'] }),
  });
  return (
    <details className="card">
      <summary>{t('safetyAdmin.newWindow')}</summary>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <fieldset>
          <legend>{t('safetyAdmin.weekdays')}</legend>
          {[1, 2, 3, 4, 5, 6, 7].map((d) => (
            <label key={d} className="safety-check">
              <input
                type="checkbox"
                checked={days.includes(d)}
                onChange={() => setDays(days.includes(d) ? days.filter((x) => x !== d) : [...days, d].sort())}
              />{' '}
              {t(`safetyAdmin.weekday.${d}`)}
            </label>
          ))}
        </fieldset>
        <label htmlFor={`${id}-s`}>{t('safetyAdmin.start')}</label>
        <input id={`${id}-s`} type="time" value={start} onChange={(e) => setStart(e.target.value)} required />
        <label htmlFor={`${id}-e`}>{t('safetyAdmin.end')}</label>
        <input id={`${id}-e`} type="time" value={end} onChange={(e) => setEnd(e.target.value)} required />
        <button type="submit" disabled={create.isPending}>
          {t('safetyAdmin.addWindow')}
        </button>
        {create.isSuccess ? <p role="status">{t('safetyAdmin.saved')}</p> : null}
        <Refusal error={create.error} />
      </form>
    </details>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Networks
// ---------------------------------------------------------------------------------------------------------

export function SafetyNetworksPage({ me }: { me: Me }) {
  const { t, i18n } = useTranslation();
  const networks = useQuery({
    queryKey: ['safety', 'networks'],
    queryFn: ({ signal }) => api<{ networks: Network[] }>('/safety/networks', { signal }),
  });
  const ownSchool = me.roles.find((g) => g.role === 'director')?.institutionId ?? null;
  return (
    <Page title={t('safetyAdmin.networksTitle')} intro={t('safetyAdmin.networksIntro')}>
      {networks.isPending ? <Loading /> : null}
      {networks.isError ? <ErrorBox error={networks.error} onRetry={() => void networks.refetch()} /> : null}
      <ul className="list">
        {networks.data?.networks.map((n) => (
          <li key={n.id}>
            <span className="what">{n.cidr}</span>
            <span className="meta">
              {t(`safetyAdmin.networkKind.${n.kind}`)}
              {ownSchool ? '' : ` · ${pick(n.school, i18n.language)}`}
              {n.note ? ` · ${n.note}` : ''}
            </span>
            <RemoveNetwork network={n} />
          </li>
        ))}
      </ul>
      {networks.data && networks.data.networks.length === 0 ? <p>{t('safetyAdmin.noNetworks')}</p> : null}
      <NewNetwork ownSchool={ownSchool} />
    </Page>
  );
}

function RemoveNetwork({ network }: { network: Network }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api(`/safety/networks/${network.id}?version=${network.version}`, { method: 'DELETE' }),
    onSettled: () => client.invalidateQueries({ queryKey: ['safety', 'networks'] }),
  });
  return (
    <>
      <button type="button" className="link" onClick={() => remove.mutate()} disabled={remove.isPending}>
        {t('safetyAdmin.remove')}
        <span className="visually-hidden"> {network.cidr}</span>
      </button>
      <Refusal error={remove.error} />
    </>
  );
}

interface SchoolItem {
  id: number;
  name: string;
}

function NewNetwork({ ownSchool }: { ownSchool: number | null }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const id = useId();
  const [q, setQ] = useState('');
  const [school, setSchool] = useState<number | null>(ownSchool);
  const [kind, setKind] = useState<(typeof KINDS)[number]>('pupils');
  const [cidr, setCidr] = useState('');
  const [note, setNote] = useState('');
  const schools = useQuery({
    queryKey: ['safety', 'schools', q],
    enabled: ownSchool === null && q.trim().length >= 2,
    queryFn: ({ signal }) =>
      api<{ items: { id: number; nameAz: string; nameRu: string; nameEn: string }[] }>(
        `/institutions?limit=20&q=${encodeURIComponent(q.trim())}`,
        { signal },
      ).then((r) =>
        r.items.map((s): SchoolItem => ({
          id: s.id,
          name: pick({ az: s.nameAz, ru: s.nameRu, en: s.nameEn }, i18n.language),
        })),
      ),
  });
  const create = useMutation({
    mutationFn: () =>
      api('/safety/networks', {
        method: 'POST',
        body: { institutionId: school, kind, cidr: cidr.trim(), note },
      }),
    onSuccess: async () => {
      setCidr('');
      setNote('');
      await client.invalidateQueries({ queryKey: ['safety', 'networks'] });
    },
  });
  return (
    <section aria-labelledby={`${id}-h`} className="card">
      <h2 id={`${id}-h`}>{t('safetyAdmin.newNetwork')}</h2>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        {ownSchool === null ? (
          <>
            <label htmlFor={`${id}-q`}>{t('safetyAdmin.findSchool')}</label>
            <input id={`${id}-q`} type="search" value={q} onChange={(e) => setQ(e.target.value)} />
            <label htmlFor={`${id}-s`}>{t('safetyAdmin.school')}</label>
            <select
              id={`${id}-s`}
              value={school ?? ''}
              onChange={(e) => setSchool(e.target.value ? Number(e.target.value) : null)}
              required
            >
              <option value="" />
              {schools.data?.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </>
        ) : null}
        <label htmlFor={`${id}-k`}>{t('safetyAdmin.networkKindLabel')}</label>
        <select
          id={`${id}-k`}
          value={kind}
          onChange={(e) => setKind(e.target.value as (typeof KINDS)[number])}
        >
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`safetyAdmin.networkKind.${k}`)}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-c`}>{t('safetyAdmin.range')}</label>
        <input
          id={`${id}-c`}
          value={cidr}
          onChange={(e) => setCidr(e.target.value)}
          placeholder="10.1.0.0/24"
          inputMode="text"
          autoCapitalize="off"
          spellCheck={false}
          required
        />
        <label htmlFor={`${id}-n`}>{t('safetyAdmin.note')}</label>
        <input id={`${id}-n`} value={note} onChange={(e) => setNote(e.target.value)} />
        <button type="submit" disabled={create.isPending || school === null}>
          {t('safetyAdmin.addNetwork')}
        </button>
        {create.isSuccess ? <p role="status">{t('safetyAdmin.saved')}</p> : null}
        <Refusal error={create.error} />
      </form>
    </section>
  );
}
