import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { Attempt, Contest, ContestList } from '@/modules/contests/contests.schema';
import { api } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link, navigate } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import './contests.css';

type ContestRecord = Static<typeof Contest>;
type AttemptSummary = NonNullable<ContestRecord['myAttempts']>[number];

/** Where a contest stands for the student now: open to start (or to go on), still to come, or over for them. */
type Standing = 'open' | 'upcoming' | 'past';

function standing(c: ContestRecord, now: number): Standing {
  const attempts = c.myAttempts ?? [];
  const going = attempts.some((a) => a.state === 'open' && Date.parse(a.deadline) > now);
  if (going) return 'open';
  const w = c.myWindow;
  if (!w) return Date.parse(c.closesAt) > now ? 'upcoming' : 'past';
  if (now < Date.parse(w.opensAt)) return 'upcoming';
  const closed = attempts.filter((a) => a.state !== 'open').length >= c.maxAttempts;
  if (now <= Date.parse(w.closesAt) && !closed) return 'open';
  return 'past';
}

/** The student's best handed-in attempt, if any. */
function best(attempts: AttemptSummary[]): AttemptSummary | null {
  return attempts
    .filter((a) => a.score !== null)
    .reduce<AttemptSummary | null>((b, a) => (b === null || a.score! > b.score! ? a : b), null);
}

/** `/my/contests`: a student's contests, open now, upcoming with their start, and past with their result. */
export function ContestsPage() {
  const { t } = useTranslation();
  const list = useQuery({
    queryKey: ['contests', 'mine'],
    queryFn: ({ signal }) => api<Static<typeof ContestList>>('/contests', { signal }),
    refetchInterval: 60_000,
  });
  const now = Date.now();
  const groups: Record<Standing, ContestRecord[]> = { open: [], upcoming: [], past: [] };
  for (const c of list.data?.items ?? []) groups[standing(c, now)].push(c);
  groups.upcoming.sort(
    (a, b) => Date.parse(a.myWindow?.opensAt ?? a.opensAt) - Date.parse(b.myWindow?.opensAt ?? b.opensAt),
  );
  groups.past.sort((a, b) => Date.parse(b.closesAt) - Date.parse(a.closesAt));
  return (
    <Page title={t('contests.title')} intro={t('contests.intro')}>
      {list.isPending ? <Loading /> : null}
      {list.isError ? <ErrorBox error={list.error} onRetry={() => void list.refetch()} /> : null}
      {list.data
        ? (['open', 'upcoming', 'past'] as const).map((group) => (
            <section key={group} aria-labelledby={`contests-${group}`}>
              <h2 id={`contests-${group}`}>{t(`contests.group.${group}`)}</h2>
              {groups[group].length === 0 ? <p>{t(`contests.none.${group}`)}</p> : null}
              <ul className="list contests">
                {groups[group].map((c) => (
                  <ContestItem key={c.id} contest={c} group={group} />
                ))}
              </ul>
            </section>
          ))
        : null}
    </Page>
  );
}

function ContestItem({ contest: c, group }: { contest: ContestRecord; group: Standing }) {
  const { t } = useTranslation();
  const f = useFormat();
  const mine = best(c.myAttempts ?? []);
  return (
    <li>
      <Link to={`/my/contests/${c.id}`} className="what">
        {c.title}
      </Link>
      <span className="meta">
        {c.myWindow ? (
          group === 'open' ? (
            t('contests.startUntil', { time: f.dateTime(c.myWindow.closesAt) })
          ) : (
            <>
              {t('contests.startsAt')}{' '}
              <time dateTime={c.myWindow.opensAt}>{f.dateTime(c.myWindow.opensAt)}</time>
            </>
          )
        ) : (
          t('contests.noWindow')
        )}{' '}
        · {t('contests.minutes', { n: f.number(c.timeLimitMinutes) })}
      </span>
      {group === 'past' ? (
        <span className="result-line">
          {mine
            ? t('contests.myResult', { score: f.number(mine.score!), max: f.number(mine.maxScore) })
            : t('contests.notTaken')}
        </span>
      ) : null}
    </li>
  );
}

/** `/my/contests/:id`: one contest for a student: when and how long, their attempts, the way in. */
export function ContestPage({ id }: { id: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const contest = useQuery({
    queryKey: ['contest', id],
    queryFn: ({ signal }) => api<ContestRecord>(`/contests/${id}`, { signal }),
  });
  const start = useMutation({
    mutationFn: () => api<Static<typeof Attempt>>(`/contests/${id}/attempts`, { method: 'POST' }),
    onSuccess: async (attempt) => {
      await client.invalidateQueries({ queryKey: ['contests'] });
      navigate(`/my/contest-attempts/${attempt.id}`);
    },
  });
  const c = contest.data;
  const now = Date.now();
  const attempts = c?.myAttempts ?? [];
  const going = attempts.find((a) => a.state === 'open' && Date.parse(a.deadline) > now);
  const canStart = c ? standing(c, now) === 'open' && !going : false;
  return (
    <Page title={c?.title ?? t('contests.title')}>
      <p>
        <Link to="/my/contests">{t('contests.back')}</Link>
      </p>
      {contest.isPending ? <Loading /> : null}
      {contest.isError ? <ErrorBox error={contest.error} onRetry={() => void contest.refetch()} /> : null}
      {c ? (
        <>
          <dl className="record contest-facts">
            <div>
              <dt>{t('contests.day')}</dt>
              <dd>{f.date(c.date)}</dd>
            </div>
            <div>
              <dt>{t('contests.myWindow')}</dt>
              <dd>
                {c.myWindow
                  ? t('contests.between', {
                      from: f.dateTime(c.myWindow.opensAt),
                      to: f.dateTime(c.myWindow.closesAt),
                    })
                  : t('contests.noWindow')}
              </dd>
            </div>
            <div>
              <dt>{t('contests.timeLimit')}</dt>
              <dd>{t('contests.minutes', { n: f.number(c.timeLimitMinutes) })}</dd>
            </div>
            {c.questionCount !== undefined ? (
              <div>
                <dt>{t('contests.questions')}</dt>
                <dd>{f.number(c.questionCount)}</dd>
              </div>
            ) : null}
            <div>
              <dt>{t('contests.attemptsAllowed')}</dt>
              <dd>{f.number(c.maxAttempts)}</dd>
            </div>
          </dl>
          {going ? (
            <p className="cta">
              <Link to={`/my/contest-attempts/${going.id}`} className="button">
                {t('contests.continue')}
              </Link>
            </p>
          ) : null}
          {canStart ? (
            <div className="cta">
              <p>{t('contests.startNote', { n: f.number(c.timeLimitMinutes) })}</p>
              <button type="button" disabled={start.isPending} onClick={() => start.mutate()}>
                {t('contests.start')}
              </button>
            </div>
          ) : null}
          {start.isError ? <ErrorBox error={start.error} /> : null}
          {attempts.length > 0 ? (
            <section aria-labelledby="contest-attempts">
              <h2 id="contest-attempts">{t('contests.myAttempts')}</h2>
              <ul className="list">
                {attempts.map((a) => (
                  <li key={a.id}>
                    <Link to={`/my/contest-attempts/${a.id}`} className="what">
                      {t('contests.attemptNo', { n: f.number(a.attemptNo) })}
                    </Link>
                    <span className="meta">
                      <time dateTime={a.startedAt}>{f.dateTime(a.startedAt)}</time> ·{' '}
                      {t(`contests.state.${a.state}`)}
                      {a.score !== null
                        ? ` · ${t('contests.score', { score: f.number(a.score), max: f.number(a.maxScore) })}`
                        : ''}
                    </span>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          <p>
            <Link to={`/contests/${id}/leaderboard`}>{t('contests.leaderboard')}</Link>
          </p>
        </>
      ) : null}
    </Page>
  );
}
