import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import { useMe } from '@/web/session';
import { Page } from '@/web/components/page';
import { ScrollBox } from '@/web/components/scroll-box';
import { ErrorBox, Loading } from '@/web/components/status';
import '@/web/portal/portal.css';

/**
 * Safer Internet Day (docs/portal.md): the year's campaign and its activities for grades 5–11 (anyone); a
 * director registers the school's event; the ministry and regional officers see participation by area.
 */

interface SidEvent {
  id: number;
  version: number;
  institutionId: number;
  title: string;
  heldOn: string;
  participants: number;
  activityIds: number[];
}
interface CampaignPage {
  campaign: {
    id: number;
    year: number;
    day: string;
    theme: string;
    summary: string;
    /** A past year's campaign: the service refuses registrations and changes, so the form is disabled. */
    closed: boolean;
    activities: { id: number; gradeFrom: number; gradeTo: number; title: string; description: string }[];
  } | null;
  schools: { institutionId: number; name: string; event: SidEvent | null }[];
  seesParticipation: boolean;
}
interface Participation {
  year: number;
  total: { schools: number; participants: number };
  rows: { kind: string; id: number; name: string; schools: number; participants: number }[];
}

function EventForm({
  campaign,
  school,
}: {
  campaign: NonNullable<CampaignPage['campaign']>;
  school: CampaignPage['schools'][number];
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const e = school.event;
  const [title, setTitle] = useState(e?.title ?? '');
  const [heldOn, setHeldOn] = useState(e?.heldOn ?? campaign.day);
  const [participants, setParticipants] = useState(String(e?.participants ?? ''));
  const [chosen, setChosen] = useState<number[]>(e?.activityIds ?? []);
  const save = useMutation({
    mutationFn: () =>
      api<SidEvent>(`/portal/sid/${campaign.id}/event`, {
        method: 'PUT',
        body: {
          institutionId: school.institutionId,
          title,
          heldOn,
          participants: Number(participants),
          activityIds: chosen,
          ...(e ? { version: e.version } : {}),
        },
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['portal', 'sid'] }),
  });
  const id = (name: string) => `sid-${school.institutionId}-${name}`;
  const closed = campaign.closed;
  return (
    <section aria-labelledby={id('h')}>
      <h2 id={id('h')}>{t('portalCourses.register', { school: school.name })}</h2>
      {e ? (
        <p role="status" className="portal-result">
          {t('portalCourses.registered', { title: e.title, date: f.date(e.heldOn), n: e.participants })}
        </p>
      ) : null}
      {closed ? (
        <div className="notice" id={id('closed')} data-testid="sid-closed">
          <strong>{t('portalHtml.closedTitle')}</strong> {t('portalHtml.closedText', { year: campaign.year })}
        </div>
      ) : null}
      <form
        aria-describedby={closed ? id('closed') : undefined}
        onSubmit={(ev) => {
          ev.preventDefault();
          if (!closed) save.mutate();
        }}
      >
        {/* A closed campaign's form: shown as it stands, every field and the button disabled. */}
        <fieldset disabled={closed} className="portal-sid-fields">
          <label htmlFor={id('title')}>{t('portalCourses.eventTitle')}</label>
          <input
            id={id('title')}
            value={title}
            required
            maxLength={200}
            onChange={(x) => setTitle(x.target.value)}
          />
          <label htmlFor={id('day')}>{t('portalCourses.heldOn')}</label>
          <input
            id={id('day')}
            type="date"
            value={heldOn}
            required
            onChange={(x) => setHeldOn(x.target.value)}
          />
          <label htmlFor={id('n')}>{t('portalCourses.participants')}</label>
          <input
            id={id('n')}
            type="number"
            inputMode="numeric"
            min={1}
            max={100000}
            required
            value={participants}
            onChange={(x) => setParticipants(x.target.value)}
          />
          <fieldset>
            <legend>{t('portalCourses.chosenActivities')}</legend>
            {campaign.activities.map((a) => (
              <label key={a.id} className="portal-choice">
                <input
                  type="checkbox"
                  checked={chosen.includes(a.id)}
                  onChange={(x) =>
                    setChosen(x.target.checked ? [...chosen, a.id] : chosen.filter((c) => c !== a.id))
                  }
                />{' '}
                {a.title}
              </label>
            ))}
          </fieldset>
          <button type="submit" disabled={closed || save.isPending}>
            {t(e ? 'portalCourses.saveChanges' : 'portalCourses.save')}
          </button>
        </fieldset>
        {save.isError ? <ErrorBox error={save.error} /> : null}
      </form>
    </section>
  );
}

function ParticipationTable({ campaignId }: { campaignId: number }) {
  const { t } = useTranslation();
  const part = useQuery({
    queryKey: ['portal', 'sid', 'participation', campaignId],
    queryFn: ({ signal }) => api<Participation>(`/portal/sid/${campaignId}/participation`, { signal }),
  });
  if (part.isError) return <ErrorBox error={part.error} onRetry={() => void part.refetch()} />;
  if (!part.data) return <Loading />;
  return (
    <section aria-labelledby="sid-participation">
      <h2 id="sid-participation">{t('portalCourses.participation')}</h2>
      <ScrollBox label={t('portalCourses.participation')}>
        <table className="table safety-report">
          <thead>
            <tr>
              <th scope="col">{t('portalCourses.name')}</th>
              <th scope="col">{t('portalCourses.schools')}</th>
              <th scope="col">{t('portalCourses.participants')}</th>
            </tr>
          </thead>
          <tbody>
            {part.data.rows.map((r) => (
              <tr key={r.id}>
                <th scope="row">{r.name}</th>
                <td>{r.schools}</td>
                <td>{r.participants}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('portalCourses.total')}</th>
              <td data-total="schools">{part.data.total.schools}</td>
              <td data-total="participants">{part.data.total.participants}</td>
            </tr>
          </tfoot>
        </table>
      </ScrollBox>
    </section>
  );
}

/** The year's Safer Internet Day: the campaign, a director's registration, the ministry's participation. */
export function SaferInternetDayPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const me = useMe();
  const page = useQuery({
    queryKey: ['portal', 'sid', me.data?.user.id ?? null],
    queryFn: ({ signal }) => api<CampaignPage>('/portal/sid', { signal }),
  });
  const c = page.data?.campaign;
  return (
    <Page
      title={c ? t('portalCourses.sidTitle', { year: c.year }) : t('portalCourses.sidLink')}
      intro={t('portalCourses.sidIntro')}
    >
      {page.isError ? <ErrorBox error={page.error} onRetry={() => void page.refetch()} /> : null}
      {page.data && !c ? <p>{t('portalCourses.noCampaign')}</p> : null}
      {c ? (
        <>
          <dl className="portal-facts">
            <dt>{t('portalCourses.sidDay')}</dt>
            <dd>{f.date(c.day)}</dd>
            <dt>{t('portalCourses.theme')}</dt>
            <dd>{c.theme}</dd>
          </dl>
          <p>{c.summary}</p>
          <h2>{t('portalCourses.activities')}</h2>
          <ul className="portal-list">
            {c.activities.map((a) => (
              <li key={a.id} className="portal-card">
                <h3>{a.title}</h3>
                <p className="portal-meta">
                  {t('portalCourses.grades', { from: a.gradeFrom, to: a.gradeTo })}
                </p>
                <p>{a.description}</p>
              </li>
            ))}
          </ul>
          {page.data!.schools.map((s) => (
            <EventForm key={`${s.institutionId}-${s.event?.version ?? 0}`} campaign={c} school={s} />
          ))}
          {page.data!.seesParticipation ? <ParticipationTable campaignId={c.id} /> : null}
        </>
      ) : page.isPending ? (
        <Loading />
      ) : null}
      <p>
        <Link to="/portal/safety">{t('portalCourses.title')}</Link>
      </p>
    </Page>
  );
}
