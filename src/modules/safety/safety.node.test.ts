import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { startClockAt } from '@/server/clock';
import { createNode } from '@/modules/safety/safety.node.auth';
import { setBlockAddresses } from '@/modules/safety/safety.node.service';
import { nodes } from '@/modules/safety/safety.tables';
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

  it("gives the state: the zones in use in precedence order and Unbound's tags per network", async () => {
    const response = await ctx.app.inject({ url: '/api/safety/node/state', headers: auth() });
    expect(response.statusCode).toBe(200);
    const state = response.json<{ serial: number; zones: { name: string }[]; config: string }>();
    expect(state.zones.map((z) => z.name)).toEqual([
      'ss_bing',
      'ss_duckduckgo',
      'ss_google',
      'ss_yandex',
      'ss_youtube_strict',
      'bypass',
      'c_adult',
      'c_gambling',
      'c_social',
    ]);
    expect(state.config).toContain(
      'access-control-tag: 127.0.1.0/24 "ss_bing ss_duckduckgo ss_google ss_yandex ss_youtube_strict bypass c_adult c_gambling c_social"',
    );
    expect(state.config).toContain('access-control: 127.0.2.0/24 allow');
    expect(state.config).not.toContain('access-control-tag: 127.0.2.0/24');
    expect(state.config).toContain('zonefile: "@DIR@/c_gambling.zone"');
  });

  it('gives a zone with its serial as ETag, 304 when unchanged', async () => {
    const response = await ctx.app.inject({ url: '/api/safety/node/zones/c_gambling', headers: auth() });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain(`casino.test A ${BLOCK_V4}`);
    expect(response.body).toContain(`*.casino.test A ${BLOCK_V4}`);
    const again = await ctx.app.inject({
      url: '/api/safety/node/zones/c_gambling',
      headers: { ...auth(), 'if-none-match': response.headers.etag as string },
    });
    expect(again.statusCode).toBe(304);
    const nx = await ctx.app.inject({ url: '/api/safety/node/zones/n_gambling', headers: auth() });
    expect(nx.body).toContain('casino.test CNAME .');
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

  it('answers blocked names with the block addresses the operator sets, in a zone of a new serial', async () => {
    const zone = () => ctx.app.inject({ url: '/api/safety/node/zones/c_gambling', headers: auth() });
    const before = await zone();
    await expect(setBlockAddresses(ctx.database.db, '10.9.8.7', 'nope')).rejects.toThrow(/IPv6/);
    await setBlockAddresses(ctx.database.db, '10.9.8.7', 'fd00::7');
    const after = await zone();
    expect(after.body).toContain('10.9.8.7');
    expect(after.body).toContain('fd00::7');
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });
});
