import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import type { Static } from 'typebox';
import type { Changes, EditionList, Profile } from '@/modules/policy/policy.profile.schema';
import { api } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import '@/web/policy/profile.css';

/**
 * The country profile for anyone (`src/modules/policy/policy.profile.*`): the live profile in the PEER outline,
 * its published editions, one edition as it was, and what changed between them. Section 2.1 answers PEER's
 * comparison questions from the registry. Every figure shows its source
 * and day, and how it was computed on demand (in words: the exact query is in the JSON, for the statistician,
 * never shown to a reader); the PDF and the JSON are a link away, in the page's language.
 */

export type ProfileRecord = Static<typeof Profile>;
export type ChangesRecord = Static<typeof Changes>;
export type EditionListRecord = Static<typeof EditionList>;

/** Where the pages live. */
export const PROFILE_PATH = '/country-profile';
export const EDITIONS_PATH = '/country-profile/editions';
export const editionPath = (n: number) => `/country-profile/editions/${n}`;

/** The language the page shows: the one the files are asked for in. */
function useLang(): string {
  const { i18n } = useTranslation();
  return i18n.resolvedLanguage ?? i18n.language ?? 'az';
}

export function useLiveProfile() {
  const lang = useLang();
  return useQuery({
    queryKey: ['policyProfile', 'live', lang],
    queryFn: ({ signal }) => api<ProfileRecord>(`/policy/profile?lang=${lang}`, { signal }),
  });
}

export function useChangesSinceLatest() {
  const lang = useLang();
  return useQuery({
    queryKey: ['policyProfile', 'changes', lang],
    queryFn: ({ signal }) => api<ChangesRecord>(`/policy/profile/changes?lang=${lang}`, { signal }),
  });
}

export function useEditions() {
  const lang = useLang();
  return useQuery({
    queryKey: ['policyProfile', 'editions', lang],
    queryFn: ({ signal }) => api<EditionListRecord>(`/policy/profile/editions?lang=${lang}`, { signal }),
  });
}

/** The live profile, generated as the page opens. */
export function ProfilePage() {
  const { t } = useTranslation();
  const f = useFormat();
  const lang = useLang();
  const profile = useLiveProfile();
  return (
    <Page title={t('policyProfile.title')} intro={t('policyProfile.intro')}>
      {profile.isPending ? <Loading /> : null}
      {profile.isError ? <ErrorBox error={profile.error} onRetry={() => void profile.refetch()} /> : null}
      {profile.data ? (
        <>
          <p className="note">
            {t('policyProfile.liveNote', { when: f.dateTime(profile.data.generatedAt) })}
          </p>
          <Downloads pdf={`/api/policy/profile/pdf?lang=${lang}`} json={`/api/policy/profile?lang=${lang}`} />
          <p>
            <Link to={EDITIONS_PATH}>{t('policyProfile.editionsLink')}</Link>
          </p>
          <ProfileBody profile={profile.data} />
        </>
      ) : null}
    </Page>
  );
}

/** The published editions, newest first, and what the live profile changed since the newest. */
export function EditionsPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const lang = useLang();
  const editions = useEditions();
  const changes = useChangesSinceLatest();
  return (
    <Page title={t('policyProfile.editionsTitle')} intro={t('policyProfile.editionsIntro')}>
      <p>
        <Link to={PROFILE_PATH}>{t('policyProfile.liveLink')}</Link>
      </p>
      <section aria-labelledby="profile-editions">
        <h2 id="profile-editions">{t('policyProfile.editions')}</h2>
        {editions.isPending ? <Loading /> : null}
        {editions.isError ? (
          <ErrorBox error={editions.error} onRetry={() => void editions.refetch()} />
        ) : null}
        {editions.data?.items.length === 0 ? <p>{t('policyProfile.noEditions')}</p> : null}
        <ul className="list">
          {editions.data?.items.map((e) => (
            <li key={e.number}>
              <Link to={editionPath(e.number)} className="what">
                {t('policyProfile.editionName', { number: f.number(e.number) })}
              </Link>
              <span className="meta">{t('policyProfile.publishedOn', { date: f.date(e.publishedAt) })}</span>
              {e.note ? <span>{e.note}</span> : null}
              <a href={`/api/policy/profile/editions/${e.number}/pdf?lang=${lang}`} download>
                {t('policyProfile.pdfOf', { number: f.number(e.number) })}
              </a>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="profile-since">
        <h2 id="profile-since">{t('policyProfile.sinceLatest')}</h2>
        {changes.isPending ? <Loading /> : null}
        {changes.isError ? <ErrorBox error={changes.error} onRetry={() => void changes.refetch()} /> : null}
        {changes.data ? <ChangeList changes={changes.data} /> : null}
      </section>
    </Page>
  );
}

/** One edition as it was published, and what it changed since the edition before it. */
export function EditionPage({ id }: { id: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const lang = useLang();
  const edition = useQuery({
    queryKey: ['policyProfile', 'edition', id, lang],
    queryFn: ({ signal }) => api<ProfileRecord>(`/policy/profile/editions/${id}?lang=${lang}`, { signal }),
  });
  const changes = useQuery({
    queryKey: ['policyProfile', 'editionChanges', id, lang],
    queryFn: ({ signal }) =>
      api<ChangesRecord>(`/policy/profile/editions/${id}/changes?lang=${lang}`, { signal }),
  });
  const e = edition.data?.edition;
  return (
    <Page title={t('policyProfile.editionTitle', { number: f.number(id) })}>
      <p>
        <Link to={EDITIONS_PATH}>{t('policyProfile.editionsLink')}</Link>
      </p>
      {edition.isPending ? <Loading /> : null}
      {edition.isError ? <ErrorBox error={edition.error} onRetry={() => void edition.refetch()} /> : null}
      {edition.data && e ? (
        <>
          <p className="note">
            {t('policyProfile.publishedOn', { date: f.date(e.publishedAt) })}
            {e.note ? ` · ${e.note}` : ''}
          </p>
          <Downloads
            pdf={`/api/policy/profile/editions/${id}/pdf?lang=${lang}`}
            json={`/api/policy/profile/editions/${id}?lang=${lang}`}
          />
          <details className="profile-changes">
            <summary>{t('policyProfile.editionChanges')}</summary>
            {changes.data ? <ChangeList changes={changes.data} /> : <Loading />}
          </details>
          <ProfileBody profile={edition.data} />
        </>
      ) : null}
    </Page>
  );
}

function Downloads({ pdf, json }: { pdf: string; json: string }) {
  const { t } = useTranslation();
  return (
    <p className="row-buttons download">
      <a className="button" href={pdf} download>
        {t('policyProfile.downloadPdf')}
      </a>
      <a className="button secondary" href={json} target="_blank" rel="noopener">
        {t('policyProfile.openJson')}
      </a>
    </p>
  );
}

/** The sections in outline order: part headings, each section's text, figures, policies and partnerships. */
export function ProfileBody({ profile }: { profile: ProfileRecord }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <div className="profile">
      <nav aria-labelledby="profile-contents" className="card">
        <h2 id="profile-contents">{t('policyProfile.contents')}</h2>
        <ul className="profile-contents">
          {profile.sections.map((s) => (
            <li key={s.id}>
              <a href={`#section-${s.id.replace('.', '-')}`}>
                {s.id}. {s.title}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {profile.sections.map((s) => (
        <section key={s.id} aria-labelledby={`section-${s.id.replace('.', '-')}`}>
          {s.part ? (
            <p className="profile-part">
              {s.part.id}. {s.part.title}
            </p>
          ) : null}
          <h2 id={`section-${s.id.replace('.', '-')}`}>
            {s.id}. {s.title}
          </h2>
          {s.text ? (
            s.text.split(/\n\s*\n/).map((p, i) => <p key={i}>{p}</p>)
          ) : (
            <p className="note">{t('policyProfile.noText')}</p>
          )}
          {s.figures.length > 0 ? (
            <>
              <h3>{t('policyProfile.figures')}</h3>
              <ul className="list profile-figures">
                {s.figures.map((fig) => (
                  <li key={fig.key} data-figure={fig.key}>
                    <span className="what">{fig.label}</span>
                    <span className="big">{fig.display}</span>
                    <span className="meta">
                      {t('policyProfile.source', { source: fig.source, date: f.date(fig.asOf) })}
                    </span>
                    <details>
                      <summary>{t('policyProfile.howComputed')}</summary>
                      <p>{fig.query}</p>
                    </details>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {s.documents.length > 0 ? (
            <>
              <h3>{t('policyProfile.documents')}</h3>
              <ul className="list">
                {s.documents.map((d) => (
                  <li key={d.id}>
                    {d.url ? (
                      <a className="what" href={d.url} rel="noopener noreferrer" target="_blank">
                        {d.title}
                      </a>
                    ) : (
                      <span className="what">{d.title}</span>
                    )}
                    <span className="meta">
                      {d.kindName}
                      {d.number ? ` № ${d.number}` : ''} · {f.date(d.adoptedOn)} · {d.statusName}
                    </span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {s.peer.length > 0 ? <PeerAnswers peer={s.peer} /> : null}
          {s.partnerships.length > 0 ? (
            <>
              <h3>{t('policyProfile.partnerships')}</h3>
              <ul className="list">
                {s.partnerships.map((p) => (
                  <li key={p.id}>
                    <span className="what">{p.partner}</span>
                    <span>{p.contribution}</span>
                    <span className="meta">{f.date(p.startedOn)}</span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      ))}
    </div>
  );
}

/** PEER's comparison questions answered from the registry (section 2.1), with the documents that answer each. */
function PeerAnswers({ peer }: { peer: ProfileRecord['sections'][number]['peer'] }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <>
      <h3>{t('policyProfile.peer')}</h3>
      <p className="note">{t('policyProfile.peerNote')}</p>
      <ul className="list profile-peer">
        {peer.map((q) => (
          <li key={q.question} data-peer={q.question} data-answer={q.answer ? 'yes' : 'no'}>
            <span className="what">{q.text}</span>
            <strong className={q.answer ? 'peer-yes' : 'peer-no'}>{q.answerName}</strong>
            {q.documents.length === 0 ? <span className="meta">{t('policyProfile.peerNone')}</span> : null}
            {q.documents.map((d) => (
              <span key={d.id} className="meta">
                {d.url ? (
                  <a href={d.url} rel="noopener noreferrer" target="_blank">
                    {d.title}
                  </a>
                ) : (
                  d.title
                )}
                {d.number ? ` № ${d.number}` : ''} · {f.date(d.adoptedOn)} · {d.statusName}
              </span>
            ))}
          </li>
        ))}
      </ul>
    </>
  );
}

/** What changed between two profiles, section by section; "nothing" when nothing did. */
export function ChangeList({ changes }: { changes: ChangesRecord }) {
  const { t } = useTranslation();
  const f = useFormat();
  const changed = changes.sections.filter(
    (s) =>
      s.textChanged ||
      s.figures.length +
        s.figuresAdded.length +
        s.figuresRemoved.length +
        s.documentsAdded.length +
        s.documentsRemoved.length +
        s.partnershipsAdded.length +
        s.partnershipsRemoved.length +
        s.peer.length >
        0,
  );
  return (
    <div className="profile-change-list" data-changed={changes.changed}>
      <p>
        {changes.from
          ? t('policyProfile.comparedWith', {
              number: f.number(changes.from.number),
              date: f.date(changes.from.publishedAt),
            })
          : t('policyProfile.nothingBefore')}
      </p>
      {changed.length === 0 ? <p>{t('policyProfile.noChanges')}</p> : null}
      <ul className="list">
        {changed.map((s) => (
          <li key={s.id} data-section={s.id}>
            <span className="what">
              {s.id}. {s.title}
            </span>
            <ul className="profile-change-items">
              {s.textChanged ? <li>{t('policyProfile.textChanged')}</li> : null}
              {s.figures.map((c) => (
                <li key={c.key}>
                  {t('policyProfile.figureChanged', {
                    label: c.label,
                    before: c.beforeDisplay,
                    after: c.afterDisplay,
                  })}
                </li>
              ))}
              {s.figuresAdded.map((c) => (
                <li key={`+${c.key}`}>{t('policyProfile.figureAdded', { label: c.label })}</li>
              ))}
              {s.figuresRemoved.map((c) => (
                <li key={`-${c.key}`}>{t('policyProfile.figureRemoved', { label: c.label })}</li>
              ))}
              {s.documentsAdded.map((d) => (
                <li key={`+d${d.id}`}>{t('policyProfile.documentAdded', { title: d.title })}</li>
              ))}
              {s.documentsRemoved.map((d) => (
                <li key={`-d${d.id}`}>{t('policyProfile.documentRemoved', { title: d.title })}</li>
              ))}
              {s.partnershipsAdded.map((p) => (
                <li key={`+p${p.id}`}>{t('policyProfile.partnershipAdded', { title: p.title })}</li>
              ))}
              {s.partnershipsRemoved.map((p) => (
                <li key={`-p${p.id}`}>{t('policyProfile.partnershipRemoved', { title: p.title })}</li>
              ))}
              {s.peer.map((q) => (
                <li key={`q${q.question}`}>
                  {q.before === null
                    ? t('policyProfile.peerAnswered', { question: q.text, after: q.afterName })
                    : t('policyProfile.peerChanged', {
                        question: q.text,
                        before: q.beforeName,
                        after: q.afterName,
                      })}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  );
}
