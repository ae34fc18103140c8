import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Static } from 'typebox';
import type { AttemptOut } from '@/modules/training/training.programmes.schema';
import { api } from '@/web/api';
import { useFormat } from '@/web/format';
import { Link } from '@/web/router';
import { Page } from '@/web/components/page';
import { ErrorBox, Loading } from '@/web/components/status';

type AttemptRecord = Static<typeof AttemptOut>;
type Question = AttemptRecord['questions'][number];
type Answer = NonNullable<Question['answer']>;

/**
 * The final assessment of a programme, one question per screen: each answer is saved as it is given, and the
 * attempt is submitted at the end; the result says whether the programme is completed.
 */
export function AssessmentPage({ id }: { id: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const client = useQueryClient();
  const [attempt, setAttempt] = useState<AttemptRecord | null>(null);
  const [index, setIndex] = useState(0);
  const start = useMutation({
    mutationFn: () => api<AttemptRecord>(`/training/enrolments/${id}/attempt`, { method: 'POST' }),
    onSuccess: (a) => {
      setAttempt(a);
      setIndex(0);
    },
  });
  const answer = useMutation({
    mutationFn: (input: { questionId: number; answer: Answer }) =>
      api<AttemptRecord>(`/training/attempts/${attempt!.id}/answer`, { method: 'PUT', body: input }),
    onSuccess: (a) => setAttempt(a),
  });
  const submit = useMutation({
    mutationFn: () => api<AttemptRecord>(`/training/attempts/${attempt!.id}/submission`, { method: 'POST' }),
    onSuccess: async (a) => {
      setAttempt(a);
      await client.invalidateQueries({ queryKey: ['training'] });
    },
  });
  const q = attempt?.questions[index];
  const count = attempt?.questions.length ?? 0;
  return (
    <Page title={attempt?.programmeTitle ?? t('trainingCourses.assessment')}>
      <p>
        <Link to="/training/programmes">{t('trainingCourses.back')}</Link>
      </p>
      {!attempt ? (
        <section className="card">
          <p>{t('trainingCourses.assessmentIntro')}</p>
          <button type="button" disabled={start.isPending} onClick={() => start.mutate()}>
            {t('trainingCourses.startAssessment')}
          </button>
          {start.isPending ? <Loading /> : null}
          {start.isError ? <ErrorBox error={start.error} /> : null}
        </section>
      ) : attempt.submitted ? (
        <section className="card" aria-labelledby="assessment-result">
          <h2 id="assessment-result">{t('trainingCourses.result')}</h2>
          <p role="status">
            {attempt.passed
              ? t('trainingCourses.passedResult', {
                  n: f.number(attempt.score ?? 0),
                  mark: f.number(attempt.passMark),
                })
              : t('trainingCourses.failedResult', {
                  n: f.number(attempt.score ?? 0),
                  mark: f.number(attempt.passMark),
                })}
          </p>
          {!attempt.passed && attempt.attemptsLeft > 0 ? (
            <button type="button" onClick={() => start.mutate()} disabled={start.isPending}>
              {t('trainingCourses.retake')}
            </button>
          ) : null}
          {start.isError ? <ErrorBox error={start.error} /> : null}
        </section>
      ) : q ? (
        <section className="card" aria-labelledby="assessment-question">
          <p className="meta">{t('trainingCourses.questionOf', { n: index + 1, count })}</p>
          <h2 id="assessment-question">{q.prompt}</h2>
          <AnswerInput
            key={q.id}
            question={q}
            disabled={answer.isPending}
            onAnswer={(a) => answer.mutate({ questionId: q.id, answer: a })}
          />
          {answer.isError ? <ErrorBox error={answer.error} /> : null}
          <div className="row-buttons">
            {index > 0 ? (
              <button type="button" className="secondary" onClick={() => setIndex(index - 1)}>
                {t('trainingCourses.previous')}
              </button>
            ) : null}
            {index < count - 1 ? (
              <button type="button" onClick={() => setIndex(index + 1)}>
                {t('trainingCourses.next')}
              </button>
            ) : (
              <button
                type="button"
                disabled={submit.isPending || answer.isPending}
                onClick={() => submit.mutate()}
              >
                {t('trainingCourses.submit')}
              </button>
            )}
          </div>
          <p className="meta">
            {t('trainingCourses.answered', {
              n: attempt.questions.filter((x) => x.answer !== null).length,
              count,
            })}
          </p>
          {submit.isError ? <ErrorBox error={submit.error} /> : null}
        </section>
      ) : null}
    </Page>
  );
}

/** The controls of one question, by its kind; every change is an answer to save. */
function AnswerInput({
  question: q,
  disabled,
  onAnswer,
}: {
  question: Question;
  disabled: boolean;
  onAnswer: (a: Answer) => void;
}) {
  const { t } = useTranslation();
  const name = `question-${q.id}`;
  const a = q.answer;
  switch (q.kind) {
    case 'single':
    case 'multiple':
      return (
        <fieldset>
          <legend>
            {q.kind === 'single' ? t('trainingCourses.chooseOne') : t('trainingCourses.chooseAll')}
          </legend>
          {(q.options ?? []).map((o, i) => (
            <label key={i} className="check">
              <input
                type={q.kind === 'single' ? 'radio' : 'checkbox'}
                name={name}
                disabled={disabled}
                checked={q.kind === 'single' ? a?.choice === i : (a?.choices ?? []).includes(i)}
                onChange={() => {
                  if (q.kind === 'single') onAnswer({ choice: i });
                  else {
                    const now = a?.choices ?? [];
                    onAnswer({ choices: now.includes(i) ? now.filter((x) => x !== i) : [...now, i] });
                  }
                }}
              />
              {o}
            </label>
          ))}
        </fieldset>
      );
    case 'true_false':
      return (
        <fieldset>
          <legend>{t('trainingCourses.chooseOne')}</legend>
          {[true, false].map((v) => (
            <label key={String(v)} className="check">
              <input
                type="radio"
                name={name}
                disabled={disabled}
                checked={a?.truth === v}
                onChange={() => onAnswer({ truth: v })}
              />
              {v ? t('trainingCourses.true') : t('trainingCourses.false')}
            </label>
          ))}
        </fieldset>
      );
    case 'numeric':
    case 'short_text':
      return <TextAnswer question={q} disabled={disabled} onAnswer={onAnswer} />;
    case 'ordering':
      return <OrderAnswer question={q} disabled={disabled} onAnswer={onAnswer} />;
    case 'matching':
      return (
        <div className="form">
          {(q.left ?? []).map((l, i) => (
            <div className="field" key={i}>
              <label htmlFor={`${name}-${i}`}>{l}</label>
              <select
                id={`${name}-${i}`}
                disabled={disabled}
                value={a?.pairs?.[i] ?? ''}
                onChange={(e) => {
                  const pairs = (q.left ?? []).map((_, j) => a?.pairs?.[j] ?? null);
                  pairs[i] = e.target.value === '' ? null : Number(e.target.value);
                  onAnswer({ pairs });
                }}
              >
                <option value="">{t('trainingCourses.choose')}</option>
                {(q.right ?? []).map((r, j) => (
                  <option key={j} value={j}>
                    {r}
                  </option>
                ))}
              </select>
            </div>
          ))}
        </div>
      );
    default:
      return null;
  }
}

function TextAnswer({
  question: q,
  disabled,
  onAnswer,
}: {
  question: Question;
  disabled: boolean;
  onAnswer: (a: Answer) => void;
}) {
  const { t } = useTranslation();
  const numeric = q.kind === 'numeric';
  const [value, setValue] = useState(numeric ? String(q.answer?.number ?? '') : (q.answer?.text ?? ''));
  const id = `question-${q.id}-text`;
  return (
    <div className="field">
      <label htmlFor={id}>{t('trainingCourses.yourAnswer')}</label>
      <input
        id={id}
        disabled={disabled}
        inputMode={numeric ? 'decimal' : undefined}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        onBlur={() => {
          if (value.trim() === '') return;
          onAnswer(numeric ? { number: Number(value.replace(',', '.')) } : { text: value });
        }}
      />
    </div>
  );
}

function OrderAnswer({
  question: q,
  disabled,
  onAnswer,
}: {
  question: Question;
  disabled: boolean;
  onAnswer: (a: Answer) => void;
}) {
  const { t } = useTranslation();
  const items = q.items ?? [];
  const order = q.answer?.order ?? items.map((_, i) => i);
  const move = (at: number, by: number) => {
    const next = [...order];
    [next[at], next[at + by]] = [next[at + by]!, next[at]!];
    onAnswer({ order: next });
  };
  return (
    <ol>
      {order.map((i, at) => (
        <li key={i}>
          {items[i]}{' '}
          <button
            type="button"
            className="secondary"
            disabled={disabled || at === 0}
            onClick={() => move(at, -1)}
          >
            {t('trainingCourses.up')}
          </button>{' '}
          <button
            type="button"
            className="secondary"
            disabled={disabled || at === order.length - 1}
            onClick={() => move(at, 1)}
          >
            {t('trainingCourses.down')}
          </button>
        </li>
      ))}
    </ol>
  );
}
