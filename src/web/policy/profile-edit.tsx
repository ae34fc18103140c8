import { useEffect, useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { SectionText, SectionTexts } from '@/modules/policy/policy.profile.schema';
import { ApiError, api } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { Field, FormError, problemsOf } from '@/web/components/field';
import { StaleVersion, differencesOf, staleCurrent } from '@/web/components/stale-version';
import { ErrorBox, Loading } from '@/web/components/status';
import {
  ChangeList,
  EDITIONS_PATH,
  PROFILE_PATH,
  editionPath,
  useChangesSinceLatest,
  useEditions,
  type ProfileRecord,
} from '@/web/policy/profile';
import '@/web/policy/profile.css';

/**
 * The ministry's page of the country profile (admin, bureau): what changed since the last edition and the form
 * that publishes the next one, then each section's text in the three languages, saved at the version read
 * (a save over someone else's change shows both and lets the person choose).
 */

type SectionRecord = Static<typeof SectionText>;
type Texts = { az: string; ru: string; en: string };
const LANGS = ['az', 'ru', 'en'] as const;

export function ProfileEditPage() {
  const { t } = useTranslation();
  const sections = useQuery({
    queryKey: ['policyProfile', 'sections'],
    queryFn: ({ signal }) => api<Static<typeof SectionTexts>>('/policy/profile/sections', { signal }),
  });
  return (
    <Page title={t('policyProfile.editTitle')} intro={t('policyProfile.editIntro')}>
      <p className="row-buttons">
        <Link to={PROFILE_PATH}>{t('policyProfile.liveLink')}</Link>
        <Link to={EDITIONS_PATH}>{t('policyProfile.editionsLink')}</Link>
      </p>
      <Publish />
      <section aria-labelledby="profile-sections">
        <h2 id="profile-sections">{t('policyProfile.sectionsTitle')}</h2>
        {sections.isPending ? <Loading /> : null}
        {sections.isError ? (
          <ErrorBox error={sections.error} onRetry={() => void sections.refetch()} />
        ) : null}
        {sections.data?.items.map((s) => (
          <SectionForm key={s.section} section={s} />
        ))}
      </section>
    </Page>
  );
}

/** What changed since the newest edition, and the next edition's note and publication. */
function Publish() {
  const { t } = useTranslation();
  const f = useFormat();
  const id = useId().replace(/:/g, '');
  const client = useQueryClient();
  const editions = useEditions();
  const changes = useChangesSinceLatest();
  const [note, setNote] = useState<Texts>({ az: '', ru: '', en: '' });
  const publish = useMutation({
    mutationFn: (version: number) =>
      api<ProfileRecord>('/policy/profile/editions', { method: 'POST', body: { version, note } }),
    onSuccess: () => {
      setNote({ az: '', ru: '', en: '' });
      void client.invalidateQueries({ queryKey: ['policyProfile'] });
    },
  });
  const next = (editions.data?.version ?? 0) + 1;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (editions.data) publish.mutate(editions.data.version);
  };
  const fields = ['note'] as const;
  const problems = problemsOf(publish.error, fields);
  const published = publish.data?.edition;
  return (
    <section aria-labelledby={`${id}-title`} className="card">
      <h2 id={`${id}-title`}>{t('policyProfile.publishTitle')}</h2>
      <h3>{t('policyProfile.sinceLatest')}</h3>
      {changes.isPending ? <Loading /> : null}
      {changes.isError ? <ErrorBox error={changes.error} onRetry={() => void changes.refetch()} /> : null}
      {changes.data ? <ChangeList changes={changes.data} /> : null}
      <form className="form" onSubmit={submit} noValidate>
        {LANGS.map((lang) => (
          <Field
            key={lang}
            id={`${id}-note-${lang}`}
            label={t('policyProfile.noteIn', { language: t(`policyProfile.lang.${lang}`) })}
            errors={problems.byField.get('note')}
          >
            {(a11y) => (
              <input
                {...a11y}
                lang={lang}
                maxLength={1000}
                value={note[lang]}
                onChange={(e) => setNote({ ...note, [lang]: e.target.value })}
              />
            )}
          </Field>
        ))}
        {publish.isError ? <FormError error={publish.error} rest={problems.rest} /> : null}
        {publish.error instanceof ApiError && publish.error.status === 409 ? (
          <button
            type="button"
            className="secondary"
            onClick={() => void editions.refetch().then(() => publish.reset())}
          >
            {t('policyProfile.reload')}
          </button>
        ) : null}
        {published ? (
          <p className="saved" role="status">
            {t('policyProfile.published', { number: f.number(published.number) })}{' '}
            <Link to={editionPath(published.number)}>{t('policyProfile.openEdition')}</Link>
          </p>
        ) : null}
        <div className="row-buttons">
          <button type="submit" disabled={publish.isPending || !editions.data}>
            {t('policyProfile.publish', { number: f.number(next) })}
          </button>
        </div>
      </form>
    </section>
  );
}

/** One section's text in the three languages. */
function SectionForm({ section }: { section: SectionRecord }) {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const id = `section-edit-${section.section.replace('.', '-')}`;
  const [texts, setTexts] = useState<Texts>(section.body);
  const [version, setVersion] = useState(section.version);
  const [stale, setStale] = useState<{ current: SectionRecord; mine: Texts } | null>(null);
  // Taken afresh only when the saved text itself moved on (a reload after another section's save or a
  // publication must not drop what is being typed here); the body goes with its version.
  const { body: savedBody, version: savedVersion } = section;
  useEffect(() => {
    setTexts(savedBody);
    setVersion(savedVersion);
  }, [savedVersion]);
  const save = useMutation({
    mutationFn: (input: { body: Texts; version: number }) =>
      api<SectionRecord>(`/policy/profile/sections/${section.section}`, { method: 'PUT', body: input }),
    onSuccess: (saved) => {
      setVersion(saved.version);
      setTexts(saved.body);
      void client.invalidateQueries({ queryKey: ['policyProfile'] });
    },
    onError: (error, input) => {
      const current = staleCurrent<SectionRecord>(error);
      if (current) setStale({ current, mine: input.body });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ body: texts, version });
  };
  const problems = problemsOf(save.error, ['body']);
  const details = save.error instanceof ApiError && !stale ? save.error.details : [];
  /** The problems of one language's text, without the field's name the server puts first. */
  const errorsOf = (lang: string) => {
    const found = details
      .filter((d) => d.field === `body.${lang}`)
      .map((d) => d.message.replace(`body.${lang}: `, ''));
    return found.length ? found : undefined;
  };
  const langLabel = (lang: string) => t(`policyProfile.lang.${lang}`);
  return (
    <form
      className="form card profile-section-form"
      onSubmit={submit}
      aria-labelledby={`${id}-title`}
      noValidate
    >
      <h3 id={`${id}-title`}>
        {section.section}. {section.title}
      </h3>
      {section.updatedAt ? (
        <p className="meta">
          {t('policyProfile.lastSaved', {
            when: f.dateTime(section.updatedAt),
            who: section.updatedBy ?? t('policyProfile.system'),
          })}
        </p>
      ) : null}
      {LANGS.map((lang) => (
        <Field key={lang} id={`${id}-${lang}`} label={langLabel(lang)} errors={errorsOf(lang)}>
          {(a11y) => (
            <textarea
              {...a11y}
              lang={lang}
              rows={8}
              maxLength={20000}
              value={texts[lang]}
              onChange={(e) => setTexts({ ...texts, [lang]: e.target.value })}
            />
          )}
        </Field>
      ))}
      {stale ? (
        <StaleVersion
          differences={differencesOf(LANGS, stale.current.body, stale.mine, langLabel, (_k, v) => String(v))}
          updatedAt={stale.current.updatedAt}
          busy={save.isPending}
          onReload={() => {
            setTexts(stale.current.body);
            setVersion(stale.current.version);
            setStale(null);
            save.reset();
          }}
          onOverwrite={() => {
            const { mine, current } = stale;
            setStale(null);
            save.mutate({ body: mine, version: current.version });
          }}
        />
      ) : save.isError ? (
        <FormError error={save.error} rest={problems.rest} />
      ) : null}
      {save.isSuccess && !save.isPending ? (
        <p className="saved" role="status">
          {t('policyProfile.saved')}
        </p>
      ) : null}
      <div className="row-buttons">
        <button type="submit" disabled={save.isPending || stale !== null}>
          {t('policyProfile.save')}
        </button>
      </div>
    </form>
  );
}
