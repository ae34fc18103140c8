import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { CreatedUser, UserPage as UserPageSchema, UserView } from '@/modules/identity/identity.schema';
import { api, type AreaRecord, type AuditRecord, type InstitutionRecord, type Role } from '@/web/api';
import { useFormat } from '@/web/format';
import { localName } from '@/web/i18n';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { Field, FormError, problemsOf } from '@/web/components/field';
import { AuditList } from '@/web/components/audit-list';

type User = Static<typeof UserView>;
type UserList = Static<typeof UserPageSchema>;
type Created = Static<typeof CreatedUser>;

const ROLES: Role[] = ['admin', 'bureau', 'editor', 'regional', 'director', 'teacher', 'student', 'parent'];
/** The kind of scope each role is held in (the server's ROLE_SCOPE). */
const SCOPE: Record<Role, 'nation' | 'area' | 'institution' | 'children'> = {
  admin: 'nation',
  bureau: 'nation',
  editor: 'nation',
  regional: 'area',
  director: 'institution',
  teacher: 'institution',
  student: 'institution',
  parent: 'children',
};
const PAGE = 20;

interface GrantDraft {
  role: Role | '';
  areaId: number | null;
  institutionId: number | null;
}

function useAreas() {
  return useQuery({ queryKey: ['areas'], queryFn: () => api<AreaRecord[]>('/areas'), staleTime: 600_000 });
}

/** Areas as one list, each under its parent (indented by its depth), for a select. */
function AreaOptions({ areas }: { areas: AreaRecord[] }) {
  const { i18n } = useTranslation();
  const sorted = [...areas].sort((a, b) =>
    a.path.join('.').localeCompare(b.path.join('.'), 'en', { numeric: true }),
  );
  return (
    <>
      {sorted.map((a) => (
        <option key={a.id} value={a.id}>
          {'\u00a0'.repeat((a.path.length - 1) * 2)}
          {localName(a, i18n.language)}
        </option>
      ))}
    </>
  );
}

/** Finds an institution by name or code and picks one of the first twenty found. */
function InstitutionPicker({
  value,
  onChange,
  label,
  errors,
}: {
  value: number | null;
  onChange: (id: number | null) => void;
  label: string;
  errors?: string[];
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const [query, setQuery] = useState('');
  const found = useQuery({
    queryKey: ['institutions', 'pick', query],
    queryFn: ({ signal }) =>
      api<{ total: number; items: InstitutionRecord[] }>(
        `/institutions?limit=20&q=${encodeURIComponent(query.trim())}`,
        { signal },
      ),
    enabled: query.trim().length >= 2,
  });
  return (
    <>
      <Field id={`${id}-q`} label={t('users.findSchool')} hint={t('users.schoolQuery')}>
        {(a11y) => <input {...a11y} type="search" value={query} onChange={(e) => setQuery(e.target.value)} />}
      </Field>
      <Field id={`${id}-pick`} label={label} errors={errors}>
        {(a11y) => (
          <select
            {...a11y}
            value={value ?? ''}
            onChange={(e) => onChange(e.target.value ? Number(e.target.value) : null)}
          >
            <option value="">{t('users.chooseSchool')}</option>
            {found.data?.items.map((s) => (
              <option key={s.id} value={s.id}>
                {localName(s, i18n.language)} ({s.code})
              </option>
            ))}
          </select>
        )}
      </Field>
    </>
  );
}

/** A role and where it is held: nowhere more to say for national roles, an area, or an institution. */
function GrantFields({
  draft,
  onChange,
  errors,
  allowNone,
}: {
  draft: GrantDraft;
  onChange: (draft: GrantDraft) => void;
  errors: Map<string, string[]>;
  allowNone?: boolean;
}) {
  const { t } = useTranslation();
  const id = useId();
  const areas = useAreas();
  const scope = draft.role ? SCOPE[draft.role] : null;
  return (
    <>
      <Field id={`${id}-role`} label={t('users.firstRole')} errors={errors.get('role')}>
        {(a11y) => (
          <select
            {...a11y}
            value={draft.role}
            onChange={(e) =>
              onChange({ role: e.target.value as Role | '', areaId: null, institutionId: null })
            }
          >
            <option value="">{allowNone ? t('users.noRole') : t('users.chooseRole')}</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`users.roleName.${r}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      {scope === 'nation' ? <p className="hint">{t('users.scopeNation')}</p> : null}
      {scope === 'children' ? <p className="hint">{t('users.scopeChildren')}</p> : null}
      {scope === 'area' ? (
        <Field id={`${id}-area`} label={t('users.scopeArea')} errors={errors.get('areaId')}>
          {(a11y) => (
            <select
              {...a11y}
              value={draft.areaId ?? ''}
              onChange={(e) => onChange({ ...draft, areaId: e.target.value ? Number(e.target.value) : null })}
            >
              <option value="">{t('users.chooseArea')}</option>
              {areas.data ? <AreaOptions areas={areas.data} /> : null}
            </select>
          )}
        </Field>
      ) : null}
      {scope === 'institution' ? (
        <InstitutionPicker
          label={t('users.scopeSchool')}
          value={draft.institutionId}
          errors={errors.get('institutionId')}
          onChange={(institutionId) => onChange({ ...draft, institutionId })}
        />
      ) : null}
    </>
  );
}

/** What a grant draft lacks, by field, checked before sending. */
function draftProblems(draft: GrantDraft, t: (key: string) => string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!draft.role) return out;
  if (SCOPE[draft.role] === 'area' && draft.areaId === null) out.set('areaId', [t('users.scopeMissing')]);
  if (SCOPE[draft.role] === 'institution' && draft.institutionId === null)
    out.set('institutionId', [t('users.scopeMissing')]);
  return out;
}

/** The one-time temporary password, shown once with what to do with it. */
function TemporaryPassword({ password }: { password: string }) {
  const { t } = useTranslation();
  return (
    <div className="saved" role="status">
      <p>
        <strong>{t('users.temporary')}</strong> <code className="temporary-password">{password}</code>
      </p>
      <p>{t('users.temporaryHint')}</p>
    </div>
  );
}

function RoleList({ user }: { user: User }) {
  const { t } = useTranslation();
  if (user.grants.length === 0) return <>{t('users.noRoles')}</>;
  return (
    <>
      {user.grants
        .map((g) =>
          g.scopeName ? `${t(`users.roleName.${g.role}`)} — ${g.scopeName}` : t(`users.roleName.${g.role}`),
        )
        .join('; ')}
    </>
  );
}

function CreateUser() {
  const { t } = useTranslation();
  const id = useId();
  const client = useQueryClient();
  const [form, setForm] = useState({
    username: '',
    displayName: '',
    locale: 'az',
    typed: false,
    password: '',
  });
  const [draft, setDraft] = useState<GrantDraft>({ role: '', areaId: null, institutionId: null });
  const [local, setLocal] = useState<Map<string, string[]>>(new Map());
  const create = useMutation({
    mutationFn: () =>
      api<Created>('/users', {
        method: 'POST',
        body: {
          username: form.username.trim(),
          displayName: form.displayName.trim(),
          locale: form.locale,
          ...(form.typed ? { password: form.password } : {}),
          grants: draft.role
            ? [{ role: draft.role, areaId: draft.areaId, institutionId: draft.institutionId }]
            : [],
        },
      }),
    onSuccess: async () => {
      setForm({ username: '', displayName: '', locale: 'az', typed: false, password: '' });
      setDraft({ role: '', areaId: null, institutionId: null });
      await client.invalidateQueries({ queryKey: ['users'] });
    },
  });
  const fields = ['username', 'displayName', 'password', 'grants', 'areaId', 'institutionId'];
  const server = create.isError
    ? problemsOf(create.error, fields)
    : { byField: new Map<string, string[]>(), rest: [] };
  const errors = (name: string) => local.get(name) ?? server.byField.get(name);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problems = draftProblems(draft, t);
    if (!form.username.trim()) problems.set('username', [t('users.required')]);
    if (!form.displayName.trim()) problems.set('displayName', [t('users.required')]);
    if (form.typed && !form.password) problems.set('password', [t('users.required')]);
    setLocal(problems);
    if (problems.size > 0) {
      const first = ['username', 'displayName', 'password', 'areaId', 'institutionId'].find((f) =>
        problems.has(f),
      );
      document
        .querySelector<HTMLElement>(`[data-field="${first}"] input, [data-field="${first}"] select`)
        ?.focus();
      return;
    }
    create.mutate();
  };
  return (
    <details className="card create-user">
      <summary>
        <h2>{t('users.createTitle')}</h2>
      </summary>
      <form className="form" onSubmit={submit} noValidate>
        <div data-field="username">
          <Field
            id={`${id}-username`}
            label={t('users.username')}
            hint={t('users.usernameHint')}
            errors={errors('username')}
          >
            {(a11y) => (
              <input
                {...a11y}
                name="username"
                autoCapitalize="none"
                autoComplete="off"
                spellCheck={false}
                value={form.username}
                onChange={(e) => setForm({ ...form, username: e.target.value })}
              />
            )}
          </Field>
        </div>
        <div data-field="displayName">
          <Field id={`${id}-name`} label={t('users.displayName')} errors={errors('displayName')}>
            {(a11y) => (
              <input
                {...a11y}
                name="displayName"
                value={form.displayName}
                onChange={(e) => setForm({ ...form, displayName: e.target.value })}
              />
            )}
          </Field>
        </div>
        <Field id={`${id}-locale`} label={t('users.language')}>
          {(a11y) => (
            <select
              {...a11y}
              value={form.locale}
              onChange={(e) => setForm({ ...form, locale: e.target.value })}
            >
              <option value="az" lang="az">
                Azərbaycanca
              </option>
              <option value="ru" lang="ru">
                Русский
              </option>
              <option value="en" lang="en">
                English
              </option>
            </select>
          )}
        </Field>
        <Field id={`${id}-mode`} label={t('users.passwordMode')}>
          {(a11y) => (
            <select
              {...a11y}
              value={form.typed ? 'typed' : 'temporary'}
              onChange={(e) => setForm({ ...form, typed: e.target.value === 'typed' })}
            >
              <option value="temporary">{t('users.passwordGenerate')}</option>
              <option value="typed">{t('users.passwordType')}</option>
            </select>
          )}
        </Field>
        {form.typed ? (
          <div data-field="password">
            <Field
              id={`${id}-password`}
              label={t('users.password')}
              hint={t('users.passwordHint')}
              errors={errors('password')}
            >
              {(a11y) => (
                <input
                  {...a11y}
                  type="password"
                  autoComplete="new-password"
                  value={form.password}
                  onChange={(e) => setForm({ ...form, password: e.target.value })}
                />
              )}
            </Field>
          </div>
        ) : null}
        <div data-field="areaId">
          <div data-field="institutionId">
            <GrantFields
              draft={draft}
              onChange={setDraft}
              allowNone
              errors={new Map([...server.byField, ...local])}
            />
          </div>
        </div>
        {create.isError ? <FormError error={create.error} rest={server.rest} /> : null}
        <button type="submit" disabled={create.isPending}>
          {t('users.create')}
        </button>
      </form>
      {create.data ? (
        <div>
          <p role="status">
            {t('users.created', { name: create.data.user.displayName })}{' '}
            <Link to={`/admin/users/${create.data.user.id}`}>{create.data.user.displayName}</Link>
          </p>
          {create.data.temporaryPassword ? (
            <TemporaryPassword password={create.data.temporaryPassword} />
          ) : null}
        </div>
      ) : null}
    </details>
  );
}

/** The users page: find people by name, role and place; create an account. */
export function UsersPage() {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const id = useId();
  const areas = useAreas();
  const [filter, setFilter] = useState({ q: '', role: '', areaId: '', status: '' });
  const [applied, setApplied] = useState(filter);
  const [limit, setLimit] = useState(PAGE);
  const params = new URLSearchParams({ limit: String(limit) });
  for (const [k, v] of Object.entries(applied)) if (v.trim()) params.set(k, v.trim());
  const list = useQuery({
    queryKey: ['users', params.toString()],
    queryFn: ({ signal }) => api<UserList>(`/users?${params.toString()}`, { signal }),
    placeholderData: (previous) => previous,
  });
  const search = (e: FormEvent) => {
    e.preventDefault();
    setLimit(PAGE);
    setApplied(filter);
  };
  return (
    <Page title={t('users.title')} intro={t('users.intro')}>
      <CreateUser key={i18n.language} />
      <form className="card form" role="search" onSubmit={search} aria-label={t('users.search')}>
        <Field id={`${id}-q`} label={t('users.query')}>
          {(a11y) => (
            <input
              {...a11y}
              type="search"
              name="q"
              value={filter.q}
              onChange={(e) => setFilter({ ...filter, q: e.target.value })}
            />
          )}
        </Field>
        <Field id={`${id}-role`} label={t('users.role')}>
          {(a11y) => (
            <select
              {...a11y}
              value={filter.role}
              onChange={(e) => setFilter({ ...filter, role: e.target.value })}
            >
              <option value="">{t('users.anyRole')}</option>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`users.roleName.${r}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={`${id}-area`} label={t('users.area')}>
          {(a11y) => (
            <select
              {...a11y}
              value={filter.areaId}
              onChange={(e) => setFilter({ ...filter, areaId: e.target.value })}
            >
              <option value="">{t('users.anyArea')}</option>
              {areas.data ? <AreaOptions areas={areas.data} /> : null}
            </select>
          )}
        </Field>
        <Field id={`${id}-status`} label={t('users.status')}>
          {(a11y) => (
            <select
              {...a11y}
              value={filter.status}
              onChange={(e) => setFilter({ ...filter, status: e.target.value })}
            >
              <option value="">{t('users.anyStatus')}</option>
              <option value="active">{t('users.active')}</option>
              <option value="disabled">{t('users.disabled')}</option>
            </select>
          )}
        </Field>
        <button type="submit">{t('users.search')}</button>
      </form>

      {list.isPending ? <Loading /> : null}
      {list.isError ? <ErrorBox error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.data ? (
        <section aria-live="polite">
          <p>{t('users.found', { count: list.data.total })}</p>
          {list.data.items.length === 0 ? <p>{t('users.noneFound')}</p> : null}
          <ul className="list users">
            {list.data.items.map((u) => (
              <li key={u.id}>
                <Link to={`/admin/users/${u.id}`} className="what">
                  {u.displayName}
                </Link>
                <span className="meta">
                  {u.username}
                  {u.status === 'disabled' ? ` · ${t('users.disabled')}` : ''}
                </span>
                <span className="meta">
                  <RoleList user={u} />
                </span>
                <span className="meta">
                  {u.lastActiveOn
                    ? t('users.lastActive', { date: f.date(u.lastActiveOn) })
                    : t('users.neverActive')}
                </span>
              </li>
            ))}
          </ul>
          {list.data.total > list.data.items.length ? (
            <button type="button" className="secondary" onClick={() => setLimit(Math.min(limit + PAGE, 200))}>
              {t('users.more')}
            </button>
          ) : null}
        </section>
      ) : null}
    </Page>
  );
}

/** One person: their roles (give, take back), a password reset, deactivation, and the changes made to them. */
export function UserPage({ id }: { id: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const formId = useId();
  const client = useQueryClient();
  const user = useQuery({ queryKey: ['users', 'one', id], queryFn: () => api<User>(`/users/${id}`) });
  const log = useQuery({
    queryKey: ['audit', 'user', id],
    queryFn: () => api<AuditRecord[]>(`/audit?entity=user&entityId=${id}&limit=20`),
  });
  const refresh = async (fresh: User) => {
    client.setQueryData(['users', 'one', id], fresh);
    await client.invalidateQueries({ queryKey: ['audit'] });
    await client.invalidateQueries({ queryKey: ['users'], exact: false });
  };
  const [draft, setDraft] = useState<GrantDraft>({ role: '', areaId: null, institutionId: null });
  const [local, setLocal] = useState<Map<string, string[]>>(new Map());
  const [typed, setTyped] = useState('');
  /** The role being taken back or the deactivation, while its confirmation is asked. */
  const [asking, setAsking] = useState<{ grantId: number } | 'deactivate' | null>(null);
  const grant = useMutation({
    mutationFn: () => api<User>(`/users/${id}/grants`, { method: 'POST', body: draft }),
    onSuccess: async (fresh) => {
      setDraft({ role: '', areaId: null, institutionId: null });
      await refresh(fresh);
    },
  });
  const revoke = useMutation({
    mutationFn: (grantId: number) => api<User>(`/users/${id}/grants/${grantId}`, { method: 'DELETE' }),
    onSuccess: refresh,
  });
  const status = useMutation({
    mutationFn: (value: 'active' | 'disabled') =>
      api<User>(`/users/${id}/status`, { method: 'POST', body: { status: value } }),
    onSuccess: refresh,
  });
  const reset = useMutation({
    mutationFn: (password: string | null) =>
      api<{ temporaryPassword: string | null }>(`/users/${id}/password`, {
        method: 'POST',
        body: password === null ? {} : { password },
      }),
    onSuccess: async () => {
      setTyped('');
      await client.invalidateQueries({ queryKey: ['audit'] });
    },
  });
  const grantServer = grant.isError ? problemsOf(grant.error, ['role', 'areaId', 'institutionId']) : null;
  const resetServer = reset.isError ? problemsOf(reset.error, ['password']) : null;
  const submitGrant = (e: FormEvent) => {
    e.preventDefault();
    const problems = draftProblems(draft, t);
    if (!draft.role) problems.set('role', [t('users.required')]);
    setLocal(problems);
    if (problems.size === 0) grant.mutate();
  };

  if (user.isPending) return <Loading />;
  if (user.isError) return <ErrorBox error={user.error} onRetry={() => void user.refetch()} />;
  const u = user.data;
  return (
    <Page
      title={u.displayName}
      intro={`${u.username} · ${t('users.statusNow', { status: t(`users.${u.status}`) })}`}
    >
      <p>
        <Link to="/admin/users">{t('users.back')}</Link>
      </p>
      <section className="card" aria-labelledby={`${formId}-roles`}>
        <h2 id={`${formId}-roles`}>{t('users.roles')}</h2>
        {u.grants.length === 0 ? <p>{t('users.noRoles')}</p> : null}
        <ul className="list">
          {u.grants.map((g) => {
            const role = t(`users.roleName.${g.role}`);
            const scope =
              g.scopeName ?? (g.role === 'parent' ? t('users.scopeChildren') : t('users.scopeNation'));
            return (
              <li key={g.id}>
                <span className="what">{role}</span>
                <span className="meta">{scope}</span>
                {asking !== null && asking !== 'deactivate' && asking.grantId === g.id ? (
                  <Confirm
                    question={t('users.revokeConfirm', { role, scope, name: u.displayName })}
                    action={t('users.revokeLabel', { role, scope })}
                    busy={revoke.isPending}
                    onConfirm={() => revoke.mutate(g.id, { onSettled: () => setAsking(null) })}
                    onCancel={() => setAsking(null)}
                  />
                ) : (
                  <div className="row-buttons">
                    <button
                      type="button"
                      className="secondary small"
                      disabled={revoke.isPending}
                      aria-label={t('users.revokeLabel', { role, scope })}
                      onClick={() => setAsking({ grantId: g.id })}
                    >
                      {t('users.revoke')}
                    </button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
        {revoke.isError ? <ErrorBox error={revoke.error} /> : null}
        <form className="form" onSubmit={submitGrant} noValidate aria-labelledby={`${formId}-grant`}>
          <h3 id={`${formId}-grant`}>{t('users.grantTitle')}</h3>
          <GrantFields
            draft={draft}
            onChange={setDraft}
            errors={new Map([...(grantServer?.byField ?? []), ...local])}
          />
          {grant.isError ? <FormError error={grant.error} rest={grantServer?.rest ?? []} /> : null}
          <button type="submit" disabled={grant.isPending}>
            {t('users.grant')}
          </button>
          {grant.isSuccess ? <p role="status">{t('users.granted')}</p> : null}
        </form>
      </section>

      <section className="card" aria-labelledby={`${formId}-pw`}>
        <h2 id={`${formId}-pw`}>{t('users.passwordTitle')}</h2>
        <p className="hint">{t('users.passwordResetHint')}</p>
        <div className="row-buttons">
          <button
            type="button"
            className="secondary"
            disabled={reset.isPending}
            onClick={() => reset.mutate(null)}
          >
            {t('users.resetGenerate')}
          </button>
        </div>
        <form
          className="form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            reset.mutate(typed);
          }}
        >
          <Field
            id={`${formId}-new`}
            label={t('users.newPassword')}
            hint={t('users.passwordHint')}
            errors={resetServer?.byField.get('password')}
          >
            {(a11y) => (
              <input
                {...a11y}
                type="password"
                autoComplete="new-password"
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
              />
            )}
          </Field>
          <button type="submit" className="secondary" disabled={reset.isPending || typed === ''}>
            {t('users.resetTyped')}
          </button>
        </form>
        {reset.isError ? <FormError error={reset.error} rest={resetServer?.rest ?? []} /> : null}
        {reset.data?.temporaryPassword ? <TemporaryPassword password={reset.data.temporaryPassword} /> : null}
        {reset.data && !reset.data.temporaryPassword ? <p role="status">{t('users.passwordSet')}</p> : null}
      </section>

      <section className="card" aria-labelledby={`${formId}-account`}>
        <h2 id={`${formId}-account`}>{t('users.accountTitle')}</h2>
        <p>
          {u.lastActiveOn ? t('users.lastActive', { date: f.date(u.lastActiveOn) }) : t('users.neverActive')}
        </p>
        {u.status === 'active' ? (
          <>
            <p className="hint">{t('users.deactivateHint')}</p>
            {asking === 'deactivate' ? (
              <Confirm
                question={t('users.deactivateConfirm', { name: u.displayName })}
                action={t('users.deactivate')}
                busy={status.isPending}
                onConfirm={() => status.mutate('disabled', { onSettled: () => setAsking(null) })}
                onCancel={() => setAsking(null)}
              />
            ) : (
              <button
                type="button"
                className="secondary"
                disabled={status.isPending}
                onClick={() => setAsking('deactivate')}
              >
                {t('users.deactivate')}
              </button>
            )}
          </>
        ) : (
          <button type="button" disabled={status.isPending} onClick={() => status.mutate('active')}>
            {t('users.reactivate')}
          </button>
        )}
        {status.isError ? <ErrorBox error={status.error} /> : null}
      </section>

      <section aria-labelledby={`${formId}-log`}>
        <h2 id={`${formId}-log`}>{t('users.log')}</h2>
        {log.isPending ? <Loading /> : null}
        {log.isError ? <ErrorBox error={log.error} onRetry={() => void log.refetch()} /> : null}
        {log.data ? <AuditList entries={log.data} /> : null}
      </section>
    </Page>
  );
}

/**
 * An inline question before a change that locks someone out or takes a right away: the question, the change
 * as its button (which takes the focus, so a keyboard or screen-reader user lands on it), and Cancel.
 */
function Confirm({
  question,
  action,
  onConfirm,
  onCancel,
  busy,
}: {
  question: string;
  action: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy: boolean;
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
