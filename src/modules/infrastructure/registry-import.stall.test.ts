import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '@/server/db/database';
import { createTestApp, login, type Session } from '@test/harness';
import { createUserWithRole } from '@test/factories';
import { loadCountryPackFrom } from '@/modules/institutions/country-pack';

/**
 * A national file of 4,500 schools imported on a listening server while another client keeps asking
 * /api/health and /api/me (a signed-in read that needs the database): on PGlite there is one connection,
 * so whatever the import holds it for, every other request waits that long. The import checks and reads
 * before its write transaction and writes in a few set-based statements, so no poll waits long.
 */

type App = Awaited<ReturnType<typeof createTestApp>>;
const SCHOOLS = 4500;
/**
 * The longest any poll may wait while the import runs: 1 s, or half the import's own time on a machine so
 * busy that it takes longer than 2 s (before, the update stalled every request for over 90 % of it).
 */
const boundMs = (importMs: number) => Math.max(1000, importMs / 2);
/** The pause between one poll's answer and the next poll. */
const PAUSE_MS = 20;

const HEADER = [
  'school_id_govt',
  'school_name',
  'area_code',
  'education_level_govt',
  'school_type',
  'school_funding_type',
  'school_area_type',
  'latitude',
  'longitude',
  'num_shifts',
  'num_students',
  'num_teachers',
  'num_teachers_ict_trained',
  'electricity_availability',
  'electricity_type',
  'connectivity_govt',
  'connectivity_type_govt',
  'download_speed_contracted',
];

/** The national file: `teachers` and `students` vary it between imports, so that every row changes. */
const nationalFile = (teachers: number, students: number) =>
  [
    HEADER.join(','),
    ...Array.from({ length: SCHOOLS }, (_, i) =>
      [
        `N-${i + 1}`,
        `${i + 1} nömrəli tam orta məktəb`,
        'AZ-QBA',
        'primary;basic;secondary',
        'general_school',
        'public',
        'rural',
        '41.36',
        '48.51',
        '1',
        String(students),
        String(teachers),
        '10',
        'yes',
        'grid',
        'yes',
        'fibre',
        String(teachers + 20),
      ].join(','),
    ),
  ].join('\r\n') + '\r\n';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

describe('a national import on the embedded database', () => {
  let t: App;
  let base: string;
  let bureau: Session;

  beforeAll(async () => {
    t = await createTestApp();
    await loadCountryPackFrom(t.database.db);
    const b = await createUserWithRole(t.database.db, 'bureau');
    bureau = await login(t.app, b.username, b.password);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => t?.close());

  /** Posts the file over HTTP; meanwhile polls /api/health and /api/me; returns the report and latencies. */
  async function importWhilePolling(body: string) {
    const state = { stop: false };
    const poll = (url: string, headers: Record<string, string>) =>
      (async () => {
        // How long each answer took from when the poll was due (the previous answer plus the pause): a
        // blocked event loop delays the sending too, which the request's own latency would not show.
        const latencies: number[] = [];
        let due = performance.now();
        while (!state.stop) {
          const res = await fetch(`${base}${url}`, { headers });
          const answered = performance.now();
          latencies.push(answered - due);
          expect(res.status, url).toBe(200);
          await res.arrayBuffer();
          await new Promise((r) => setTimeout(r, PAUSE_MS));
          due = answered + PAUSE_MS;
        }
        return latencies;
      })();
    const pollers = [poll('/api/health', {}), poll('/api/me', { cookie: bureau.cookie })];
    const started = performance.now();
    let res: Response;
    try {
      res = await fetch(`${base}/api/registry/import/schools`, {
        method: 'POST',
        headers: { cookie: bureau.cookie, 'x-csrf-token': bureau.csrfToken, 'content-type': 'text/csv' },
        body,
      });
      // A few more polls after the answer.
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      state.stop = true;
    }
    const took = performance.now() - started;
    const [health = [], me = []] = await Promise.all(pollers);
    return { status: res.status, report: (await res.json()) as Record<string, unknown>, took, health, me };
  }

  it('keeps answering other requests while 4,500 schools are created, then updated', async () => {
    const results = [];
    for (const [what, file, expected] of [
      ['create', nationalFile(30, 300), { created: SCHOOLS, updated: 0 }],
      ['update', nationalFile(31, 301), { created: 0, updated: SCHOOLS }],
    ] as const) {
      const r = await importWhilePolling(file);
      expect(r.status, JSON.stringify(r.report).slice(0, 500)).toBe(200);
      expect(r.report).toMatchObject({ valid: true, rows: SCHOOLS, ...expected });
      const worst = Math.max(...r.health, ...r.me);
      console.log(
        `${what} ${SCHOOLS} schools on ${t.database.driver}: import ${r.took.toFixed(0)} ms; ` +
          `health ${r.health.length} polls, worst ${Math.max(...r.health).toFixed(0)} ms, median ${median(r.health).toFixed(0)} ms; ` +
          `me ${r.me.length} polls, worst ${Math.max(...r.me).toFixed(0)} ms, median ${median(r.me).toFixed(0)} ms`,
      );
      results.push({ what, worst, polls: r.health.length + r.me.length, took: r.took });
    }
    const [saved] = await rows<{ schools: number; teachers: number; students: number }>(
      t.database.db,
      sql`select count(*)::int as schools, min(y.teachers)::int as teachers, min(i.student_count)::int as students
          from institutions_institution i join infrastructure_school_year y on y.institution_id = i.id
          where i.code like 'N-%'`,
    );
    expect(saved).toEqual({ schools: SCHOOLS, teachers: 31, students: 301 });
    for (const r of results) {
      expect(r.polls, r.what).toBeGreaterThan(4);
      expect(r.worst, r.what).toBeLessThan(boundMs(r.took));
    }
  }, 240_000);
});
