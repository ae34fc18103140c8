import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { startClockAt } from '@/server/clock';
import { createNode } from '@/modules/safety/safety.node.auth';
import { setBlockAddresses } from '@/modules/safety/safety.node.service';
import { nodes } from '@/modules/safety/safety.tables';
import { ROOT, localZones } from '@/modules/safety/safety.engine';
import { createTestApp } from '@test/harness';
import { BLOCK_V4, createEngineWorld } from '@test/safety-engine-world';

let ctx: Awaited<ReturnType<typeof createTestApp>>;
let token: string;
let nodeId: number;
const auth = () => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  startClockAt(new Date('2026-12-09T10:00:00+04:00'));
  ctx = await createTestApp();
  await createEngineWorld(ctx.database.db);
  ({ token, id: nodeId } = await createNode(ctx.database.db, 'api-node'));
});
afterAll(async () => {
  await ctx.close();
  startClockAt(null);
});

describe("the resolver nodes' API", () => {
  it('refuses a request without a known token', async () => {
    expect((await ctx.app.inject({ url: '/api/safety/node/state' })).statusCode).toBe(401);
    const wrong = await ctx.app.inject({
      url: '/api/safety/node/state',
      headers: { authorization: `Bearer ${'x'.repeat(43)}` },
    });
    expect(wrong.statusCode).toBe(401);
  });

  it("gives the state: the local zones, the SafeSearch zones in use and Unbound's tags per network", async () => {
    const response = await ctx.app.inject({ url: '/api/safety/node/state', headers: auth() });
    expect(response.statusCode).toBe(200);
    const state = response.json<{ serial: number; zones: { name: string }[]; config: string }>();
    expect(state.zones.map((z) => z.name)).toEqual([
      'local-zones',
      'ss_bing',
      'ss_duckduckgo',
      'ss_google',
      'ss_yandex',
      'ss_youtube_strict',
    ]);
    // SafeSearch's tags first and always (stable numbers for their RPZ zones), then in precedence order.
    expect(state.config).toContain(
      'define-tag: "ss_bing ss_duckduckgo ss_google ss_yandex ss_youtube_moderate ss_youtube_strict bypass c_adult c_gambling c_social"',
    );
    expect(state.config).toContain(
      'access-control-tag: 127.0.1.0/24 "ss_bing ss_duckduckgo ss_google ss_yandex ss_youtube_strict bypass c_adult c_gambling c_social"',
    );
    expect(state.config).toContain('access-control-tag-action: 127.0.1.0/24 c_gambling redirect');
    expect(state.config).toContain(`access-control-tag-data: 127.0.1.0/24 c_gambling "A ${BLOCK_V4}"`);
    expect(state.config).toContain('access-control-tag-action: 127.0.1.0/24 bypass always_nxdomain');
    expect(state.config).toContain('access-control: 127.0.2.0/24 allow');
    expect(state.config).not.toContain('access-control-tag: 127.0.2.0/24');
    expect(state.config).toContain('include: "@DIR@/local-zones.conf"');
    expect(state.config).toContain('zonefile: "@DIR@/ss_google.zone"');
  });

  it('gives the local zones with their serial as ETag, 304 when unchanged', async () => {
    const response = await ctx.app.inject({ url: '/api/safety/node/zones/local-zones', headers: auth() });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('local-zone: "casino.test." transparent\n');
    expect(response.body).toContain('local-zone-tag: "casino.test." "c_gambling"\n');
    expect(response.body).toContain('local-zone-tag: "use-application-dns.net." "bypass"\n');
    const again = await ctx.app.inject({
      url: '/api/safety/node/zones/local-zones',
      headers: { ...auth(), 'if-none-match': response.headers.etag as string },
    });
    expect(again.statusCode).toBe(304);
    const google = await ctx.app.inject({ url: '/api/safety/node/zones/ss_google', headers: auth() });
    expect(google.body).toContain('www.google.com CNAME forcesafesearch.google.com.');
  });

  it('answers an unknown zone 404 in the asker’s language, a malformed name 400', async () => {
    const unknown = await ctx.app.inject({
      url: '/api/safety/node/zones/c_nothing',
      headers: { ...auth(), 'accept-language': 'ru' },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('Такой зоны фильтра нет');
    const bad = await ctx.app.inject({ url: '/api/safety/node/zones/..%2Fetc', headers: auth() });
    expect(bad.statusCode).toBe(400);
  });

  it("records the node's applied serial", async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/safety/node/applied',
      headers: auth(),
      payload: { serial: 1234 },
    });
    expect(response.statusCode).toBe(200);
    const [row] = await ctx.database.db.select().from(nodes).where(eq(nodes.id, nodeId));
    expect(row!.appliedSerial).toBe(1234);
    expect(row!.lastSeenAt).not.toBeNull();
  });

  it('answers blocked names with the block addresses the operator sets, in a state of a new serial', async () => {
    const state = async () =>
      (await ctx.app.inject({ url: '/api/safety/node/state', headers: auth() })).json<{
        serial: number;
        config: string;
      }>();
    const before = await state();
    await expect(setBlockAddresses(ctx.database.db, '10.9.8.7', 'nope')).rejects.toThrow(/IPv6/);
    await setBlockAddresses(ctx.database.db, '10.9.8.7', 'fd00::7');
    const after = await state();
    expect(after.config).toContain('c_gambling "A 10.9.8.7"');
    expect(after.config).toContain('c_gambling "AAAA fd00::7"');
    expect(after.serial).not.toBe(before.serial);
  });
});

describe('the local zones compiler', () => {
  const compile = (tags: { tag: string; domains: string[] }[]) => {
    let text = '';
    const { zones } = localZones(tags, (chunk) => (text += chunk));
    const zoneTags = Object.fromEntries(
      [...text.matchAll(/local-zone-tag: "([^"]*)" "([^"]*)"/g)].map((m) => [m[1]!, m[2]!]),
    );
    return { zones, zoneTags };
  };

  it('writes a domain in several categories once, with all its tags in precedence order', () => {
    const { zoneTags } = compile([
      { tag: 'c_social', domains: ['both.test'] },
      { tag: 'c_adult', domains: ['both.test', 'adult.test'] },
    ]);
    expect(zoneTags).toEqual({ 'both.test.': 'c_adult c_social', 'adult.test.': 'c_adult' });
  });

  it('drops a domain a parent of the same tags covers, and hands tags down to the zones below', () => {
    const { zones, zoneTags } = compile([
      { tag: 'c_gambling', domains: ['casino.test', 'www.casino.test', 'ads.casino.test', 'poker.test'] },
      { tag: 'x_7', domains: ['casino.test', 'ok.poker.test'] },
      { tag: 'c_ads', domains: ['ads.casino.test'] },
      { tag: 'e_all', domains: [ROOT] },
    ]);
    expect(zones).toBe(5);
    expect(zoneTags).toEqual({
      '.': 'e_all',
      'casino.test.': 'x_7 e_all c_gambling',
      'poker.test.': 'e_all c_gambling',
      // An exception under a blocked domain, and a block under an exception: each its own zone, with the tags
      // of the zones above it (Unbound takes the closest zone, then its first tag the client has).
      'ok.poker.test.': 'x_7 e_all c_gambling',
      'ads.casino.test.': 'x_7 e_all c_ads c_gambling',
    });
  });

  it('keeps SafeSearch out of the local zones (an RPZ zone of exact names)', () => {
    const { zoneTags } = compile([
      { tag: 'ss_google', domains: ['www.google.com'] },
      { tag: 'bypass', domains: ['use-application-dns.net'] },
    ]);
    expect(zoneTags).toEqual({ 'use-application-dns.net.': 'bypass' });
  });
});
