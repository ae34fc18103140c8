import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestApp } from '@test/harness';
import { createAreas, createInstitution } from '@test/factories';
import { rows } from '@/server/db/database';
import { createNode } from '@/modules/safety/safety.node.auth';
import { categories, keywords, networks } from '@/modules/safety/safety.tables';
import { purgeRaw, runOnce, type AgentOptions, type State } from '@/cli/commands/safety-logs';
import { CONFIG_FILE } from '@/cli/commands/safety-node';
import { ZONES_FILE, localZones, tagConfiguration } from '@/modules/safety/safety.engine';

/**
 * The log agent end to end on a real Unbound (Debian's 1.17.1): a resolver on a loopback port logs queries
 * and local actions (the engine's local zones), `dig` asks it from a pupil's, a staff member's and an unknown address, and `maktab
 * safety-logs --once` (its `runOnce`) counts the log into Maktab. Neither the database nor the raw files the
 * node keeps hold a client's address.
 */

/** A UDP and TCP port free on 127.0.0.1 now. */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    const tcp = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    const udp = await new Promise<boolean>((resolve) => {
      const socket = dgram.createSocket('udp4');
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
    });
    if (tcp && udp) return port;
  }
}

async function until<T>(what: string, probe: () => T | null | undefined | false, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Starts Unbound in `dir` with the logging the agent reads and the engine's files for the pupils' tag, as the
 * node agent writes them in `<dir>/zones` (its `maktab.conf` sets `log-local-actions`).
 */
async function startUnbound(dir: string, port: number): Promise<{ child: ChildProcess; log: string }> {
  const log = path.join(dir, 'unbound.log');
  const zones = path.join(dir, 'zones');
  fs.mkdirSync(zones);
  let text = '';
  localZones([{ tag: 'c_gambling', domains: ['casino.example'] }], (chunk) => (text += chunk));
  fs.writeFileSync(path.join(zones, ZONES_FILE), text);
  fs.writeFileSync(
    path.join(zones, CONFIG_FILE),
    tagConfiguration(
      [
        { cidr: '127.0.1.0/24', tags: ['c_gambling'] },
        { cidr: '127.0.2.0/24', tags: [] },
      ],
      zones,
      { v4: '127.0.0.9', v6: '::9' },
    ),
  );
  fs.writeFileSync(
    path.join(dir, 'unbound.conf'),
    `server:
  interface: 127.0.0.1
  port: ${port}
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "${dir}"
  pidfile: "${dir}/unbound.pid"
  logfile: "${log}"
  use-syslog: no
  log-time-ascii: no
  log-queries: yes
  verbosity: 0
  num-threads: 1
  module-config: "respip iterator"
  access-control: 127.0.0.0/8 allow
  local-zone: "test." static
  local-data: "ok.test. A 10.0.0.1"
  do-not-query-localhost: no
  local-zone: "com." static
remote-control:
  control-enable: no
# No outside network: what is neither local nor blocked fails at once (nothing listens on port 9).
forward-zone:
  name: "."
  forward-addr: 127.0.0.1@9
include: "${zones}/${CONFIG_FILE}"
`,
  );
  const child = spawn('unbound', ['-d', '-c', path.join(dir, 'unbound.conf')], { stdio: 'ignore' });
  await until('unbound to answer', () => dig(port, '127.0.0.1', 'ok.test') === '10.0.0.1');
  return { child, log };
}

function dig(port: number, from: string, name: string, type = 'A'): string | null {
  try {
    return execFileSync(
      'dig',
      ['+short', '+tries=1', '+time=1', '-p', String(port), '-b', from, '@127.0.0.1', name, type],
      { encoding: 'utf8' },
    ).trim();
  } catch {
    return null;
  }
}

const queryLines = (log: string) =>
  fs.existsSync(log)
    ? fs
        .readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => / info: 127\./.test(l)).length
    : 0;

describe('the log agent on a real Unbound', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let unbound: { child: ChildProcess; log: string };
  let dir: string;
  let port: number;
  let options: AgentOptions;
  let school: number;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maktab-unbound-'));
    port = await freePort();
    unbound = await startUnbound(dir, port);
    t = await createTestApp();
    const db = t.database.db;
    const areas = await createAreas(db);
    school = (await createInstitution(db, areas.district)).id;
    const [category] = await db
      .insert(categories)
      .values({
        code: 'gambling',
        name: { az: 'Qumar', ru: 'Азартные игры', en: 'Gambling' },
        description: { az: '', ru: '', en: '' },
      })
      .returning();
    await db
      .insert(keywords)
      .values({ categoryId: category!.id, keyword: 'казино', language: 'ru', folded: 'kazino' });
    await db.insert(networks).values([
      { institutionId: school, kind: 'pupils', cidr: '127.0.1.0/24' },
      { institutionId: school, kind: 'staff', cidr: '127.0.2.0/24' },
    ]);
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    options = {
      url: address,
      token: (await createNode(db, 'node-e2e')).token,
      log: unbound.log,
      state: path.join(dir, 'state'),
      zones: path.join(dir, 'zones'),
    };
  }, 60_000);

  afterAll(async () => {
    unbound?.child.kill();
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('counts per school, kind and category, finds the Cyrillic keyword, and keeps no address', async () => {
    const ready = queryLines(unbound.log); // the start-up probes, from 127.0.0.1
    expect(dig(port, '127.0.1.5', 'casino.example')).toBe('127.0.0.9'); // blocked for pupils
    expect(dig(port, '127.0.1.5', 'www.casino.example')).toBe('127.0.0.9');
    expect(dig(port, '127.0.1.5', 'ok.test')).toBe('10.0.0.1');
    dig(port, '127.0.1.5', 'xn--80aodfsg.com'); // казино.com
    expect(dig(port, '127.0.2.7', 'casino.example')).not.toBe('127.0.0.9'); // not blocked for staff
    dig(port, '127.0.0.1', 'ok.test'); // no school's network
    await until('the queries to be logged', () => queryLines(unbound.log) >= ready + 6);

    const summary = await runOnce(options);
    expect(summary.repeated).toBe(0);
    const db = t.database.db;
    const hours = await rows<{ network_kind: string; queries: number; blocked: number }>(
      db,
      sql`select network_kind, queries::int, blocked::int from safety_query_hour
           where institution_id = ${school} order by network_kind`,
    );
    // Queries may straddle an hour: sum them.
    const sum = (kind: string, key: 'queries' | 'blocked') =>
      hours.filter((h) => h.network_kind === kind).reduce((s, h) => s + h[key], 0);
    expect([
      sum('pupils', 'queries'),
      sum('pupils', 'blocked'),
      sum('staff', 'queries'),
      sum('staff', 'blocked'),
    ]).toEqual([4, 2, 1, 0]);
    expect(
      await rows(db, sql`select category_code, sum(count)::int as n from safety_blocked_hour group by 1`),
    ).toEqual([{ category_code: 'gambling', n: 2 }]);
    expect(
      await rows(
        db,
        sql`select domain, sum(count)::int as n from safety_blocked_domain_day group by 1 order by 1`,
      ),
    ).toEqual([
      { domain: 'casino.example', n: 1 },
      { domain: 'www.casino.example', n: 1 },
    ]);
    expect(await rows(db, sql`select domain from safety_keyword_hit`)).toEqual([
      { domain: 'xn--80aodfsg.com' },
    ]);
    expect(
      (await rows<{ n: number }>(db, sql`select sum(unattributed)::int as n from safety_log_batch`))[0]!.n,
    ).toBe(ready + 1);

    // No address anywhere: not in the counts, not in the raw day files the node keeps.
    const stored = JSON.stringify(
      await rows(
        db,
        sql`select (select json_agg(q) from safety_query_hour q) as q, (select json_agg(b) from safety_blocked_hour b) as b,
                   (select json_agg(d) from safety_blocked_domain_day d) as d, (select json_agg(k) from safety_keyword_hit k) as k,
                   (select json_agg(l) from safety_log_batch l) as l`,
      ),
    );
    expect(stored).not.toMatch(/127\.0\.[0-2]\.\d/);
    const rawDir = path.join(options.state, 'raw');
    const raw = fs
      .readdirSync(rawDir)
      .map((f) => fs.readFileSync(path.join(rawDir, f), 'utf8'))
      .join('');
    expect(raw).toContain('127.0.1.0/24 casino.example. A IN');
    expect(raw).toContain('casino.example. transparent 127.0.1.0/24 casino.example. A IN');
    expect(raw).not.toMatch(/127\.0\.[0-2]\.[1-9]|@\d/);
  });

  it('reads on from its offset, and a batch sent again adds nothing', async () => {
    const total = async () =>
      (
        await rows<{ n: number }>(t.database.db, sql`select sum(queries)::int as n from safety_query_hour`)
      )[0]!.n;
    const before = await total();
    expect((await runOnce(options)).lines).toBe(0);
    const logged = queryLines(unbound.log);
    dig(port, '127.0.2.7', 'ok.test');
    await until('the query to be logged', () => queryLines(unbound.log) > logged);
    expect((await runOnce(options)).batches).toBe(1);
    expect(await total()).toBe(before + 1);
    // A crash after the counts were sent, before the offset was saved: the range is read again as it was,
    // and Maktab refuses its batches as already taken.
    const state = JSON.parse(fs.readFileSync(path.join(options.state, 'offset.json'), 'utf8')) as State;
    const logged2 = queryLines(unbound.log);
    dig(port, '127.0.2.7', 'ok.test');
    await until('the query to be logged', () => queryLines(unbound.log) > logged2);
    expect((await runOnce(options)).batches).toBe(1);
    const sent = JSON.parse(fs.readFileSync(path.join(options.state, 'offset.json'), 'utf8')) as State;
    fs.writeFileSync(
      path.join(options.state, 'offset.json'),
      JSON.stringify({ ...state, pending: sent.offset }),
    );
    const logged3 = queryLines(unbound.log);
    dig(port, '127.0.2.7', 'ok.test');
    await until('the query to be logged', () => queryLines(unbound.log) > logged3);
    const again = await runOnce(options);
    expect([again.batches, again.repeated]).toEqual([2, 1]);
    expect(await total()).toBe(before + 3);
  });

  it('deletes raw day files past the retention', () => {
    const rawDir = path.join(options.state, 'raw');
    for (const day of ['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-07'])
      fs.writeFileSync(path.join(rawDir, `${day}.log`), 'x\n');
    expect(purgeRaw(options.state, 7, new Date('2026-12-07T12:00:00Z')).sort()).toEqual([
      '2026-11-29.log',
      '2026-11-30.log',
    ]);
    expect(fs.readdirSync(rawDir)).toContain('2026-12-01.log');
  });
});
