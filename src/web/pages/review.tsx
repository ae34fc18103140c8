import { useId, useState, type FormEvent } from 'react';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type RegistryRecord, type SchoolStateListRecord } from '@/web/api';
import { useFormat } from '@/web/format';
import { localName } from '@/web/i18n';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { ConnectivityCard } from '@/web/registry/connectivity';
import {
  recordKey,
  RecordView,
  StateBadge,
  useCurrentYear,
  useInstitution,
  useRegistryRecord,
  Warnings,
} from '@/web/registry/shared';

const PAGE = 50;
const FILTERS = ['', 'submitted', 'draft', 'verified', 'none'] as const;

/** The regional officer's review list: this year's schools in their areas, with the state of each record. */
export function ReviewList() {
  const { t } = useTranslation();
  const { year, query } = useCurrentYear();
  const filterId = useId();
  const [state, setState] = useState<(typeof FILTERS)[number]>('submitted');
  return (
    <Page title={t('review.title')} intro={t('review.intro')}>
      {query.isPending ? <Loading /> : null}
      {query.isError ? <ErrorBox error={query.error} onRetry={() => void query.refetch()} /> : null}
      {year === null ? <p>{t('registry.noCurrentYear')}</p> : null}
      {year ? (
        <>
          <p>
            {t('registry.year')}: {year.code}
          </p>
          <div className="form field">
            <label htmlFor={filterId}>{t('review.filter')}</label>
            <select
              id={filterId}
              value={state}
              onChange={(e) => setState(e.target.value as (typeof FILTERS)[number])}
            >
              {FILTERS.map((s) => (
                <option key={s} value={s}>
                  {s === '' ? t('review.all') : t(`registry.state.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <Schools yearId={year.id} state={state} />
        </>
      ) : null}
    </Page>
  );
}

function Schools({ yearId, state }: { yearId: number; state: string }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const list = useInfiniteQuery({
    queryKey: ['registry', 'schools', yearId, state],
    initialPageParam: 0,
    queryFn: ({ pageParam, signal }) => {
      const params = new URLSearchParams({ limit: String(PAGE), offset: String(pageParam) });
      if (state) params.set('state', state);
      return api<SchoolStateListRecord>(`/registry/years/${yearId}/schools?${params.toString()}`, { signal });
    },
    getNextPageParam: (last, pages) => {
      const loaded = pages.reduce((n, p) => n + p.items.length, 0);
      return loaded < last.total ? loaded : undefined;
    },
  });
  if (list.isPending) return <Loading />;
  if (list.isError) return <ErrorBox error={list.error} onRetry={() => void list.refetch()} />;
  const items = list.data.pages.flatMap((p) => p.items);
  const total = list.data.pages[0]?.total ?? 0;
  return (
    <>
      <p aria-live="polite">
        {t('regional.shown', { shown: f.number(items.length), total: f.number(total) })}
      </p>
      {items.length === 0 ? <p>{t('regional.empty')}</p> : null}
      <ul className="list schools review-list">
        {items.map((s) => (
          <li key={s.institutionId}>
            <Link to={`/area/review/${s.institutionId}`} className="what">
              {localName(s, i18n.language)}
            </Link>
            <span className="meta">
              {t('regional.code')}: {s.code} · <StateBadge state={s.state ?? 'none'} />
              {s.updatedAt ? (
                <>
                  {' · '}
                  <time dateTime={s.updatedAt}>{f.dateTime(s.updatedAt)}</time>
                </>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
      {list.hasNextPage ? (
        <button
          type="button"
          className="secondary"
          disabled={list.isFetchingNextPage}
          onClick={() => void list.fetchNextPage()}
        >
          {list.isFetchingNextPage ? t('common.loading') : t('regional.showMore')}
        </button>
      ) : null}
    </>
  );
}

/** One school's record for the regional officer: read-only, with its warnings, to verify or send back. */
export function ReviewSchool({ id }: { id: number }) {
  const { t, i18n } = useTranslation();
  const { year, query } = useCurrentYear();
  const school = useInstitution(id);
  const record = useRegistryRecord(id, year?.id);
  const title = school.data ? localName(school.data, i18n.language) : t('review.schoolTitle');
  return (
    <Page title={title} intro={t('review.schoolIntro')}>
      <p>
        <Link to="/area/review">{t('review.back')}</Link>
      </p>
      {query.isError ? <ErrorBox error={query.error} onRetry={() => void query.refetch()} /> : null}
      {school.isError ? <ErrorBox error={school.error} onRetry={() => void school.refetch()} /> : null}
      {record.isError ? <ErrorBox error={record.error} onRetry={() => void record.refetch()} /> : null}
      {year === null ? <p>{t('registry.noCurrentYear')}</p> : null}
      {record.isPending && year !== null ? <Loading /> : null}
      {record.data && year ? (
        <>
          <section className="card" aria-labelledby="review-record">
            <h2 id="review-record">{t('review.recordTitle', { year: year.code })}</h2>
            <p>
              {t('registry.stateLabel')}:{' '}
              <StateBadge state={record.data.saved ? record.data.state : 'none'} />
            </p>
            {record.data.reviewNote ? (
              <p>
                {t('review.lastNote')}: <span className="quote">{record.data.reviewNote}</span>
              </p>
            ) : null}
            <Warnings record={record.data} />
            {record.data.saved ? <RecordView record={record.data} /> : <p>{t('review.notSaved')}</p>}
          </section>
          {record.data.saved ? <Decide record={record.data} /> : null}
          <ConnectivityCard institutionId={id} canTest={false} />
        </>
      ) : null}
    </Page>
  );
}

function Decide({ record }: { record: RegistryRecord }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const noteId = useId();
  const [note, setNote] = useState('');
  const [missingNote, setMissingNote] = useState(false);
  const [done, setDone] = useState<'verify' | 'return' | null>(null);
  const review = useMutation({
    mutationFn: (decision: 'verify' | 'return') =>
      api<RegistryRecord>(`/institutions/${record.institutionId}/registry/${record.academicYearId}/review`, {
        method: 'POST',
        body: decision === 'return' ? { decision, note: note.trim() } : { decision },
      }),
    onSuccess: (updated, decision) => {
      client.setQueryData(recordKey(updated.institutionId, updated.academicYearId), updated);
      void client.invalidateQueries({ queryKey: ['registry', 'schools'] });
      setDone(decision);
    },
  });
  const sendBack = (e: FormEvent) => {
    e.preventDefault();
    if (!note.trim()) {
      setMissingNote(true);
      return;
    }
    setMissingNote(false);
    review.mutate('return');
  };
  return (
    <section className="card" aria-labelledby="review-decide">
      <h2 id="review-decide">{t('review.decide')}</h2>
      <div role="status" className="saved">
        {done ? t(`review.done.${done}`) : ''}
      </div>
      {review.isError ? <ErrorBox error={review.error} /> : null}
      {record.state !== 'submitted' ? (
        done ? null : (
          <p>{t('review.nothingToDecide')}</p>
        )
      ) : (
        <>
          <button type="button" disabled={review.isPending} onClick={() => review.mutate('verify')}>
            {t('review.verify')}
          </button>
          <form className="form send-back" onSubmit={sendBack}>
            <div className="field">
              <label htmlFor={noteId}>{t('review.note')}</label>
              <textarea
                id={noteId}
                rows={3}
                value={note}
                maxLength={2000}
                aria-invalid={missingNote ? true : undefined}
                aria-describedby={missingNote ? `${noteId}-error` : undefined}
                onChange={(e) => setNote(e.target.value)}
              />
              {missingNote ? (
                <p className="field-error" id={`${noteId}-error`}>
                  {t('review.noteMissing')}
                </p>
              ) : null}
            </div>
            <button type="submit" className="secondary" disabled={review.isPending}>
              {t('review.sendBack')}
            </button>
          </form>
        </>
      )}
    </section>
  );
}
