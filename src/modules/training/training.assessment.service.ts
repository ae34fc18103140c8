import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError, notFound } from '@/server/errors';
import type { Locale } from '@/server/i18n';
import * as clock from '@/server/clock';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import {
  markAnswer,
  partsOrder,
  shownBody,
  toShown,
  toStored,
  type MarkedQuestion,
  type ShownAnswer,
  type StoredAnswer,
} from '@/modules/contests/contests.marking';
import type { QuestionKey, QuestionKind } from '@/modules/contests/contests.tables';
import * as store from '@/modules/training/training.programmes.store';
import { problem, refuseIf } from '@/modules/training/training.programmes.messages';
import { onCompleted } from '@/modules/training/training.enrolment.service';
import type { StoredBody } from '@/modules/training/training.programmes.service';

/**
 * The final assessment of a programme: an approved teacher who attended takes it once their session has
 * started. Questions are in the contests engine's kinds; its pure core (`contests.marking.ts`) shuffles the
 * options per attempt, turns the shown answers into stored ones and marks them. The score in percent against
 * the pass mark makes the enrolment `completed` or `failed`. One retake: a teacher who failed may take it once
 * more (two submitted attempts in all); the last attempt's result stands.
 */

export const ATTEMPTS_ALLOWED = 2;

/** Whether the teacher of an enrolment may take (or go on with) the assessment now. */
export async function canTake(
  db: Db,
  e: { id: number; status: string; attended: boolean | null; sessionId: number | null },
  programme: { passMark: number | null },
): Promise<boolean> {
  if (programme.passMark === null || e.attended !== true || e.sessionId === null) return false;
  const session = await store.findSession(db, e.sessionId);
  if (!session || clock.nowMs() < session.startsAt.getTime()) return false;
  if (e.status === 'approved') return true;
  if (e.status !== 'failed') return false;
  const submitted = (await store.attemptsOf(db, e.id)).filter((a) => a.submittedAt !== null).length;
  return submitted < ATTEMPTS_ALLOWED;
}

const marked = (q: store.QuestionRow): MarkedQuestion => ({
  id: q.id,
  kind: q.kind as QuestionKind,
  body: q.body as StoredBody,
  key: q.answer as QuestionKey,
  points: q.points,
});

/** The caller's own enrolment (anyone else's is not found). */
async function ownEnrolment(db: Db, actor: Actor, id: number) {
  const e = await store.findEnrolment(db, id);
  if (!e || e.userId !== actor.userId) throw notFound('enrolment');
  return e;
}

async function ownAttempt(db: Db, actor: Actor, id: number, lock = false) {
  const a = await store.findAttempt(db, id, lock);
  if (!a) throw notFound('attempt');
  const e = await ownEnrolment(db, actor, a.enrolmentId);
  return { attempt: a, enrolment: e };
}

async function presentAttempt(db: Db, attempt: store.AttemptRow, e: store.EnrolmentListRow) {
  const questions = await store.questionsOf(db, e.programmeId);
  const answers = attempt.answers as Record<string, StoredAnswer>;
  const submitted = (await store.attemptsOf(db, e.id)).filter((a) => a.submittedAt !== null).length;
  const score =
    attempt.submittedAt === null || !attempt.maxPoints
      ? null
      : Math.floor((Number(attempt.points) * 100) / Number(attempt.maxPoints));
  return {
    id: attempt.id,
    enrolmentId: e.id,
    programmeTitle: e.programmeTitle,
    passMark: e.passMark ?? 0,
    submitted: attempt.submittedAt !== null,
    questions: questions.map((row) => {
      const q = marked(row);
      const order = partsOrder(attempt.id, q, true);
      const stored = answers[String(q.id)];
      return {
        id: q.id,
        kind: q.kind,
        prompt: (row.body as StoredBody).prompt,
        points: q.points,
        ...shownBody(q.body, order),
        answer: stored ? toShown(q, order, stored) : null,
      };
    }),
    score,
    passed: attempt.passed,
    attemptsLeft: Math.max(0, ATTEMPTS_ALLOWED - submitted),
  };
}

/**
 * Refuses unless the enrolment (read under its lock) still stands for the assessment: approved, or failed
 * for the retake. The district may reject an approved teacher after they attended, with an attempt open.
 */
function stillTaking(status: string): void {
  if (status === 'completed') throw new AppError(409, 'training.already_completed');
  if (status !== 'approved' && status !== 'failed') throw new AppError(409, 'training.no_longer_enrolled');
}

/** Starts the assessment, or returns the attempt under way. */
export async function startAttempt(db: Db, actor: Actor, ctx: ChangeContext, enrolmentId: number) {
  const e = await ownEnrolment(db, actor, enrolmentId);
  const programme = (await store.findProgramme(db, e.programmeId))!;
  if (programme.passMark === null) throw new AppError(409, 'training.no_assessment');
  if (e.status === 'completed') throw new AppError(409, 'training.already_completed');
  const attemptId = await db.transaction(async (tx) => {
    const locked = (await store.lockEnrolment(tx, enrolmentId))!;
    // Decided meanwhile (rejected, withdrawn, completed): no attempt, not even the one under way.
    stillTaking(locked.status);
    const all = await store.attemptsOf(tx, enrolmentId);
    const open = all.find((a) => a.submittedAt === null);
    if (open) return open.id;
    if (!(await canTake(tx, { ...e, status: locked.status }, programme))) {
      if (e.status === 'failed') throw new AppError(409, 'training.no_attempts_left');
      if (e.sessionId !== null && e.attended === true) throw new AppError(409, 'training.not_started');
      throw new AppError(409, 'training.not_eligible');
    }
    if ((await store.questionsOf(tx, e.programmeId)).length === 0)
      throw new AppError(409, 'training.no_questions');
    const row = await store.insertAttempt(tx, enrolmentId);
    await audit(tx, ctx, { action: 'start', entity: 'training_attempt', entityId: row.id, after: row });
    return row.id;
  });
  return getAttempt(db, actor, attemptId);
}

export async function getAttempt(db: Db, actor: Actor, id: number) {
  const { attempt, enrolment } = await ownAttempt(db, actor, id);
  return presentAttempt(db, attempt, enrolment);
}

/** Saves one answer of an attempt under way (in the attempt's shown indexes). */
export async function answer(
  db: Db,
  actor: Actor,
  locale: Locale,
  id: number,
  input: { questionId: number; answer: ShownAnswer },
) {
  await db.transaction(async (tx) => {
    const { attempt, enrolment } = await ownAttempt(tx, actor, id, true);
    if (attempt.submittedAt !== null) throw new AppError(409, 'training.submitted');
    const row = (await store.questionsOf(tx, enrolment.programmeId)).find((q) => q.id === input.questionId);
    if (!row) return refuseIf([problem(locale, 'questionId', 'unknown_question')]);
    const q = marked(row);
    const out = toStored(q, partsOrder(attempt.id, q, true), input.answer);
    if ('problem' in out)
      return refuseIf([problem(locale, out.problem.field, 'answer', { rule: out.problem.rule })]);
    await store.saveAnswer(tx, id, q.id, out.answer);
  });
  return getAttempt(db, actor, id);
}

/** Submits: marks the answers, and the enrolment is completed (pass mark reached) or failed. */
export async function submit(db: Db, actor: Actor, ctx: ChangeContext, id: number) {
  await db.transaction(async (tx) => {
    const { attempt, enrolment } = await ownAttempt(tx, actor, id, true);
    if (attempt.submittedAt !== null) throw new AppError(409, 'training.submitted');
    // The enrolment's row, locked: a decision on it (a rejection) waits for this submission, or came first.
    stillTaking((await store.lockEnrolment(tx, enrolment.id))!.status);
    const questions = (await store.questionsOf(tx, enrolment.programmeId)).map(marked);
    const answers = attempt.answers as Record<string, StoredAnswer>;
    const points = questions.reduce((sum, q) => sum + markAnswer(q, answers[String(q.id)]), 0);
    const maxPoints = questions.reduce((sum, q) => sum + q.points, 0);
    const passMark = enrolment.passMark ?? 0;
    const passed = maxPoints > 0 && points * 100 >= passMark * maxPoints;
    const now = clock.now();
    await store.submitAttempt(tx, id, { points, maxPoints, passed, submittedAt: now });
    const score = maxPoints > 0 ? Math.floor((points * 100) / maxPoints) : 0;
    const after = await store.updateEnrolment(tx, enrolment.id, {
      score,
      status: passed ? 'completed' : 'failed',
      completedAt: passed ? now : null,
    });
    await audit(tx, ctx, {
      action: 'submit',
      entity: 'training_attempt',
      entityId: id,
      after: { points, maxPoints, passed, enrolment: after },
    });
    if (passed) await onCompleted(tx, enrolment.id);
  });
  return getAttempt(db, actor, id);
}
