import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClockAt } from '@/server/clock';
import { createNode } from '@/modules/safety/safety.node.auth';
import { syncOnce, type SyncOptions } from '@/cli/commands/safety-node';
import { encryptedDnsConfiguration } from '@/modules/safety/safety.engine';
import { createTestApp } from '@test/harness';
import { BLOCK_V4, IDN_CASINO, createEngineWorld } from '@test/safety-engine-world';
import {
  UPSTREAM,
  answer,
  digEncrypted,
  query,
  startFiltering,
  startUpstream,
  type UnboundProcess,
} from '@test/unbound';

/**
 * The engine against a real Unbound: Maktab serves the state, the node agent writes the zones and the tag
 * configuration and tells Unbound, and queries come from a pupils' (127.0.1.x) and a staff (127.0.2.x) address.
 */

const LESSONS = new Date('2026-12-09T10:00:00+04:00'); // a Wednesday, in lesson hours
const AFTER = new Date('2026-12-09T14:00:00+04:00');
const PUPIL = '127.0.1.5';
const STAFF = '127.0.2.5';
const ANY = UPSTREAM.any;

let ctx: Awaited<ReturnType<typeof createTestApp>>;
let world: Awaited<ReturnType<typeof createEngineWorld>>;
let upstream: UnboundProcess;
let filtering: Awaited<ReturnType<typeof startFiltering>>;
let agent: SyncOptions;
const ask = (name: string, from: string) => answer(filtering.port, name, from);

/** Waits until `name` answers `expected` (a reload may take a moment after `unbound-control` returns). */
async function eventually(name: string, from: string, expected: string, ms = 10_000): Promise<string> {
  const deadline = Date.now() + ms;
  let got = await ask(name, from);
  while (got !== expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    got = await ask(name, from);
  }
  return got;
}

beforeAll(async () => {
  startClockAt(LESSONS);
  ctx = await createTestApp();
  world = await createEngineWorld(ctx.database.db);
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = ctx.app.server.address() as AddressInfo;
  const { token } = await createNode(ctx.database.db, 'test-node');
  upstream = await startUpstream();
  filtering = await startFiltering(upstream.port, { encrypted: true });
  agent = { url: `http://127.0.0.1:${port}`, token, dir: filtering.zonesDir, control: filtering.control };
  await syncOnce(agent);
}, 120_000);

afterAll(async () => {
  await filtering?.stop();
  await upstream?.stop();
  await ctx?.close();
  startClockAt(null);
});

describe('the engine on a real Unbound', () => {
  it("blocks a category on the pupils' network and not on the staff's", async () => {
    expect(await ask('casino.test', PUPIL)).toBe(BLOCK_V4);
    expect(await ask('www.casino.test', PUPIL)).toBe(BLOCK_V4);
    expect(await ask('poker.example', PUPIL)).toBe(BLOCK_V4);
    expect(await ask('school.test', PUPIL)).toBe(ANY);
    expect(await ask('casino.test', STAFF)).toBe(ANY);
    expect(await ask('social.test', PUPIL)).toBe(BLOCK_V4);
  });

  it("filters DNS over TLS and DNS over HTTPS by the client's address, as plain DNS", async () => {
    const { tlsPort, httpsPort, cert } = filtering.encrypted!;
    for (const [transport, port] of [
      ['tls', tlsPort],
      ['https', httpsPort],
    ] as const) {
      const dig = (name: string, from: string) => digEncrypted(transport, port, cert, name, from);
      expect([transport, await dig('casino.test', PUPIL)]).toEqual([transport, BLOCK_V4]);
      expect([transport, await dig('www.casino.test', PUPIL)]).toEqual([transport, BLOCK_V4]);
      expect([transport, await dig('school.test', PUPIL)]).toEqual([transport, ANY]);
      expect([transport, await dig('casino.test', STAFF)]).toEqual([transport, ANY]);
      expect([transport, await dig('use-application-dns.net', PUPIL)]).toEqual([transport, 'NXDOMAIN']);
    }
  });

  it('sends the search engines to their safe hosts, and blocks the DoH canary', async () => {
    for (const [name, safe] of [
      ['www.google.com', 'forcesafesearch.google.com'],
      ['google.az', 'forcesafesearch.google.com'],
      ['www.youtube.com', 'restrict.youtube.com'],
      ['www.bing.com', 'strict.bing.com'],
      ['duckduckgo.com', 'safe.duckduckgo.com'],
      ['yandex.ru', 'familysearch.yandex.ru'],
    ])
      expect([name, await ask(name!, PUPIL)]).toEqual([name, UPSTREAM.safe[safe!]]);
    expect(await ask('www.google.com', STAFF)).toBe(UPSTREAM.google);
    expect(await ask('use-application-dns.net', PUPIL)).toBe('ENOTFOUND');
    expect(await ask('nordvpn.com', PUPIL)).toBe('ENOTFOUND');
  });

  it('blocks an IDN domain once it is a hit of a Cyrillic keyword (the local zones change, the configuration not)', async () => {
    expect(IDN_CASINO).toMatch(/^xn--/);
    expect(await ask(IDN_CASINO, PUPIL)).toBe(ANY);
    await world.addKeywordHit(IDN_CASINO);
    const result = await syncOnce(agent);
    expect(result).toMatchObject({ reloaded: true, changedZones: ['local-zones'] });
    expect(await eventually(IDN_CASINO, PUPIL, BLOCK_V4)).toBe(BLOCK_V4);
    expect(await ask(IDN_CASINO, STAFF)).toBe(ANY);
  });

  it('unblocks an approved request on the next sync, until it ends', async () => {
    await world.approveUnblock(
      'casino.test',
      new Date(LESSONS.getTime() - 60_000),
      new Date(LESSONS.getTime() + 3_600_000),
    );
    await syncOnce(agent);
    expect(await eventually('casino.test', PUPIL, ANY)).toBe(ANY);
    expect(await ask('poker.example', PUPIL)).toBe(BLOCK_V4);
  });

  it('applies the after-school policy when the lessons end', async () => {
    startClockAt(AFTER);
    const result = await syncOnce(agent);
    expect(result.reloaded).toBe(true);
    expect(await eventually('social.test', PUPIL, ANY)).toBe(ANY);
    expect(await ask('casino.test', PUPIL)).toBe(BLOCK_V4); // the request ended at 11:00
    expect(await ask('www.google.com', PUPIL)).toBe(UPSTREAM.google);
    startClockAt(LESSONS);
    await syncOnce(agent);
    expect(await eventually('social.test', PUPIL, BLOCK_V4)).toBe(BLOCK_V4);
  });

  it("lets an exam allow only its list on the pupils' network", async () => {
    const exam = await world.addExam(
      new Date(LESSONS.getTime() - 3_600_000),
      new Date(LESSONS.getTime() + 3_600_000),
    );
    await syncOnce(agent);
    expect(await eventually('school.test', PUPIL, BLOCK_V4)).toBe(BLOCK_V4);
    expect(await ask('exam.test', PUPIL)).toBe(ANY);
    expect(await ask('www.exam.test', PUPIL)).toBe(ANY);
    expect(await ask('casino.test', PUPIL)).toBe(BLOCK_V4);
    expect(await ask('school.test', STAFF)).toBe(ANY);
    // After the exam, the lessons' policy again.
    startClockAt(new Date(exam.endsAt.getTime() + 60_000));
    await syncOnce(agent);
    expect(await eventually('school.test', PUPIL, ANY)).toBe(ANY);
  });

  it('answers a changed policy after one sync, with no query failing during the reload', async () => {
    expect(await ask('adult.test', PUPIL)).toBe(BLOCK_V4);
    await world.setCategories(world.policies.lessons.id, ['gambling', 'social']);
    let stop = false;
    let failures = 0;
    let answered = 0;
    const loop = async (from: string) => {
      while (!stop) {
        // As a device's stub resolver asks: a query lost while Unbound reloads (its outstanding upstream
        // queries are dropped) is asked again; it fails only if no try is answered (glibc: 2 tries of 5 s).
        const outcome = await query(filtering.port, `q${answered}.school.test`, from, 2000, 3).catch(
          () => null,
        );
        if (outcome === null || !('addresses' in outcome) || outcome.addresses[0] !== ANY) failures++;
        else answered++;
      }
    };
    const loops = [loop(PUPIL), loop(STAFF), loop('127.0.1.6')];
    await new Promise((resolve) => setTimeout(resolve, 200));
    const result = await syncOnce(agent);
    expect(result.reloaded).toBe(true);
    const changed = await eventually('adult.test', PUPIL, ANY);
    await new Promise((resolve) => setTimeout(resolve, 200));
    stop = true;
    await Promise.all(loops);
    expect(changed).toBe(ANY);
    expect(answered).toBeGreaterThan(20);
    expect(failures).toBe(0);
  });
});

describe("the encrypted DNS lines of the node's unbound.conf", () => {
  const files = { cert: '/etc/unbound/r.pem', key: '/etc/unbound/r.key' };
  it('lists plain DNS, DoT and DoH on every address', () => {
    const text = encryptedDnsConfiguration({ addresses: ['192.0.2.1', '2001:db8::1'], ...files });
    expect(text.match(/interface: .*/g)).toEqual([
      'interface: 192.0.2.1@53',
      'interface: 192.0.2.1@853',
      'interface: 192.0.2.1@443',
      'interface: 2001:db8::1@53',
      'interface: 2001:db8::1@853',
      'interface: 2001:db8::1@443',
    ]);
    expect(text).toContain('tls-port: 853\n');
    expect(text).toContain('https-port: 443\n');
    expect(text).toContain('http-endpoint: "/dns-query"\n');
    expect(text).toContain('tls-service-key: "/etc/unbound/r.key"\n');
  });
  it('refuses equal ports, no address, and a value that would break the file', () => {
    expect(() => encryptedDnsConfiguration({ addresses: ['0.0.0.0'], ...files, tlsPort: 443 })).toThrow();
    expect(() => encryptedDnsConfiguration({ addresses: [], ...files })).toThrow();
    expect(() =>
      encryptedDnsConfiguration({ addresses: ['0.0.0.0'], ...files, key: 'a"\ninclude: x' }),
    ).toThrow();
    expect(() => encryptedDnsConfiguration({ addresses: ['0.0.0.0'], ...files, port: 70000 })).toThrow();
  });
});
