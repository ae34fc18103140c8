import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clockStart, now, nowMs, parseClock, startClockAt } from '@/server/clock';
import { loadConfig } from '@/server/config';
import { schoolToday } from '@/modules/classroom/classroom.service';
import { createTestApp } from '@test/harness';
import { enqueue, JobWorker } from '@/server/jobs';

describe('the server clock', () => {
  afterEach(() => startClockAt(null));

  it('is the real clock by default', () => {
    const before = Date.now();
    const t = nowMs();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
    expect(clockStart()).toBeNull();
  });

  it('starts at an instant and runs on from there', async () => {
    const start = parseClock('2026-12-06T10:00:00+04:00');
    startClockAt(start);
    expect(clockStart()).toEqual(start);
    expect(now().getTime() - start.getTime()).toBeLessThan(1000);
    expect(schoolToday()).toBe('2026-12-06');
    const first = nowMs();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(nowMs() - first).toBeGreaterThanOrEqual(40);
    startClockAt(null);
    expect(Math.abs(nowMs() - Date.now())).toBeLessThan(1000);
  });

  it('is read from MAKTAB_CLOCK, which must be an ISO time', () => {
    expect(loadConfig({ MAKTAB_CLOCK: '2026-11-09T10:00:00+04:00' }).clock?.toISOString()).toBe(
      '2026-11-09T06:00:00.000Z',
    );
    expect(loadConfig({}).clock).toBeUndefined();
    for (const bad of ['tomorrow', '2026-13-45', '2026-12-06T10:00', '1733472000000']) {
      expect(() => loadConfig({ MAKTAB_CLOCK: bad }), bad).toThrow(/MAKTAB_CLOCK/);
    }
  });
});

describe('an app built with a clock', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    // Behind the real clock (a job due by the database's clock would run early), late in the evening at
    // school: past midnight UTC it is still the 9th.
    t = await createTestApp({ clock: parseClock('2026-11-09T23:30:00+04:00') });
  });
  afterAll(async () => {
    await t?.close();
    startClockAt(null);
  });

  it('runs on its clock, and jobs fall due in its time', async () => {
    expect(schoolToday()).toBe('2026-11-09');
    const ran: string[] = [];
    const worker = new JobWorker(t.database.db, {
      'test.clock': {
        async run(job) {
          ran.push((job.payload as { name: string }).name);
        },
      },
    });
    await enqueue(t.database.db, 'test.clock', { name: 'now' });
    await enqueue(
      t.database.db,
      'test.clock',
      { name: 'in an hour' },
      { runAt: new Date(nowMs() + 3_600_000) },
    );
    while (await worker.runOnce());
    expect(ran).toEqual(['now']);
  });
});
