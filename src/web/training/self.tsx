import { useId, useRef, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type {
  AnswersSaved,
  MyCompetence,
  Result,
  RoundOut,
  Sitting,
  StaffLevels,
} from '@/modules/training/training.frameworks.schema';
import { api, type Me } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { Field, FormError, problemsOf } from '@/web/components/field';
import { ScrollBox } from '@/web/components/scroll-box';
import { ErrorBox, Loading } from '@/web/components/status';
import './self.css';

type MyRecord = Static<typeof MyCompetence>;
type SittingRecord = Static<typeof Sitting>;
type ResultRecord = Static<typeof Result>;
type StaffRecord = Static<typeof StaffLevels>;

const MY_KEY = ['training', 'self'];

/**
 * "My ICT competence": the self-assessment one area per screen, each answer saved as it is chosen (a reload
 * resumes where the person stopped), then a level per area with its explanation, suggested programmes and
 * past sittings.
 */
export function MyCompetencePage() {
  const { t } = useTranslation();
  const f = useFormat();
  const my = useQuery({
    queryKey: MY_KEY,
    queryFn: ({ signal }) => api<MyRecord>('/training/self', { signal }),
  });
  const [taking, setTaking] = useState(false);
  const [justSubmitted, setJustSubmitted] = useState<ResultRecord | null>(null);
  const client = useQueryClient();

  if (my.isPending)
    return (
      <Page title={t('trainingSelf.title')}>
        <Loading />
      </Page>
    );
  if (my.isError)
    return (
      <Page title={t('trainingSelf.title')}>
        <ErrorBox error={my.error} onRetry={() => void my.refetch()} />
      </Page>
    );
  const d = my.data;
  if (!d.framework)
    return (
      <Page title={t('trainingSelf.title')}>
        <p>{t('trainingSelf.notSetUp')}</p>
      </Page>
    );

  if (taking)
    return (
      <Page title={t('trainingSelf.title')}>
        <Questionnaire
          onDone={(result) => {
            setJustSubmitted(result);
            setTaking(false);
            void client.invalidateQueries({ queryKey: MY_KEY });
          }}
          onLeave={() => {
            setTaking(false);
            void client.invalidateQueries({ queryKey: MY_KEY });
          }}
        />
      </Page>
    );

  const current = justSubmitted ?? d.current;
  return (
    <Page title={t('trainingSelf.title')} intro={t('trainingSelf.intro', { framework: d.framework.name })}>
      {d.rounds.map((r) => (
        <div key={r.id} className="notice" role="note">
          <p>
            <strong>{t('trainingSelf.roundAsk', { date: f.date(r.closesOn) })}</strong>
          </p>
          {r.message ? <p>{r.message}</p> : null}
        </div>
      ))}
      <section className="card" aria-labelledby="self-take">
        <h2 id="self-take">{t('trainingSelf.questionnaire')}</h2>
        <p>{t('trainingSelf.about', { n: f.number(d.items) })}</p>
        {d.open ? (
          <p>
            {t('trainingSelf.answeredOf', { n: f.number(d.open.answered), total: f.number(d.open.total) })}
          </p>
        ) : null}
        <button type="button" onClick={() => setTaking(true)}>
          {d.open
            ? t('trainingSelf.resume')
            : current
              ? t('trainingSelf.takeAgain')
              : t('trainingSelf.start')}
        </button>
      </section>
      {current ? <Levels result={current} /> : <p>{t('trainingSelf.noLevels')}</p>}
      {d.history.length > 0 ? (
        <section aria-labelledby="self-history">
          <h2 id="self-history">{t('trainingSelf.history')}</h2>
          <ul className="list">
            {d.history.map((s) => (
              <li key={s.id}>
                <span className="what">
                  {s.submittedAt
                    ? t('trainingSelf.submittedOn', { date: f.date(s.submittedAt) })
                    : t('trainingSelf.inProgressSince', { date: f.date(s.startedAt) })}
                </span>
                {s.levels.length > 0 ? (
                  <span className="meta">
                    {s.levels.map((l) => `${l.name}: ${l.level.code}`).join(' · ')}
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </Page>
  );
}

/** The levels of a submitted sitting, each with its plain explanation, and the programmes suggested. */
function Levels({ result }: { result: ResultRecord }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <>
      <section aria-labelledby="self-levels">
        <h2 id="self-levels">{t('trainingSelf.levels')}</h2>
        <p className="hint">{t('trainingSelf.levelsOn', { date: f.date(result.submittedAt) })}</p>
        <ul className="list self-levels">
          {result.areas.map((a) => (
            <li key={a.areaId}>
              <span className="what">{a.name}</span>
              <span className="self-level">
                <strong>
                  {a.level.code} · {a.level.name}
                </strong>{' '}
                <span className="meta">
                  {t('trainingSelf.points', { score: f.number(a.score), max: f.number(a.maxScore) })}
                </span>
              </span>
              <p>{a.level.description}</p>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="self-suggested">
        <h2 id="self-suggested">{t('trainingSelf.suggested')}</h2>
        {result.suggestions.length === 0 ? <p>{t('trainingSelf.noSuggestions')}</p> : null}
        <ul className="list">
          {result.suggestions.map((p) => (
            <li key={p.id}>
              <Link to={`/training/programmes/${p.id}`} className="what">
                {p.title}
              </Link>
              <span className="meta">
                {t('trainingSelf.hours', { n: f.number(p.hours) })} · {p.areas.map((a) => a.name).join(', ')}
              </span>
              {p.description ? <p>{p.description}</p> : null}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

/** The questionnaire, one area per screen; every choice is saved at once. */
function Questionnaire({ onDone, onLeave }: { onDone: (r: ResultRecord) => void; onLeave: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const sitting = useQuery({
    queryKey: ['training', 'sitting'],
    queryFn: () => api<SittingRecord>('/training/self/sittings', { method: 'POST' }),
    gcTime: 0,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });
  if (sitting.isPending) return <Loading />;
  if (sitting.isError) return <ErrorBox error={sitting.error} onRetry={() => void sitting.refetch()} />;
  return (
    <Areas key={sitting.data.id} sitting={sitting.data} onDone={onDone} onLeave={onLeave} format={f} t={t} />
  );
}

function Areas({
  sitting,
  onDone,
  onLeave,
  format: f,
  t,
}: {
  sitting: SittingRecord;
  onDone: (r: ResultRecord) => void;
  onLeave: () => void;
  format: ReturnType<typeof useFormat>;
  t: ReturnType<typeof useTranslation>['t'];
}) {
  const [answers, setAnswers] = useState<Record<string, number>>(sitting.answers);
  const firstOpen = sitting.areas.findIndex((a) => a.items.some((q) => sitting.answers[q.id] === undefined));
  const [index, setIndex] = useState(firstOpen === -1 ? sitting.areas.length - 1 : firstOpen);
  const [saving, setSaving] = useState(0);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const heading = useRef<HTMLHeadingElement>(null);

  const area = sitting.areas[index]!;
  const answered = Object.keys(answers).length;
  const last = index === sitting.areas.length - 1;

  const choose = (itemId: string, choice: number) => {
    setAnswers((a) => ({ ...a, [itemId]: choice }));
    setMissing(false);
    setSaving((n) => n + 1);
    // One save after another, so a quick change of mind lands last.
    queue.current = queue.current
      .then(() =>
        api<Static<typeof AnswersSaved>>(`/training/self/sittings/${sitting.id}/answers`, {
          method: 'PUT',
          body: { answers: [{ itemId, choice }] },
        }),
      )
      .then(
        () => setSaveError(null),
        (error: unknown) => setSaveError(error),
      )
      .finally(() => setSaving((n) => n - 1));
  };

  const submit = useMutation({
    mutationFn: async () => {
      await queue.current;
      return api<ResultRecord>(`/training/self/sittings/${sitting.id}/submit`, { method: 'POST' });
    },
    onSuccess: onDone,
  });

  const go = (to: number) => {
    setIndex(to);
    setMissing(false);
    window.scrollTo(0, 0);
    requestAnimationFrame(() => heading.current?.focus());
  };
  const next = () => {
    if (area.items.some((q) => answers[q.id] === undefined)) {
      setMissing(true);
      return;
    }
    if (last) submit.mutate();
    else go(index + 1);
  };

  return (
    <div className="self-take">
      <p className="self-progress">
        <label>
          {t('trainingSelf.progress', {
            area: f.number(index + 1),
            areas: f.number(sitting.areas.length),
            n: f.number(answered),
            total: f.number(sitting.total),
          })}
          <progress value={answered} max={sitting.total} />
        </label>
      </p>
      <h2 ref={heading} tabIndex={-1}>
        {area.name}
      </h2>
      <p className="hint">{area.description}</p>
      {area.items.map((q, qi) => (
        <fieldset key={q.id} className="self-item">
          <legend>
            {qi + 1}. {q.text}
          </legend>
          {q.options.map((o, i) => (
            <label key={i} className="check">
              <input
                type="radio"
                name={`q-${q.id}`}
                checked={answers[q.id] === i}
                onChange={() => choose(q.id, i)}
              />
              {o}
            </label>
          ))}
        </fieldset>
      ))}
      <p role="status" className="hint">
        {saving > 0 ? t('trainingSelf.saving') : saveError ? '' : answered > 0 ? t('trainingSelf.saved') : ''}
      </p>
      {saveError ? <ErrorBox error={saveError} /> : null}
      {missing ? (
        <p className="field-error" role="alert">
          {t('trainingSelf.answerAll')}
        </p>
      ) : null}
      {submit.isError ? <ErrorBox error={submit.error} /> : null}
      <div className="row-buttons">
        {index > 0 ? (
          <button type="button" className="secondary" onClick={() => go(index - 1)}>
            {t('trainingSelf.back')}
          </button>
        ) : (
          <button type="button" className="secondary" onClick={onLeave}>
            {t('trainingSelf.later')}
          </button>
        )}
        <button type="button" onClick={next} disabled={submit.isPending}>
          {last ? t('trainingSelf.submit') : t('trainingSelf.next')}
        </button>
      </div>
    </div>
  );
}

/** The school whose staff a director sees: the first they direct. */
const directedSchool = (me: Me) =>
  me.roles.find((g) => g.role === 'director' && g.institutionId)?.institutionId ?? null;

/** The director's page: ask the staff to take the self-assessment by a day, and see their levels. */
export function StaffCompetencePage({ me }: { me: Me }) {
  const { t } = useTranslation();
  const schoolId = directedSchool(me);
  return (
    <Page title={t('trainingSelf.staffTitle')} intro={t('trainingSelf.staffIntro')}>
      {schoolId === null ? <p>{t('trainingSelf.noSchool')}</p> : <Staff schoolId={schoolId} />}
    </Page>
  );
}

function Staff({ schoolId }: { schoolId: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const staff = useQuery({
    queryKey: ['training', 'staff', schoolId],
    queryFn: ({ signal }) => api<StaffRecord>(`/training/schools/${schoolId}/staff`, { signal }),
  });
  if (staff.isPending) return <Loading />;
  if (staff.isError) return <ErrorBox error={staff.error} onRetry={() => void staff.refetch()} />;
  const d = staff.data;
  const taken = d.staff.filter((p) => p.taken).length;
  const latest = d.rounds[0];
  return (
    <>
      <NewRound schoolId={schoolId} />
      {latest ? (
        <p>{t('trainingSelf.latestRound', { from: f.date(latest.opensOn), to: f.date(latest.closesOn) })}</p>
      ) : null}
      <section aria-labelledby="staff-levels">
        <h2 id="staff-levels">{t('trainingSelf.staffLevels')}</h2>
        <p>{t('trainingSelf.takenOf', { n: f.number(taken), total: f.number(d.staff.length) })}</p>
        <div className="self-staff">
          <ScrollBox label={t('trainingSelf.staffLevels')}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('trainingSelf.person')}</th>
                  <th scope="col">{t('trainingSelf.status')}</th>
                  {d.areas.map((a, i) => (
                    <th scope="col" key={a.id}>
                      <abbr title={a.name}>{i + 1}</abbr>
                      <span className="visually-hidden"> {a.name}</span>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {d.staff.map((p) => (
                  <tr key={p.userId}>
                    <th scope="row">{p.displayName}</th>
                    <td>
                      {p.taken
                        ? t('trainingSelf.taken')
                        : p.inProgress
                          ? t('trainingSelf.inProgress')
                          : t('trainingSelf.notTaken')}
                    </td>
                    {p.levels.map((l, i) => (
                      <td key={d.areas[i]!.id}>{l === null ? '—' : (d.framework.levels[l]?.code ?? '—')}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollBox>
        </div>
        <h3>{t('trainingSelf.areasKey')}</h3>
        <ol className="self-key">
          {d.areas.map((a) => (
            <li key={a.id}>{a.name}</li>
          ))}
        </ol>
        <h3>{t('trainingSelf.levelsKey')}</h3>
        <dl className="self-key">
          {d.framework.levels.map((l) => (
            <div key={l.code}>
              <dt>
                {l.code} · {l.name}
              </dt>
              <dd>{l.description}</dd>
            </div>
          ))}
        </dl>
      </section>
    </>
  );
}

const ROUND_FIELDS = ['opensOn', 'closesOn', 'message'] as const;

function NewRound({ schoolId }: { schoolId: number }) {
  const { t } = useTranslation();
  const id = useId();
  const client = useQueryClient();
  const [closesOn, setClosesOn] = useState('');
  const [message, setMessage] = useState('');
  const [done, setDone] = useState(false);
  const create = useMutation({
    mutationFn: () =>
      api<Static<typeof RoundOut>>(`/training/schools/${schoolId}/rounds`, {
        method: 'POST',
        body: { closesOn, message },
      }),
    onSuccess: () => {
      setDone(true);
      setMessage('');
      void client.invalidateQueries({ queryKey: ['training', 'staff', schoolId] });
    },
  });
  const { byField, rest } = problemsOf(create.error, ROUND_FIELDS);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    create.mutate();
  };
  return (
    <form className="form card" onSubmit={onSubmit} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('trainingSelf.roundTitle')}</h2>
      <p className="hint">{t('trainingSelf.roundHint')}</p>
      <Field id={`${id}-closes`} label={t('trainingSelf.closesOn')} errors={byField.get('closesOn')}>
        {(a11y) => (
          <input
            {...a11y}
            type="date"
            required
            value={closesOn}
            onChange={(e) => setClosesOn(e.target.value)}
          />
        )}
      </Field>
      <Field id={`${id}-message`} label={t('trainingSelf.message')} errors={byField.get('message')}>
        {(a11y) => (
          <textarea
            {...a11y}
            rows={3}
            maxLength={2000}
            value={message}
            onChange={(e) => setMessage(e.target.value)}
          />
        )}
      </Field>
      {create.isError ? <FormError error={create.error} rest={rest} /> : null}
      {done ? <p role="status">{t('trainingSelf.roundOpened')}</p> : null}
      <button type="submit" disabled={create.isPending}>
        {t('trainingSelf.openRound')}
      </button>
    </form>
  );
}
