import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { Contest, Leaderboard } from '@/modules/contests/contests.schema';
import { api } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';
import { ScrollBox } from '@/web/components/scroll-box';
import './contests.css';

type ContestRecord = Static<typeof Contest>;
type Board = Static<typeof Leaderboard>;
type Aggregate = Board['classes'][number];

/** How often an open contest's leaderboard is read again. */
const REFRESH_MS = 10_000;

/** `/contests/:id/leaderboard`: a contest's leaderboard, as the caller may see it (students and staff). */
export function LeaderboardPage({ id }: { id: number }) {
  const { t } = useTranslation();
  const contest = useQuery({
    queryKey: ['contest', id],
    queryFn: ({ signal }) => api<ContestRecord>(`/contests/${id}`, { signal }),
  });
  return (
    <Page
      title={
        contest.data ? t('contests.leaderboardOf', { title: contest.data.title }) : t('contests.leaderboard')
      }
    >
      {contest.data?.myWindow !== undefined ? (
        <p>
          <Link to={`/my/contests/${id}`}>{t('contests.backToContest')}</Link>
        </p>
      ) : null}
      {contest.isPending ? <Loading /> : null}
      {contest.isError ? <ErrorBox error={contest.error} onRetry={() => void contest.refetch()} /> : null}
      {contest.data ? <LeaderboardSection contest={contest.data} level={1} /> : null}
    </Page>
  );
}

/**
 * A contest's leaderboard: a student's own class by short names and their place; staff's classes, schools
 * and areas (aggregates). Read again every few seconds while the contest is open, and after a hand-in.
 * `level` is the heading level of the page it sits in (1: its own page, 2: inside another).
 */
export function LeaderboardSection({ contest, level }: { contest: ContestRecord; level: 1 | 2 }) {
  const { t } = useTranslation();
  const f = useFormat();
  const open = Date.now() < Date.parse(contest.closesAt);
  const board = useQuery({
    queryKey: ['contest-leaderboard', contest.id],
    queryFn: ({ signal }) => api<Board>(`/contests/${contest.id}/leaderboard`, { signal }),
    refetchInterval: open ? REFRESH_MS : false,
  });
  const H = level === 1 ? 'h2' : 'h3';
  const titleId = `leaderboard-${contest.id}`;
  const body = () => {
    if (board.isPending) return <Loading />;
    if (board.isError) return <ErrorBox error={board.error} onRetry={() => void board.refetch()} />;
    const b = board.data;
    const empty =
      b.classBoard.length === 0 && b.classes.length === 0 && b.schools.length === 0 && b.areas.length === 0;
    return (
      <>
        {b.me ? (
          <p className="big my-place">
            {t('contests.myPlace', {
              rank: f.number(b.me.classRank),
              n: f.number(b.me.classParticipants),
            })}
          </p>
        ) : null}
        {empty ? <p>{t('contests.noResults')}</p> : null}
        {b.classBoard.length > 0 ? (
          <ScrollBox label={t('contests.classBoard')}>
            <table className="table leaderboard">
              <caption>
                <H className="caption-heading">{t('contests.classBoard')}</H>
              </caption>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    {t('contests.rank')}
                  </th>
                  <th scope="col">{t('contests.name')}</th>
                  <th scope="col" className="num">
                    {t('contests.scoreOf', { max: f.number(b.maxScore) })}
                  </th>
                </tr>
              </thead>
              <tbody>
                {b.classBoard.map((row, i) => (
                  <tr key={i} className={row.isMe ? 'me' : undefined}>
                    <td className="num">{f.number(row.rank)}</td>
                    <th scope="row">
                      {row.name}
                      {row.isMe ? <strong> {t('contests.you')}</strong> : null}
                    </th>
                    <td className="num">{f.number(row.score)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollBox>
        ) : null}
        {(['classes', 'schools', 'areas'] as const).map((kind) =>
          b[kind].length > 0 ? (
            <Aggregates key={kind} title={t(`contests.${kind}`)} rows={b[kind]} max={b.maxScore} H={H} />
          ) : null,
        )}
        {open ? <p className="meta">{t('contests.updates')}</p> : null}
      </>
    );
  };
  return (
    <section
      className="leaderboard-section"
      aria-labelledby={level === 2 ? titleId : undefined}
      aria-label={level === 1 ? t('contests.leaderboard') : undefined}
    >
      {level === 2 ? <h2 id={titleId}>{t('contests.leaderboard')}</h2> : null}
      {body()}
    </section>
  );
}

function Aggregates({
  title,
  rows,
  max,
  H,
}: {
  title: string;
  rows: Aggregate[];
  max: number;
  H: 'h2' | 'h3';
}) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <ScrollBox label={title}>
      <table className="table leaderboard">
        <caption>
          <H className="caption-heading">{title}</H>
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('contests.name')}</th>
            <th scope="col" className="num">
              {t('contests.participants')}
            </th>
            <th scope="col" className="num">
              {t('contests.mean')}
            </th>
            <th scope="col" className="num">
              {t('contests.best', { max: f.number(max) })}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id}>
              <th scope="row">{r.name}</th>
              <td className="num">{f.number(r.participants)}</td>
              <td className="num">{f.number(Math.round(r.meanScore * 10) / 10)}</td>
              <td className="num">{f.number(r.bestScore)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollBox>
  );
}
