import { useState, type FormEvent, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import { useMe } from '@/web/session';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import {
  KINDS,
  STATUSES,
  TOPICS,
  figureText,
  pick,
  targetText,
  topicKey,
  type DocumentListRecord,
  type DocumentRecord,
  type PartnershipRecord,
  type PeerRecord,
  type TargetRecord,
  type TimelineRecord,
} from '@/web/policy/registry-common';
import '@/web/policy/registry.css';

/**
 * The public face of the registry of policies: the list with its filters and PEER's comparison answers, a
 * document with its targets' progress computed live, and the timeline. Anyone may read; the ministry's
 * editors get a link to change what they read.
 */

/** Whether the signed-in person keeps the registry (the ministry's bureau, the administrator). */
function useEditor(): boolean {
  const me = useMe();
  return !!me.data?.roles.some((g) => g.role === 'admin' || g.role === 'bureau');
}

/** The registry: documents found by kind, state, section or words; PEER's answers; partnerships. */
export function PolicyRegistryPage() {
  const { t } = useTranslation();
  const editor = useEditor();
  const [draft, setDraft] = useState({ kind: '', status: '', topic: '', q: '' });
  const [filter, setFilter] = useState(draft);
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== '')).toString();
  const list = useQuery({
    queryKey: ['policy', 'documents', query],
    queryFn: ({ signal }) =>
      api<DocumentListRecord>(`/policy/documents${query ? `?${query}` : ''}`, { signal }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFilter(draft);
  };
  return (
    <Page title={t('policyRegistry.title')} intro={t('policyRegistry.intro')}>
      <p className="policy-links">
        <Link to="/policies/timeline">{t('policyRegistry.timelineLink')}</Link>
        {editor ? <Link to="/policy/manage">{t('policyRegistry.manageLink')}</Link> : null}
      </p>
      <form
        className="form card policy-filter"
        onSubmit={submit}
        role="search"
        aria-label={t('policyRegistry.filter')}
      >
        <div className="field">
          <label htmlFor="policy-q">{t('policyRegistry.search')}</label>
          <input
            id="policy-q"
            type="search"
            maxLength={100}
            value={draft.q}
            onChange={(e) => setDraft({ ...draft, q: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="policy-kind">{t('policyRegistry.kindLabel')}</label>
          <select
            id="policy-kind"
            value={draft.kind}
            onChange={(e) => setDraft({ ...draft, kind: e.target.value })}
          >
            <option value="">{t('policyRegistry.any')}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`policyRegistry.kind.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="policy-status">{t('policyRegistry.statusLabel')}</label>
          <select
            id="policy-status"
            value={draft.status}
            onChange={(e) => setDraft({ ...draft, status: e.target.value })}
          >
            <option value="">{t('policyRegistry.any')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`policyRegistry.status.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="policy-topic">{t('policyRegistry.topicLabel')}</label>
          <select
            id="policy-topic"
            value={draft.topic}
            onChange={(e) => setDraft({ ...draft, topic: e.target.value })}
          >
            <option value="">{t('policyRegistry.any')}</option>
            {TOPICS.map((s) => (
              <option key={s} value={s}>
                {t(topicKey(s))}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t('policyRegistry.find')}</button>
      </form>
      <section aria-labelledby="policy-documents">
        <h2 id="policy-documents">{t('policyRegistry.documents')}</h2>
        {list.isPending ? <Loading /> : null}
        {list.isError ? <ErrorBox error={list.error} onRetry={() => void list.refetch()} /> : null}
        {list.data ? (
          <p role="status">{t('policyRegistry.found', { count: list.data.items.length })}</p>
        ) : null}
        <DocumentItems items={list.data?.items ?? []} />
      </section>
      <PeerSection />
      <PartnershipsSection />
    </Page>
  );
}

function DocumentItems({ items }: { items: DocumentListRecord['items'] }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  return (
    <ul className="list">
      {items.map((d) => (
        <li key={d.id} data-document={d.id}>
          <Link to={`/policies/${d.id}`} className="what">
            {pick(d.title, i18n.language)}
          </Link>
          <span className="meta">
            {t(`policyRegistry.kind.${d.kind}`)} · {pick(d.issuer, i18n.language)} ·{' '}
            <time dateTime={d.adoptedOn}>{f.date(d.adoptedOn)}</time> ·{' '}
            {t(`policyRegistry.status.${d.status}`)}
          </span>
          {d.targets > 0 ? (
            <span className="meta">
              {t('policyRegistry.targetsReached', {
                reached: f.number(d.targetsReached),
                total: f.number(d.targets),
              })}
            </span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** PEER's comparison questions, answered from the registry, so the country reads beside others. */
function PeerSection() {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const peer = useQuery({
    queryKey: ['policy', 'peer', i18n.language],
    queryFn: ({ signal }) => api<PeerRecord>('/policy/peer', { signal }),
  });
  return (
    <section aria-labelledby="policy-peer">
      <h2 id="policy-peer">{t('policyRegistry.peerTitle')}</h2>
      <p className="intro">{t('policyRegistry.peerIntro')}</p>
      {peer.isError ? <ErrorBox error={peer.error} onRetry={() => void peer.refetch()} /> : null}
      <ul className="list">
        {peer.data?.items.map((q) => (
          <li key={q.question} data-question={q.question}>
            <span className="what">
              {q.text}{' '}
              <span className={q.answer ? 'badge peer-yes' : 'badge peer-no'}>
                {q.answer ? t('policyRegistry.yes') : t('policyRegistry.no')}
              </span>
            </span>
            {q.documents.length > 0 ? (
              <ul className="policy-sublist">
                {q.documents.map((d) => (
                  <li key={d.id}>
                    <Link to={`/policies/${d.id}`}>{pick(d.title, i18n.language)}</Link>{' '}
                    <span className="meta">
                      ({f.date(d.adoptedOn)}, {t(`policyRegistry.status.${d.status}`)})
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <span className="meta">{t('policyRegistry.peerNone')}</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function PartnershipsSection() {
  const { t } = useTranslation();
  const list = useQuery({
    queryKey: ['policy', 'partnerships'],
    queryFn: ({ signal }) => api<{ items: PartnershipRecord[] }>('/policy/partnerships', { signal }),
  });
  return (
    <section aria-labelledby="policy-partnerships">
      <h2 id="policy-partnerships">{t('policyRegistry.partnerships')}</h2>
      {list.isError ? <ErrorBox error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.data?.items.length === 0 ? <p>{t('policyRegistry.noPartnerships')}</p> : null}
      <PartnershipItems items={list.data?.items ?? []} />
    </section>
  );
}

/** Partnerships as a list: who, what they gave, how many, when. */
export function PartnershipItems({ items }: { items: PartnershipRecord[] }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  return (
    <ul className="list">
      {items.map((p) => (
        <li key={p.id} data-partnership={p.id}>
          <span className="what">{p.partner}</span>
          <span>{pick(p.contribution, i18n.language)}</span>
          <span className="meta">
            <time dateTime={p.startedOn}>{f.date(p.startedOn)}</time>
            {p.endedOn ? (
              <>
                {' – '}
                <time dateTime={p.endedOn}>{f.date(p.endedOn)}</time>
              </>
            ) : null}
            {p.quantity !== null ? ` · ${t('policyRegistry.quantity', { n: f.number(p.quantity) })}` : null}
            {p.documentTitle && p.documentId !== null ? (
              <>
                {' · '}
                <Link to={`/policies/${p.documentId}`}>{pick(p.documentTitle, i18n.language)}</Link>
              </>
            ) : null}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** A document: what it is, its targets with their progress now, and the partnerships made under it. */
export function PolicyDocumentPage({ id }: { id: number }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const editor = useEditor();
  const doc = useQuery({
    queryKey: ['policy', 'document', id, i18n.language],
    queryFn: ({ signal }) => api<DocumentRecord>(`/policy/documents/${id}`, { signal }),
  });
  if (doc.isPending) return <Loading />;
  if (doc.isError) return <ErrorBox error={doc.error} onRetry={() => void doc.refetch()} />;
  const d = doc.data;
  const lang = i18n.language;
  return (
    <Page title={pick(d.title, lang)}>
      <p className="policy-links">
        <Link to="/policies">{t('policyRegistry.backToList')}</Link>
        {editor ? <Link to={`/policy/manage/${d.id}`}>{t('policyRegistry.edit')}</Link> : null}
      </p>
      <dl className="record policy-record">
        <div>
          <dt>{t('policyRegistry.kindLabel')}</dt>
          <dd>{t(`policyRegistry.kind.${d.kind}`)}</dd>
        </div>
        <div>
          <dt>{t('policyRegistry.statusLabel')}</dt>
          <dd>{t(`policyRegistry.status.${d.status}`)}</dd>
        </div>
        <div>
          <dt>{t('policyRegistry.issuer')}</dt>
          <dd>{pick(d.issuer, lang)}</dd>
        </div>
        {d.number ? (
          <div>
            <dt>{t('policyRegistry.number')}</dt>
            <dd>{d.number}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t('policyRegistry.adoptedOn')}</dt>
          <dd>{f.date(d.adoptedOn)}</dd>
        </div>
        {d.amendedOn ? (
          <div>
            <dt>{t('policyRegistry.amendedOn')}</dt>
            <dd>{f.date(d.amendedOn)}</dd>
          </div>
        ) : null}
        {d.periodStart || d.periodEnd ? (
          <div>
            <dt>{t('policyRegistry.period')}</dt>
            <dd>
              {d.periodStart ? f.date(d.periodStart) : '…'} – {d.periodEnd ? f.date(d.periodEnd) : '…'}
            </dd>
          </div>
        ) : null}
        {d.topics.length > 0 ? (
          <div>
            <dt>{t('policyRegistry.topicsLabel')}</dt>
            <dd>{d.topics.map((s) => t(topicKey(s))).join('; ')}</dd>
          </div>
        ) : null}
      </dl>
      {pick(d.summary, lang) ? <p>{pick(d.summary, lang)}</p> : null}
      {d.url ? (
        <p>
          <a href={d.url} rel="noopener noreferrer" target="_blank">
            {t('policyRegistry.officialText')}
          </a>
        </p>
      ) : null}
      <section aria-labelledby="policy-targets">
        <h2 id="policy-targets">{t('policyRegistry.targets')}</h2>
        {d.targets.length === 0 ? <p>{t('policyRegistry.noTargets')}</p> : null}
        <ul className="list">
          {d.targets.map((tg) => (
            <TargetItem key={tg.id} target={tg} />
          ))}
        </ul>
      </section>
      {d.partnerships.length > 0 ? (
        <section aria-labelledby="policy-doc-partnerships">
          <h2 id="policy-doc-partnerships">{t('policyRegistry.partnerships')}</h2>
          <PartnershipItems items={d.partnerships} />
        </section>
      ) : null}
    </Page>
  );
}

/** A target with its progress now: where the live figure stands between the baseline and the goal. */
export function TargetItem({ target: tg, children }: { target: TargetRecord; children?: ReactNode }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const unit = tg.figure.unit;
  const none = t('policyRegistry.unknown');
  const percent = tg.progress === null ? null : Math.round(tg.progress * 100);
  return (
    <li data-target={tg.id}>
      <span className="what">{pick(tg.description, i18n.language)}</span>
      <span className="meta">{t('policyRegistry.measuredBy', { figure: tg.figure.label })}</span>
      <span>
        {t('policyRegistry.fromTo', {
          baseline: targetText(f, tg.baseline, unit, none),
          target: targetText(f, tg.target, unit, none),
        })}
        {tg.dueOn ? ` · ${t('policyRegistry.due', { date: f.date(tg.dueOn) })}` : null}
      </span>
      <span className="policy-now">
        {t('policyRegistry.now', { value: targetText(f, tg.current, unit, none) })}{' '}
        {tg.reached ? (
          <span className="badge peer-yes">{t('policyRegistry.reached')}</span>
        ) : tg.overdue ? (
          <span className="badge policy-overdue">{t('policyRegistry.overdue')}</span>
        ) : null}
      </span>
      {percent !== null ? (
        <span className="policy-progress">
          <progress
            max={100}
            value={percent}
            aria-label={t('policyRegistry.progressOf', { what: pick(tg.description, i18n.language) })}
          />{' '}
          <span data-progress={percent}>{t('policyRegistry.progress', { percent: f.number(percent) })}</span>
        </span>
      ) : (
        <span className="meta">{t('policyRegistry.noProgress')}</span>
      )}
      <details className="policy-source">
        <summary>{t('policyRegistry.source')}</summary>
        <p>
          {tg.figure.source} · {t('policyRegistry.asOf', { date: f.date(tg.figure.asOf) })}
        </p>
        <p>
          {t('policyRegistry.figureNow', {
            value: figureText(f, tg.figure.value, unit, none),
          })}
        </p>
        <p>{tg.figure.query}</p>
      </details>
      {children}
    </li>
  );
}

/** The timeline: each year's adoptions, amendments, programme periods and partnerships, newest year first. */
export function PolicyTimelinePage() {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const timeline = useQuery({
    queryKey: ['policy', 'timeline'],
    queryFn: ({ signal }) => api<TimelineRecord>('/policy/timeline', { signal }),
  });
  return (
    <Page title={t('policyRegistry.timelineTitle')} intro={t('policyRegistry.timelineIntro')}>
      <p className="policy-links">
        <Link to="/policies">{t('policyRegistry.backToList')}</Link>
      </p>
      {timeline.isPending ? <Loading /> : null}
      {timeline.isError ? <ErrorBox error={timeline.error} onRetry={() => void timeline.refetch()} /> : null}
      <ol className="policy-timeline">
        {timeline.data?.years.map((y) => (
          <li key={y.year}>
            <h2>{y.year}</h2>
            <ul className="list">
              {y.events.map((e, i) => (
                <li
                  key={`${e.event}-${e.documentId ?? ''}-${e.partnershipId ?? ''}-${i}`}
                  data-event={e.event}
                >
                  <span className="meta">
                    <time dateTime={e.date}>{f.date(e.date)}</time> · {t(`policyRegistry.event.${e.event}`)}
                    {e.kind ? ` · ${t(`policyRegistry.kind.${e.kind}`)}` : null}
                  </span>
                  {e.event === 'partnership' ? (
                    <span>
                      <strong>{e.partner}</strong>: {pick(e.title, i18n.language)}
                    </span>
                  ) : (
                    <Link to={`/policies/${e.documentId}`} className="what">
                      {pick(e.title, i18n.language)}
                    </Link>
                  )}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    </Page>
  );
}
