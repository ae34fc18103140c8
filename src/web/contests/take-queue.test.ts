import { describe, expect, it } from 'vitest';
import { change, merge, parseQueue, settle } from '@/web/contests/take-queue';

describe("a contest attempt's queue of unsent answers", () => {
  it('numbers each change after the version shown and queues it', () => {
    const first = change({}, {}, 7, { choice: 1 });
    expect(first.answers[7]).toEqual({ version: 1, answer: { choice: 1 } });
    expect(first.queue[7]).toEqual({ version: 1, answer: { choice: 1 } });
    const second = change(first.answers, first.queue, 7, { choice: 2 });
    expect(second.queue[7]).toEqual({ version: 2, answer: { choice: 2 } });
    // The server's version counts: after a reload at version 4 the next change is 5.
    expect(change({ 7: { version: 4, answer: { choice: 0 } } }, {}, 7, { choice: 3 }).queue[7]!.version).toBe(
      5,
    );
  });

  it('drops a sent entry only when nothing newer was queued meanwhile', () => {
    const queue = { 7: { version: 2, answer: { truth: true } } };
    expect(settle(queue, 7, 2)).toEqual({});
    expect(settle(queue, 7, 3)).toEqual({});
    expect(settle(queue, 7, 1)).toBe(queue);
    expect(settle(queue, 8, 1)).toBe(queue);
  });

  it('restores a reloaded attempt from the server, keeping newer local answers queued', () => {
    const saved = [
      { questionId: 1, version: 3, answer: { choice: 0 } },
      { questionId: 2, version: 1, answer: { number: 3.14 } },
    ];
    const local = {
      1: { version: 2, answer: { choice: 1 } }, // older than the server's: sent before, dropped
      2: { version: 2, answer: { number: 2.71 } }, // newer: shown and still to send
      3: { version: 1, answer: { text: 'Bakı' } }, // never reached the server
      9: { version: 1, answer: { text: 'not a question of this attempt' } },
    };
    const { answers, queue } = merge(saved, local, [1, 2, 3]);
    expect(answers).toEqual({
      1: { version: 3, answer: { choice: 0 } },
      2: { version: 2, answer: { number: 2.71 } },
      3: { version: 1, answer: { text: 'Bakı' } },
    });
    expect(queue).toEqual({ 2: local[2], 3: local[3] });
  });

  it('reads back only well-formed stored entries', () => {
    expect(parseQueue('not json')).toEqual({});
    expect(parseQueue('[1,2]')).toEqual({});
    expect(
      parseQueue(
        JSON.stringify({
          4: { version: 2, answer: { truth: false } },
          x: { version: 1, answer: {} },
          5: { version: 0, answer: {} },
          6: { version: 1 },
        }),
      ),
    ).toEqual({ 4: { version: 2, answer: { truth: false } } });
  });
});
