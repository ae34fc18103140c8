import type { Static } from 'typebox';
import type { AnswerValue } from '@/modules/contests/contests.schema';

/**
 * A contest attempt's answers that the server has not confirmed yet. Each change of an answer gets the next
 * version of its question (the server keeps the highest and ignores a lower or equal one, so a retry is
 * harmless); the waiting ones are kept in memory and in localStorage under the attempt, so a lost connection
 * or a reload loses nothing. The functions here are pure data; the page sends and stores.
 */

/** An answer in the attempt's (shuffled) indexes, exactly as the API takes it. */
export type Answer = Static<typeof AnswerValue>;

/** One question's answer and its version. */
export interface Versioned {
  version: number;
  answer: Answer;
}

/** The answers waiting to be sent, by question id. */
export type Queue = Record<number, Versioned>;

const PREFIX = 'maktab.contest.answers.';

/** The queue of an attempt kept on this device (empty when none, or unreadable). */
export function loadQueue(attemptId: number): Queue {
  try {
    const text = localStorage.getItem(`${PREFIX}${attemptId}`);
    return text ? parseQueue(text) : {};
  } catch {
    return {};
  }
}

/** Keeps the queue of an attempt on this device; an empty queue leaves nothing behind. */
export function storeQueue(attemptId: number, queue: Queue): void {
  try {
    if (Object.keys(queue).length === 0) localStorage.removeItem(`${PREFIX}${attemptId}`);
    else localStorage.setItem(`${PREFIX}${attemptId}`, JSON.stringify(queue));
  } catch {
    // Storage full or blocked: the queue still lives in memory for this page's life.
  }
}

/** A stored queue, keeping only well-formed entries. */
export function parseQueue(text: string): Queue {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return {};
  }
  const queue: Queue = {};
  if (typeof data !== 'object' || data === null) return queue;
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    const id = Number(key);
    if (!Number.isInteger(id) || id < 1 || typeof value !== 'object' || value === null) continue;
    const { version, answer } = value as { version?: unknown; answer?: unknown };
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) continue;
    if (typeof answer !== 'object' || answer === null) continue;
    queue[id] = { version, answer };
  }
  return queue;
}

/**
 * What a reloaded page starts from: the server's saved answers, each replaced by the local one when that is
 * newer (a higher version, not sent yet); local entries the server already has are dropped from the queue.
 */
export function merge(
  saved: { questionId: number; version: number; answer: Answer }[],
  local: Queue,
  questionIds: number[],
): { answers: Record<number, Versioned>; queue: Queue } {
  const answers: Record<number, Versioned> = {};
  for (const a of saved) answers[a.questionId] = { version: a.version, answer: a.answer };
  const queue: Queue = {};
  for (const id of questionIds) {
    const mine = local[id];
    if (mine && mine.version > (answers[id]?.version ?? 0)) {
      answers[id] = mine;
      queue[id] = mine;
    }
  }
  return { answers, queue };
}

/** A new answer to a question: the next version after the one shown, queued to be sent. */
export function change(
  answers: Record<number, Versioned>,
  queue: Queue,
  questionId: number,
  answer: Answer,
): { answers: Record<number, Versioned>; queue: Queue } {
  const next = { version: (answers[questionId]?.version ?? 0) + 1, answer };
  return { answers: { ...answers, [questionId]: next }, queue: { ...queue, [questionId]: next } };
}

/**
 * The queue after the server stored (or already had) `version` of a question: the entry goes, unless a newer
 * answer was queued while the request was under way.
 */
export function settle(queue: Queue, questionId: number, version: number): Queue {
  const entry = queue[questionId];
  if (!entry || entry.version > version) return queue;
  const rest = { ...queue };
  delete rest[questionId];
  return rest;
}
