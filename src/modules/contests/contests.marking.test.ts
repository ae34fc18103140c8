import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Database } from '@/server/db/database';
import { createTestDatabase } from '@test/harness';
import { fold } from '@/modules/library/library.store';
import { answerKey, foldText } from '@/server/fold';
import {
  buildQuestion,
  correctAnswer,
  isCorrect,
  markAnswer,
  partsOrder,
  permutation,
  questionOrder,
  shownBody,
  toShown,
  toStored,
  type MarkedQuestion,
  type QuestionInput,
  type ShownAnswer,
} from '@/modules/contests/contests.marking';

/**
 * Marking, property by property: for random questions of every kind, random attempts (so random shuffles)
 * and random answers, the mark equals an independent judgement made on the texts the student saw — not on
 * indexes — so a mix-up between shown and stored indexes cannot pass.
 */

const texts = (min: number, max: number) =>
  fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: min, maxLength: max });
const attemptIds = fc.integer({ min: 1, max: 2_000_000_000 });
const shuffles = fc.boolean();

function make(input: QuestionInput, points = 3): MarkedQuestion {
  const built = buildQuestion(input);
  if ('problems' in built) throw new Error(JSON.stringify(built.problems));
  return { id: 17, kind: input.kind, body: built.body, key: built.key, points };
}

/** Stores what the student sent, then marks it. */
function markShown(q: MarkedQuestion, attemptId: number, shuffle: boolean, a: ShownAnswer): number {
  const stored = toStored(q, partsOrder(attemptId, q, shuffle), a);
  if ('problem' in stored) throw new Error(JSON.stringify(stored.problem));
  return markAnswer(q, stored.answer);
}

describe('contest marking (properties)', () => {
  it('permutations are permutations, and the same for the same seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), attemptIds, fc.integer(), (n, a, b) => {
        const p = permutation(n, a, b);
        expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(permutation(n, a, b)).toEqual(p);
      }),
    );
    // Different attempts see different orders (not always, but nearly: 10 items have 3.6 million orders).
    const orders = new Set(Array.from({ length: 50 }, (_, i) => questionOrder(i + 1, 10, true).join(',')));
    expect(orders.size).toBeGreaterThan(45);
    expect(questionOrder(5, 4, false)).toEqual([0, 1, 2, 3]);
  });

  it('single choice: right exactly when the option shown is the correct text', () => {
    fc.assert(
      fc.property(
        texts(2, 8).chain((options) =>
          fc.tuple(fc.constant(options), fc.nat(options.length - 1), fc.nat(options.length - 1)),
        ),
        attemptIds,
        shuffles,
        ([options, correct, chosen], attemptId, shuffle) => {
          const q = make({ kind: 'single', options, correct: [correct] });
          const shown = shownBody(q.body, partsOrder(attemptId, q, shuffle)).options!;
          const expected = shown[chosen] === options[correct] ? 3 : 0;
          expect(markShown(q, attemptId, shuffle, { choice: chosen })).toBe(expected);
        },
      ),
    );
  });

  it('multiple choice: right exactly when the chosen texts are the correct texts', () => {
    fc.assert(
      fc.property(
        texts(2, 8).chain((options) =>
          fc.tuple(
            fc.constant(options),
            fc.uniqueArray(fc.nat(options.length - 1), { minLength: 1, maxLength: options.length }),
            fc.uniqueArray(fc.nat(options.length - 1), { maxLength: options.length }),
          ),
        ),
        attemptIds,
        shuffles,
        ([options, correct, chosen], attemptId, shuffle) => {
          const q = make({ kind: 'multiple', options, correct });
          const shown = shownBody(q.body, partsOrder(attemptId, q, shuffle)).options!;
          const want = new Set(correct.map((i) => options[i]));
          const got = new Set(chosen.map((i) => shown[i]));
          const expected = want.size === got.size && [...want].every((t) => got.has(t)) ? 3 : 0;
          expect(markShown(q, attemptId, shuffle, { choices: chosen })).toBe(expected);
        },
      ),
    );
  });

  it('true/false: right exactly when the truth matches', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), attemptIds, (truth, answer, attemptId) => {
        const q = make({ kind: 'true_false', truth });
        expect(markShown(q, attemptId, true, { truth: answer })).toBe(truth === answer ? 3 : 0);
      }),
    );
  });

  it('numeric: right exactly when within the tolerance', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e6, max: 1e6 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: -1e6, max: 1e6 }),
        (value, tolerance, answer) => {
          const q = make({ kind: 'numeric', value: value / 100, tolerance: tolerance / 100 });
          const expected = Math.abs(answer - value) <= tolerance ? 3 : 0;
          expect(markShown(q, 1, true, { number: answer / 100 })).toBe(expected);
        },
      ),
    );
    // Near the value by less than the tolerance, with binary fractions: 0.1 + 0.2 is 0.3.
    const q = make({ kind: 'numeric', value: 0.3, tolerance: 0 });
    expect(markShown(q, 1, true, { number: 0.1 + 0.2 })).toBe(3);
    expect(markShown(q, 1, true, { number: 0.31 })).toBe(0);
  });

  it('short text: right for any spelling that folds to an accepted answer, wrong otherwise', () => {
    const variants: [string, string][] = [
      ['Ə', 'e'],
      ['ə', 'E'],
      ['ş', 's'],
      ['ç', 'C'],
      ['ğ', 'g'],
      ['ı', 'I'],
      ['ö', 'o'],
      ['ü', 'U'],
    ];
    const word = fc.stringMatching(/^[a-zəşçğıöü]{2,10}( [a-zəşçğıöü]{2,8})?$/u);
    fc.assert(
      fc.property(
        word,
        word,
        fc.array(fc.nat(variants.length - 1)),
        fc.boolean(),
        (accepted, other, flips, pad) => {
          const q = make({ kind: 'short_text', accepted: [accepted] });
          let spelt = accepted;
          for (const i of flips) spelt = spelt.replaceAll(variants[i]![0], variants[i]![1]);
          if (pad) spelt = `  ${spelt.toUpperCase().replace(' ', '   ')} `;
          expect(markShown(q, 1, true, { text: spelt })).toBe(3);
          const expected = answerKey(other) === answerKey(accepted) ? 3 : 0;
          expect(markShown(q, 1, true, { text: other })).toBe(expected);
        },
      ),
    );
    const q = make({ kind: 'short_text', accepted: ['Məktəb', 'Мәктәб'] });
    expect(markShown(q, 1, true, { text: 'MEKTEB' })).toBe(3);
    expect(markShown(q, 1, true, { text: 'mekteb ' })).toBe(3);
    expect(markShown(q, 1, true, { text: 'məktəblər' })).toBe(0);
    expect(markShown(q, 1, true, { text: '   ' })).toBe(0);
  });

  it('matching: right exactly when every left text is paired with its right text', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }).chain((n) =>
          fc.tuple(
            fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: n, maxLength: n }),
            fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: n, maxLength: n }),
            fc.shuffledSubarray(
              Array.from({ length: n }, (_, i) => i),
              { minLength: n, maxLength: n },
            ),
            fc.oneof(
              fc.constant(null),
              fc.shuffledSubarray(
                Array.from({ length: n }, (_, i) => i),
                { minLength: n, maxLength: n },
              ),
            ),
          ),
        ),
        attemptIds,
        shuffles,
        ([left, right, pairs, guess], attemptId, shuffle) => {
          const q = make({ kind: 'matching', left, right, pairs });
          const order = partsOrder(attemptId, q, shuffle);
          const shown = shownBody(q.body, order);
          // No guess: the student answers right (found from the texts); else the guess as given.
          const chosen =
            guess ?? shown.left!.map((l) => shown.right!.indexOf(right[pairs[left.indexOf(l)]!]!));
          const expected = shown.left!.every(
            (l, d) => shown.right![chosen[d]!] === right[pairs[left.indexOf(l)]!],
          )
            ? 3
            : 0;
          expect(markShown(q, attemptId, shuffle, { pairs: chosen })).toBe(expected);
          if (guess === null) expect(expected).toBe(3);
        },
      ),
    );
  });

  it('ordering: right exactly when the texts come in their correct order', () => {
    fc.assert(
      fc.property(
        texts(2, 7).chain((items) =>
          fc.tuple(
            fc.constant(items),
            fc.shuffledSubarray(
              Array.from({ length: items.length }, (_, i) => i),
              { minLength: items.length, maxLength: items.length },
            ),
          ),
        ),
        attemptIds,
        ([items, chosen], attemptId) => {
          const q = make({ kind: 'ordering', items });
          const shown = shownBody(q.body, partsOrder(attemptId, q, true)).items!;
          const expected = chosen.every((d, i) => shown[d] === items[i]) ? 3 : 0;
          expect(markShown(q, attemptId, true, { order: chosen })).toBe(expected);
        },
      ),
    );
  });

  it('the correct answer, shown and sent back, is right for every kind; stored answers survive the round trip', () => {
    const kinds: QuestionInput[] = [
      { kind: 'single', options: ['a', 'b', 'c'], correct: [2] },
      { kind: 'multiple', options: ['a', 'b', 'c', 'd'], correct: [0, 3] },
      { kind: 'true_false', truth: false },
      { kind: 'numeric', value: 9.81, tolerance: 0.01 },
      { kind: 'short_text', accepted: ['Bakı'] },
      { kind: 'matching', left: ['x', 'y', 'z'], right: ['1', '2', '3'], pairs: [2, 0, 1] },
      { kind: 'ordering', items: ['one', 'two', 'three', 'four'] },
    ];
    fc.assert(
      fc.property(fc.constantFrom(...kinds), attemptIds, shuffles, (input, attemptId, shuffle) => {
        const q = make(input);
        const order = partsOrder(attemptId, q, shuffle);
        const shown = toShown(q, order, correctAnswer(q));
        const stored = toStored(q, order, shown);
        expect('answer' in stored && stored.answer).toEqual(correctAnswer(q));
        expect(isCorrect(q, correctAnswer(q))).toBe(true);
        expect(isCorrect(q, undefined)).toBe(false);
      }),
    );
  });

  it('refuses answers of the wrong shape, and questions that cannot be marked', () => {
    const q = make({ kind: 'single', options: ['a', 'b'], correct: [0] });
    const order = partsOrder(1, q, true);
    expect(toStored(q, order, { choices: [0] })).toEqual({
      problem: { field: 'answer', rule: 'wrong_kind' },
    });
    expect(toStored(q, order, { choice: 2 })).toEqual({
      problem: { field: 'answer.choice', rule: 'out_of_range' },
    });
    expect(toStored(q, order, {})).toEqual({ problem: { field: 'answer', rule: 'wrong_kind' } });
    const m = make({ kind: 'ordering', items: ['a', 'b', 'c'] });
    expect(toStored(m, partsOrder(1, m, true), { order: [0, 0, 1] })).toEqual({
      problem: { field: 'answer.order', rule: 'not_permutation' },
    });
    expect(buildQuestion({ kind: 'single', options: ['a', 'b'], correct: [0, 1] })).toEqual({
      problems: [{ field: 'correct', rule: 'single_needs_one' }],
    });
    expect(buildQuestion({ kind: 'matching', left: ['a', 'b'], right: ['c', 'd'], pairs: [1, 1] })).toEqual({
      problems: [{ field: 'pairs', rule: 'pairs_not_permutation' }],
    });
    expect(buildQuestion({ kind: 'true_false', truth: true, options: ['x'] })).toEqual({
      problems: [{ field: 'options', rule: 'not_for_kind' }],
    });
  });
});

describe("the TypeScript folding agrees with the library's SQL folding", () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('on Azerbaijani, old Cyrillic, Russian and mixed samples', async () => {
    const samples = [
      'Məktəb',
      'MƏKTƏB',
      'İstiqlal',
      'Şuşa, Gəncə, Ağdam',
      'ÇÖRƏK üzüm ığdır',
      'Мәктәб',
      'Һәјат Ҹәфәр Ҝәнҹә',
      'Ёлка, юла, яблоко, цирк, щука',
      'Объём, подъезд, мать',
      'Quba 2026 — test!',
      'Azərbaycan Respublikası',
      'Ünsiyyət və İnformatika',
      'ҒҮӨ ғүө Ыы Іі Ээ',
      '',
    ];
    for (const text of samples) {
      expect(foldText(text), text).toBe(await fold(database.db, text));
    }
  });

  it('on random strings over the folded alphabets', async () => {
    const alphabet = [
      ...'İIıƏəÖöÜüĞğŞşÇçАаБбВвГгҒғДдЕеӘәЖжЗзИиЫыЈјЙйКкҜҝЛлМмНнОоӨөПпРрСсТтУуҮүФфХхҺһЧчҸҹШшЭэІіЪъЬьЁёЮюЯяЦцЩщABCxyz -',
    ];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...alphabet), { maxLength: 20 }), async (chars) => {
        const text = chars.join('');
        expect(foldText(text)).toBe(await fold(database.db, text));
      }),
      { numRuns: 100 },
    );
  });
});
