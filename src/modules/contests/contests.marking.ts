import type { QuestionBody, QuestionKey, QuestionKind } from '@/modules/contests/contests.tables';
import { answerKey } from '@/server/fold';

/**
 * The pure core of contests: the order a student sees (deterministic from the attempt), the translation
 * between what the student saw and the question's own indexes, and marking. No database, no clock.
 *
 * Marking is all or nothing per question: the question's points when the answer is right, else 0.
 * - single / multiple: the chosen set of options equals the correct set;
 * - true_false: the truth;
 * - numeric: |answer − value| ≤ tolerance (plus a relative 1e-9 for binary fractions);
 * - short_text: the folded answer (library folding, trimmed, spaces collapsed) equals a folded accepted text;
 * - matching: every left item is paired with its right item;
 * - ordering: the items are put in their stored (correct) order.
 */

/** An answer in the question's own indexes, as stored. */
export interface StoredAnswer {
  choices?: number[];
  truth?: boolean;
  number?: number;
  text?: string;
  pairs?: (number | null)[];
  order?: number[];
}

/** An answer as a student sends it: option, item and column indexes are the displayed (shuffled) ones. */
export interface ShownAnswer {
  choice?: number;
  choices?: number[];
  truth?: boolean;
  number?: number;
  text?: string;
  pairs?: (number | null)[];
  order?: number[];
}

/** A question as marking needs it. */
export interface MarkedQuestion {
  id: number;
  kind: QuestionKind;
  body: QuestionBody;
  key: QuestionKey;
  points: number;
}

// ---------------------------------------------------------------------------------------------------------
// Deterministic shuffling

/** A 32-bit hash of a few integers (FNV-1a over their bytes). */
function hash(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    let v = p | 0;
    for (let i = 0; i < 4; i++) {
      h ^= v & 0xff;
      h = Math.imul(h, 0x01000193);
      v >>>= 8;
    }
  }
  return h >>> 0;
}

/** mulberry32: a small seeded generator of numbers in [0, 1). */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A permutation of 0…n−1, the same for the same seed parts: `perm[shown] = original`. Seeded by the
 * attempt id (and the question and what is shuffled), so a reload shows the same order.
 */
export function permutation(n: number, ...seed: number[]): number[] {
  const perm = Array.from({ length: n }, (_, i) => i);
  const random = generator(hash(...seed));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [perm[i], perm[j]] = [perm[j]!, perm[i]!];
  }
  return perm;
}

const identity = (n: number) => Array.from({ length: n }, (_, i) => i);

/** What is shuffled in a question: its options, its two columns, or its items. */
export interface QuestionOrder {
  options?: number[];
  left?: number[];
  right?: number[];
  items?: number[];
}

const SALT = { questions: 1, options: 2, left: 3, right: 4, items: 5 } as const;

/** The order of a contest's questions in an attempt (indexes into the contest's list). */
export function questionOrder(attemptId: number, count: number, shuffle: boolean): number[] {
  return shuffle ? permutation(count, attemptId, SALT.questions) : identity(count);
}

/**
 * The order of a question's parts in an attempt. Ordering questions are always shuffled (their stored order
 * is the answer); matching's right column too (else it would follow the left).
 */
export function partsOrder(attemptId: number, q: MarkedQuestion, shuffle: boolean): QuestionOrder {
  const n = (list: string[] | undefined) => list?.length ?? 0;
  const shuffled = (length: number, salt: number, always = false) =>
    shuffle || always ? permutation(length, attemptId, q.id, salt) : identity(length);
  switch (q.kind) {
    case 'single':
    case 'multiple':
      return { options: shuffled(n(q.body.options), SALT.options) };
    case 'matching':
      return {
        left: shuffled(n(q.body.left), SALT.left),
        right: shuffled(n(q.body.right), SALT.right, true),
      };
    case 'ordering':
      return { items: shuffled(n(q.body.items), SALT.items, true) };
    case 'true_false':
    case 'numeric':
    case 'short_text':
      return {};
  }
}

/** The body as the student sees it: each list in the attempt's order. */
export function shownBody(body: QuestionBody, order: QuestionOrder): QuestionBody {
  const pick = (list: string[] | undefined, perm: number[] | undefined) =>
    list && perm ? perm.map((i) => list[i]!) : undefined;
  const out: QuestionBody = {};
  if (body.options) out.options = pick(body.options, order.options);
  if (body.left) out.left = pick(body.left, order.left);
  if (body.right) out.right = pick(body.right, order.right);
  if (body.items) out.items = pick(body.items, order.items);
  return out;
}

/** A problem with an answer: the field and the rule it breaks. */
export interface AnswerProblem {
  field: string;
  rule: 'wrong_kind' | 'out_of_range' | 'duplicate' | 'wrong_length' | 'not_permutation';
}

const inRange = (values: number[], n: number) => values.every((v) => Number.isInteger(v) && v >= 0 && v < n);
const distinct = (values: number[]) => new Set(values).size === values.length;

/**
 * Turns what the student sent (displayed indexes) into the stored answer (the question's indexes), or says
 * what is wrong with it. Exactly the field of the question's kind must be given.
 */
export function toStored(
  q: MarkedQuestion,
  order: QuestionOrder,
  a: ShownAnswer,
): { answer: StoredAnswer } | { problem: AnswerProblem } {
  const given = Object.keys(a).filter((k) => a[k as keyof ShownAnswer] !== undefined);
  const only = (field: keyof ShownAnswer) => given.length === 1 && given[0] === field;
  const wrong = (field: string, rule: AnswerProblem['rule']) => ({ problem: { field, rule } });
  switch (q.kind) {
    case 'single': {
      if (!only('choice')) return wrong('answer', 'wrong_kind');
      const perm = order.options!;
      if (!inRange([a.choice!], perm.length)) return wrong('answer.choice', 'out_of_range');
      return { answer: { choices: [perm[a.choice!]!] } };
    }
    case 'multiple': {
      if (!only('choices')) return wrong('answer', 'wrong_kind');
      const perm = order.options!;
      if (!inRange(a.choices!, perm.length)) return wrong('answer.choices', 'out_of_range');
      if (!distinct(a.choices!)) return wrong('answer.choices', 'duplicate');
      return { answer: { choices: a.choices!.map((c) => perm[c]!).sort((x, y) => x - y) } };
    }
    case 'true_false':
      return only('truth') ? { answer: { truth: a.truth! } } : wrong('answer', 'wrong_kind');
    case 'numeric':
      return only('number') && Number.isFinite(a.number)
        ? { answer: { number: a.number! } }
        : wrong('answer', 'wrong_kind');
    case 'short_text':
      return only('text') ? { answer: { text: a.text! } } : wrong('answer', 'wrong_kind');
    case 'matching': {
      if (!only('pairs')) return wrong('answer', 'wrong_kind');
      const left = order.left!;
      const right = order.right!;
      if (a.pairs!.length !== left.length) return wrong('answer.pairs', 'wrong_length');
      const chosen = a.pairs!.filter((p): p is number => p !== null);
      if (!inRange(chosen, right.length)) return wrong('answer.pairs', 'out_of_range');
      if (!distinct(chosen)) return wrong('answer.pairs', 'duplicate');
      const pairs: (number | null)[] = new Array<number | null>(left.length).fill(null);
      a.pairs!.forEach((p, shown) => {
        pairs[left[shown]!] = p === null ? null : right[p]!;
      });
      return { answer: { pairs } };
    }
    case 'ordering': {
      if (!only('order')) return wrong('answer', 'wrong_kind');
      const items = order.items!;
      if (a.order!.length !== items.length) return wrong('answer.order', 'wrong_length');
      if (!inRange(a.order!, items.length) || !distinct(a.order!))
        return wrong('answer.order', 'not_permutation');
      return { answer: { order: a.order!.map((shown) => items[shown]!) } };
    }
  }
}

/** The stored answer (or key) shown in the attempt's indexes: the inverse of `toStored`. */
export function toShown(q: MarkedQuestion, order: QuestionOrder, s: StoredAnswer): ShownAnswer {
  const inverse = (perm: number[]) => {
    const inv = new Array<number>(perm.length);
    perm.forEach((orig, shown) => (inv[orig] = shown));
    return inv;
  };
  switch (q.kind) {
    case 'single':
      return { choice: inverse(order.options!)[s.choices?.[0] ?? 0]! };
    case 'multiple': {
      const inv = inverse(order.options!);
      return { choices: (s.choices ?? []).map((c) => inv[c]!).sort((x, y) => x - y) };
    }
    case 'true_false':
      return { truth: s.truth! };
    case 'numeric':
      return { number: s.number! };
    case 'short_text':
      return { text: s.text! };
    case 'matching': {
      const invRight = inverse(order.right!);
      return {
        pairs: order.left!.map((orig) => {
          const p = s.pairs?.[orig];
          return p === null || p === undefined ? null : invRight[p]!;
        }),
      };
    }
    case 'ordering': {
      const inv = inverse(order.items!);
      return { order: (s.order ?? []).map((orig) => inv[orig]!) };
    }
  }
}

/** The correct answer of a question, in its own indexes (what a perfect student stores). */
export function correctAnswer(q: MarkedQuestion): StoredAnswer {
  switch (q.kind) {
    case 'single':
    case 'multiple':
      return { choices: [...(q.key.correct ?? [])].sort((x, y) => x - y) };
    case 'true_false':
      return { truth: q.key.truth! };
    case 'numeric':
      return { number: q.key.value! };
    case 'short_text':
      return { text: q.key.accepted![0]! };
    case 'matching':
      return { pairs: [...q.key.pairs!] };
    case 'ordering':
      return { order: identity(q.body.items!.length) };
  }
}

const sameList = (a: readonly (number | null)[] | undefined, b: readonly (number | null)[] | undefined) =>
  a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

/** Whether a stored answer is right. */
export function isCorrect(q: MarkedQuestion, a: StoredAnswer | undefined): boolean {
  if (!a) return false;
  switch (q.kind) {
    case 'single':
    case 'multiple': {
      const want = [...(q.key.correct ?? [])].sort((x, y) => x - y);
      const got = [...(a.choices ?? [])].sort((x, y) => x - y);
      return sameList(want, got);
    }
    case 'true_false':
      return a.truth === q.key.truth;
    case 'numeric': {
      if (typeof a.number !== 'number' || !Number.isFinite(a.number)) return false;
      const value = q.key.value!;
      const tolerance = q.key.tolerance ?? 0;
      return Math.abs(a.number - value) <= tolerance + 1e-9 * Math.max(1, Math.abs(value));
    }
    case 'short_text': {
      if (typeof a.text !== 'string') return false;
      const key = answerKey(a.text);
      return key !== '' && (q.key.accepted ?? []).some((t) => answerKey(t) === key);
    }
    case 'matching':
      return sameList(q.key.pairs, a.pairs);
    case 'ordering':
      return sameList(identity(q.body.items?.length ?? 0), a.order);
  }
}

/** The points a stored answer earns: all of the question's, or none. */
export const markAnswer = (q: MarkedQuestion, a: StoredAnswer | undefined): number =>
  isCorrect(q, a) ? q.points : 0;

/** A problem with a question as its author wrote it. */
export interface QuestionProblem {
  field: string;
  rule:
    | 'needs_options'
    | 'correct_out_of_range'
    | 'single_needs_one'
    | 'needs_correct'
    | 'needs_truth'
    | 'needs_value'
    | 'needs_accepted'
    | 'needs_columns'
    | 'pairs_not_permutation'
    | 'needs_items'
    | 'duplicate'
    | 'not_for_kind';
}

/** A question as its author writes it (flat, kind-specific fields). */
export interface QuestionInput {
  kind: QuestionKind;
  options?: string[];
  correct?: number[];
  truth?: boolean;
  value?: number;
  tolerance?: number;
  accepted?: string[];
  left?: string[];
  right?: string[];
  pairs?: number[];
  items?: string[];
}

const FIELDS_OF: Record<QuestionKind, (keyof QuestionInput)[]> = {
  single: ['options', 'correct'],
  multiple: ['options', 'correct'],
  true_false: ['truth'],
  numeric: ['value', 'tolerance'],
  short_text: ['accepted'],
  matching: ['left', 'right', 'pairs'],
  ordering: ['items'],
};
const ALL_FIELDS: (keyof QuestionInput)[] = [
  'options',
  'correct',
  'truth',
  'value',
  'tolerance',
  'accepted',
  'left',
  'right',
  'pairs',
  'items',
];

/** Checks a question and splits it into what students see (body) and the key; or lists its problems. */
export function buildQuestion(
  input: QuestionInput,
): { body: QuestionBody; key: QuestionKey } | { problems: QuestionProblem[] } {
  const problems: QuestionProblem[] = [];
  const add = (field: string, rule: QuestionProblem['rule']) => problems.push({ field, rule });
  for (const f of ALL_FIELDS) {
    if (input[f] !== undefined && !FIELDS_OF[input.kind].includes(f)) add(f, 'not_for_kind');
  }
  const body: QuestionBody = {};
  const key: QuestionKey = {};
  switch (input.kind) {
    case 'single':
    case 'multiple': {
      const options = input.options ?? [];
      if (options.length < 2) add('options', 'needs_options');
      const correct = input.correct ?? [];
      if (correct.length === 0) add('correct', 'needs_correct');
      else if (!inRange(correct, options.length)) add('correct', 'correct_out_of_range');
      else if (!distinct(correct)) add('correct', 'duplicate');
      else if (input.kind === 'single' && correct.length !== 1) add('correct', 'single_needs_one');
      body.options = options;
      key.correct = [...correct].sort((x, y) => x - y);
      break;
    }
    case 'true_false':
      if (input.truth === undefined) add('truth', 'needs_truth');
      key.truth = input.truth;
      break;
    case 'numeric':
      if (input.value === undefined || !Number.isFinite(input.value)) add('value', 'needs_value');
      key.value = input.value;
      key.tolerance = input.tolerance ?? 0;
      break;
    case 'short_text': {
      const accepted = (input.accepted ?? []).filter((t) => answerKey(t) !== '');
      if (accepted.length === 0) add('accepted', 'needs_accepted');
      key.accepted = accepted;
      break;
    }
    case 'matching': {
      const left = input.left ?? [];
      const right = input.right ?? [];
      if (left.length < 2 || right.length !== left.length) add('right', 'needs_columns');
      const pairs = input.pairs ?? [];
      if (pairs.length !== left.length || !inRange(pairs, right.length) || !distinct(pairs))
        add('pairs', 'pairs_not_permutation');
      body.left = left;
      body.right = right;
      key.pairs = pairs;
      break;
    }
    case 'ordering': {
      const items = input.items ?? [];
      if (items.length < 2) add('items', 'needs_items');
      body.items = items;
      break;
    }
  }
  return problems.length > 0 ? { problems } : { body, key };
}
