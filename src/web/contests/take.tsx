import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { Attempt, Contest, SavedAnswer } from '@/modules/contests/contests.schema';
import { api, ApiError } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading, useErrorText } from '@/web/components/status';
import { LeaderboardSection } from '@/web/contests/leaderboard';
import {
  change,
  loadQueue,
  merge,
  settle,
  storeQueue,
  type Answer,
  type Queue,
  type Versioned,
} from '@/web/contests/take-queue';
import './contests.css';

type AttemptRecord = Static<typeof Attempt> & { receivedAt: number };
type ContestRecord = Static<typeof Contest>;
type Question = AttemptRecord['questions'][number];

/** How often waiting answers are retried while the page is open (besides the browser's `online` event). */
const RETRY_MS = 5_000;
/** The minutes before the deadline at which the time left is announced to screen readers. */
const WARN_AT = [10, 5, 1];

/**
 * `/my/contest-attempts/:id`: taking a contest, all questions on one scrolling page (on a phone this is
 * simpler than paging: nothing to lose, the browser's own find and scroll work), each answer saved as the
 * student goes; once handed in (or the time is up), the result.
 */
export function AttemptPage({ id }: { id: number }) {
  const { t } = useTranslation();
  const attempt = useQuery({
    queryKey: ['contest-attempt', id],
    queryFn: async ({ signal }): Promise<AttemptRecord> => ({
      ...(await api<Static<typeof Attempt>>(`/contest-attempts/${id}`, { signal })),
      receivedAt: Date.now(),
    }),
    // The page holds the answers being written; a refetch would only move the timer, so it is asked for.
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
  const contestId = attempt.data?.contestId;
  const contest = useQuery({
    queryKey: ['contest', contestId],
    queryFn: ({ signal }) => api<ContestRecord>(`/contests/${contestId}`, { signal }),
    enabled: contestId !== undefined,
  });
  const title = contest.data?.title ?? t('contests.title');
  return (
    <Page title={title}>
      <p>
        <Link to={contestId ? `/my/contests/${contestId}` : '/my/contests'}>
          {t('contests.backToContest')}
        </Link>
      </p>
      {attempt.isPending ? <Loading /> : null}
      {attempt.isError ? <ErrorBox error={attempt.error} onRetry={() => void attempt.refetch()} /> : null}
      {attempt.data?.state === 'open' ? (
        <Taking key={attempt.data.id} attempt={attempt.data} onOver={() => void attempt.refetch()} />
      ) : null}
      {attempt.data && attempt.data.state !== 'open' ? (
        <Result attempt={attempt.data} contest={contest.data} />
      ) : null}
    </Page>
  );
}

/** Whether a failure may pass with a retry (no connection, the server down, signed out) rather than a refusal. */
const transient = (error: unknown) =>
  !(error instanceof ApiError) || error.status === 0 || error.status === 401 || error.status >= 500;

function Taking({ attempt, onOver }: { attempt: AttemptRecord; onOver: () => void }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const client = useQueryClient();
  const questionIds = attempt.questions.map((q) => q.id);
  const [start] = useState(() => merge(attempt.answers, loadQueue(attempt.id), questionIds));
  const [answers, setAnswers] = useState<Record<number, Versioned>>(start.answers);
  const [queue, setQueueState] = useState<Queue>(start.queue);
  const queueRef = useRef<Queue>(start.queue);
  const answersRef = useRef(answers);
  const [refused, setRefused] = useState<Record<number, string>>({});
  const [online, setOnline] = useState(() => navigator.onLine);
  const sending = useRef<Promise<void> | null>(null);
  const again = useRef(false);
  // The latest callbacks, so that the sending loop and its listeners are set up once.
  const latest = useRef({ onOver, errorText });
  latest.current = { onOver, errorText };

  const setQueue = useCallback(
    (next: Queue) => {
      queueRef.current = next;
      storeQueue(attempt.id, next);
      setQueueState(next);
    },
    [attempt.id],
  );

  /** Sends every waiting answer, one at a time; stops at the first sign of a lost connection. */
  const sendAll = useCallback(async () => {
    do {
      again.current = false;
      for (const [key, entry] of Object.entries(queueRef.current)) {
        const questionId = Number(key);
        try {
          await api<Static<typeof SavedAnswer>>(`/contest-attempts/${attempt.id}/answers/${questionId}`, {
            method: 'PUT',
            body: entry,
          });
          setOnline(true);
          setQueue(settle(queueRef.current, questionId, entry.version));
        } catch (error) {
          if (transient(error)) {
            setOnline(false);
            return;
          }
          if (error instanceof ApiError && error.code === 'contests.attempt_closed') {
            latest.current.onOver();
            return;
          }
          // Refused for good (the answer does not fit the question): say why, keep nothing to resend.
          setRefused((r) => ({ ...r, [questionId]: latest.current.errorText(error) }));
          setQueue(settle(queueRef.current, questionId, entry.version));
        }
      }
    } while (again.current && Object.keys(queueRef.current).length > 0);
  }, [attempt.id, setQueue]);

  /**
   * Sends what waits; a call while a send is under way has it go round once more and waits for the end,
   * so that nothing is sent twice at the same time and a hand-in waits for the last answer.
   */
  const flush = useCallback((): Promise<void> => {
    if (sending.current) {
      again.current = true;
      return sending.current;
    }
    const run = sendAll().finally(() => {
      sending.current = null;
    });
    sending.current = run;
    return run;
  }, [sendAll]);

  const answer = (questionId: number, value: Answer) => {
    const next = change(answersRef.current, queueRef.current, questionId, value);
    answersRef.current = next.answers;
    setAnswers(next.answers);
    setRefused((r) => {
      const rest = { ...r };
      delete rest[questionId];
      return rest;
    });
    setQueue(next.queue);
    void flush();
  };

  // Keep sending: now, when the browser says it is back online, and every few seconds while answers wait.
  useEffect(() => {
    storeQueue(attempt.id, queueRef.current);
    void flush();
    const up = () => {
      setOnline(true);
      void flush();
    };
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    const timer = setInterval(() => {
      if (Object.keys(queueRef.current).length > 0) void flush();
    }, RETRY_MS);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
      clearInterval(timer);
    };
  }, [attempt.id, flush]);

  const submit = useMutation({
    mutationFn: async () => {
      await flush();
      if (Object.keys(queueRef.current).length > 0)
        throw new ApiError(0, 'contests.notSent', t('contests.notSent'));
      return api<Static<typeof Attempt>>(`/contest-attempts/${attempt.id}/submit`, { method: 'POST' });
    },
    onSuccess: async (done) => {
      client.setQueryData(['contest-attempt', attempt.id], { ...done, receivedAt: Date.now() });
      storeQueue(attempt.id, {});
      await client.invalidateQueries({ queryKey: ['contests'] });
      await client.invalidateQueries({ queryKey: ['contest', attempt.contestId] });
      await client.invalidateQueries({ queryKey: ['contest-leaderboard', attempt.contestId] });
    },
  });
  const [confirming, setConfirming] = useState(false);
  const unanswered = attempt.questions.filter((q) => !answers[q.id]).length;
  const waiting = Object.keys(queue).length;

  return (
    <>
      <Timer attempt={attempt} onTimeUp={onOver} />
      <div role="status" className={online ? 'visually-hidden' : 'notice offline-note'}>
        {online ? '' : t('contests.offline')}
      </div>
      {attempt.questions.map((q, i) => (
        <section key={q.id} className="card question" aria-labelledby={`q-${q.id}-title`}>
          <h2 id={`q-${q.id}-title`}>
            {t('contests.questionOf', { n: i + 1, total: attempt.questions.length })}
            <span className="meta"> · {t('contests.points', { n: q.points })}</span>
          </h2>
          <QuestionInput question={q} value={answers[q.id]?.answer} onAnswer={(a) => answer(q.id, a)} />
          <SaveState
            refused={refused[q.id]}
            state={queue[q.id] ? (online ? 'saving' : 'queued') : answers[q.id] ? 'saved' : 'unanswered'}
          />
        </section>
      ))}
      <section className="card" aria-labelledby="contest-submit">
        <h2 id="contest-submit">{t('contests.handIn')}</h2>
        {unanswered > 0 ? <p>{t('contests.unansweredCount', { n: unanswered })}</p> : null}
        {waiting > 0 ? <p>{t('contests.waitingCount', { n: waiting })}</p> : null}
        {confirming ? (
          <div className="confirm">
            <p>{t('contests.confirmHandIn')}</p>
            <div className="actions">
              <button type="button" disabled={submit.isPending} onClick={() => submit.mutate()}>
                {t('contests.confirm')}
              </button>
              <button type="button" className="secondary" onClick={() => setConfirming(false)}>
                {t('common.cancel')}
              </button>
            </div>
          </div>
        ) : (
          <button type="button" onClick={() => setConfirming(true)}>
            {t('contests.handInButton')}
          </button>
        )}
        {submit.isError ? <ErrorBox error={submit.error} /> : null}
      </section>
    </>
  );
}

/** A question's saving state, in words: saved, being sent, kept here until the connection returns, or refused. */
function SaveState({
  refused,
  state,
}: {
  refused: string | undefined;
  state: 'saving' | 'queued' | 'saved' | 'unanswered';
}) {
  const { t } = useTranslation();
  return (
    <p className={`save-state ${refused ? 'refused' : state}`} role="status">
      {refused ?? t(`contests.${state}`)}
    </p>
  );
}

/**
 * The time left, from the server: the seconds it gave when the attempt was read, counted down from when
 * that answer arrived (the device's clock may be wrong; its ticking is not). Shown every second, announced
 * only at a few points.
 */
function Timer({ attempt, onTimeUp }: { attempt: AttemptRecord; onTimeUp: () => void }) {
  const { t } = useTranslation();
  const end = attempt.receivedAt + attempt.remainingSeconds * 1000;
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, Math.ceil((end - now) / 1000));
  const over = left === 0;
  const timeUp = useRef(onTimeUp);
  timeUp.current = onTimeUp;
  // At zero, ask the server (it closes the attempt at its deadline), again every few seconds until it has.
  useEffect(() => {
    if (!over) return;
    timeUp.current();
    const again = setInterval(() => timeUp.current(), 3000);
    return () => clearInterval(again);
  }, [over]);
  const minutes = Math.floor(left / 60);
  const clock = `${minutes}:${String(left % 60).padStart(2, '0')}`;
  const warning = WARN_AT.find((m) => left <= m * 60 && left > m * 60 - 30);
  return (
    <div className={`timer${left <= 60 ? ' urgent' : ''}`}>
      <span>{t('contests.timeLeft')}</span>{' '}
      <span role="timer" aria-label={t('contests.timeLeft')}>
        {clock}
      </span>
      <span className="visually-hidden" role="status">
        {warning ? t('contests.minutesLeft', { n: warning }) : ''}
      </span>
    </div>
  );
}

/** One question's answer control, by kind; `value` is the answer shown (saved or waiting). */
function QuestionInput({
  question: q,
  value,
  onAnswer,
}: {
  question: Question;
  value: Answer | undefined;
  onAnswer: (a: Answer) => void;
}) {
  const { t } = useTranslation();
  const name = `q-${q.id}`;
  switch (q.kind) {
    case 'single':
      return (
        <fieldset>
          <legend className="prompt">{q.prompt}</legend>
          {(q.options ?? []).map((o, i) => (
            <label key={i} className="check">
              <input
                type="radio"
                name={name}
                checked={value?.choice === i}
                onChange={() => onAnswer({ choice: i })}
              />
              {o}
            </label>
          ))}
        </fieldset>
      );
    case 'multiple': {
      const chosen = value?.choices ?? [];
      return (
        <fieldset>
          <legend className="prompt">{q.prompt}</legend>
          <p className="hint">{t('contests.chooseAll')}</p>
          {(q.options ?? []).map((o, i) => (
            <label key={i} className="check">
              <input
                type="checkbox"
                checked={chosen.includes(i)}
                onChange={(e) =>
                  onAnswer({
                    choices: e.target.checked
                      ? [...chosen, i].sort((a, b) => a - b)
                      : chosen.filter((c) => c !== i),
                  })
                }
              />
              {o}
            </label>
          ))}
        </fieldset>
      );
    }
    case 'true_false':
      return (
        <fieldset>
          <legend className="prompt">{q.prompt}</legend>
          {[true, false].map((truth) => (
            <label key={String(truth)} className="check">
              <input
                type="radio"
                name={name}
                checked={value?.truth === truth}
                onChange={() => onAnswer({ truth })}
              />
              {truth ? t('contests.true') : t('contests.false')}
            </label>
          ))}
        </fieldset>
      );
    case 'numeric':
      return (
        <TextAnswer
          prompt={q.prompt}
          initial={value?.number === undefined ? '' : String(value.number)}
          numeric
          onCommit={(text) => {
            const n = Number(text.trim().replace(',', '.'));
            if (text.trim() === '' || !Number.isFinite(n)) return false;
            onAnswer({ number: n });
            return true;
          }}
        />
      );
    case 'short_text':
      return (
        <TextAnswer
          prompt={q.prompt}
          initial={value?.text ?? ''}
          onCommit={(text) => {
            onAnswer({ text: text.trim().slice(0, 200) });
            return true;
          }}
        />
      );
    case 'matching':
      return <Matching question={q} value={value} onAnswer={onAnswer} />;
    case 'ordering':
      return <Ordering question={q} value={value} onAnswer={onAnswer} />;
  }
}

/**
 * A typed answer: saved when the student leaves the field, presses Enter, or stops typing for a moment
 * (not on every key).
 */
function TextAnswer({
  prompt,
  initial,
  numeric = false,
  onCommit,
}: {
  prompt: string;
  initial: string;
  numeric?: boolean;
  onCommit: (text: string) => boolean;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [text, setText] = useState(initial);
  const [committed, setCommitted] = useState(initial);
  const [invalid, setInvalid] = useState(false);
  const commit = useCallback(
    (value: string) => {
      if (value === committed) return;
      const ok = onCommit(value);
      setInvalid(!ok && value.trim() !== '');
      if (ok) setCommitted(value);
    },
    [committed, onCommit],
  );
  useEffect(() => {
    if (text === committed) return;
    const timer = setTimeout(() => commit(text), 1500);
    return () => clearTimeout(timer);
  }, [text, committed, commit]);
  return (
    <div className="field">
      <label htmlFor={id} className="prompt">
        {prompt}
      </label>
      <input
        id={id}
        type="text"
        inputMode={numeric ? 'decimal' : 'text'}
        autoComplete="off"
        maxLength={200}
        value={text}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? `${id}-error` : undefined}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => commit(text)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit(text);
        }}
      />
      {invalid ? (
        <p id={`${id}-error`} className="field-error">
          {t('contests.notNumber')}
        </p>
      ) : null}
    </div>
  );
}

/** Matching: for each left item, a select of the right items. */
function Matching({
  question: q,
  value,
  onAnswer,
}: {
  question: Question;
  value: Answer | undefined;
  onAnswer: (a: Answer) => void;
}) {
  const { t } = useTranslation();
  const left = q.left ?? [];
  const right = q.right ?? [];
  const pairs = value?.pairs ?? left.map(() => null);
  return (
    <fieldset>
      <legend className="prompt">{q.prompt}</legend>
      {left.map((item, i) => {
        const id = `q-${q.id}-pair-${i}`;
        return (
          <div key={i} className="field pair-row">
            <label htmlFor={id}>{item}</label>
            <select
              id={id}
              value={pairs[i] ?? ''}
              onChange={(e) => {
                const next = left.map((_, j) => pairs[j] ?? null);
                next[i] = e.target.value === '' ? null : Number(e.target.value);
                onAnswer({ pairs: next });
              }}
            >
              <option value="">{t('contests.choose')}</option>
              {right.map((r, j) => (
                <option key={j} value={j}>
                  {r}
                </option>
              ))}
            </select>
          </div>
        );
      })}
    </fieldset>
  );
}

/** Ordering: the items in a list, each moved with buttons (no dragging needed); each move is announced. */
function Ordering({
  question: q,
  value,
  onAnswer,
}: {
  question: Question;
  value: Answer | undefined;
  onAnswer: (a: Answer) => void;
}) {
  const { t } = useTranslation();
  const items = q.items ?? [];
  const order = value?.order && value.order.length === items.length ? value.order : items.map((_, i) => i);
  const [said, setSaid] = useState('');
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const [focusNext, setFocusNext] = useState<string | null>(null);
  useEffect(() => {
    if (focusNext) buttons.current.get(focusNext)?.focus();
  }, [focusNext, value]);
  const move = (position: number, by: -1 | 1) => {
    const next = [...order];
    const [item] = next.splice(position, 1);
    next.splice(position + by, 0, item!);
    onAnswer({ order: next });
    const to = position + by;
    setSaid(t('contests.moved', { item: items[item!], n: to + 1 }));
    // Keep focus on the same button of the moved item, or its other one at either end of the list.
    const edge = (by === -1 && to === 0) || (by === 1 && to === items.length - 1);
    setFocusNext(`${item}:${edge ? -by : by}`);
  };
  return (
    <fieldset>
      <legend className="prompt">{q.prompt}</legend>
      <p className="hint">{t('contests.orderHint')}</p>
      <ol className="ordering">
        {order.map((item, position) => (
          <li key={item}>
            <span className="item">{items[item]}</span>
            <span className="moves">
              <button
                type="button"
                className="secondary"
                ref={(el) => {
                  if (el) buttons.current.set(`${item}:-1`, el);
                }}
                disabled={position === 0}
                aria-label={t('contests.moveUp', { item: items[item] })}
                onClick={() => move(position, -1)}
              >
                ↑
              </button>
              <button
                type="button"
                className="secondary"
                ref={(el) => {
                  if (el) buttons.current.set(`${item}:1`, el);
                }}
                disabled={position === order.length - 1}
                aria-label={t('contests.moveDown', { item: items[item] })}
                onClick={() => move(position, 1)}
              >
                ↓
              </button>
            </span>
          </li>
        ))}
      </ol>
      <p className="visually-hidden" role="status">
        {said}
      </p>
    </fieldset>
  );
}

/** A handed-in (or timed-out) attempt: the score, each question's points once the contest is over. */
function Result({ attempt, contest }: { attempt: AttemptRecord; contest: ContestRecord | undefined }) {
  const { t } = useTranslation();
  const f = useFormat();
  const review = new Map((attempt.review ?? []).map((r) => [r.questionId, r]));
  // The attempt is over: nothing kept on this device for it can be sent any more.
  useEffect(() => storeQueue(attempt.id, {}), [attempt.id]);
  return (
    <>
      <section className="card result" aria-labelledby="contest-result">
        <h2 id="contest-result">{t('contests.resultTitle')}</h2>
        <p className="big">
          {t('contests.score', { score: f.number(attempt.score ?? 0), max: f.number(attempt.maxScore) })}
        </p>
        <p>{attempt.state === 'expired' ? t('contests.expiredNote') : t('contests.submittedNote')}</p>
        {attempt.review === null && contest ? (
          <p>{t('contests.reviewLater', { time: f.dateTime(contest.closesAt) })}</p>
        ) : null}
      </section>
      {attempt.review !== null ? (
        <section aria-labelledby="contest-review">
          <h2 id="contest-review">{t('contests.review')}</h2>
          <ol className="list review">
            {attempt.questions.map((q) => {
              const points = review.get(q.id)?.points ?? 0;
              const mark = points >= q.points ? 'right' : points > 0 ? 'partly' : 'wrong';
              return (
                <li key={q.id}>
                  <span className="what">{q.prompt}</span>
                  <span className={`mark-${mark}`}>
                    {t(`contests.mark.${mark}`)} ·{' '}
                    {t('contests.score', { score: f.number(points), max: f.number(q.points) })}
                  </span>
                </li>
              );
            })}
          </ol>
        </section>
      ) : null}
      {contest ? <LeaderboardSection contest={contest} level={2} /> : null}
    </>
  );
}
