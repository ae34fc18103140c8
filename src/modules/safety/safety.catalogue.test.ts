import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, type Session } from '@test/harness';
import { createAreas, createUserWithRole } from '@test/factories';
import { loadPackCategories } from '@test/safety-admin-world';
import { normaliseDomain } from '@/modules/safety/safety.catalogue.service';

interface Cat {
  id: number;
  code: string;
  version: number;
  name: { az: string; ru: string; en: string };
  keywords: { id: number; keyword: string; language: string }[];
}
interface ListOut {
  list: { id: number; version: number; serial: number; domainCount: number; source: string };
  domains: string[];
}

describe('safety catalogue: categories, keywords, lists', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let bureau: Session;
  let regional: Session;
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp();
    await loadPackCategories(t.database.db);
    const b = await createUserWithRole(t.database.db, 'bureau');
    bureau = await login(t.app, b.username, b.password);
    const areas = await createAreas(t.database.db);
    const r = await createUserWithRole(t.database.db, 'regional', { areaId: areas.district });
    regional = await login(t.app, r.username, r.password);
    server = http.createServer((req, res) => {
      if (req.url === '/domains') res.end('# UT1\nbet.example\nкурс-казино.example\n\n');
      else if (req.url === '/moved') res.writeHead(302, { location: '/domains' }).end();
      else if (req.url === '/secret') res.end('password = s3cr3t\n');
      else if (req.url === '/huge') {
        res.writeHead(200);
        const line = 'a'.repeat(60) + '.example\n';
        for (let i = 0; i < 200_000; i++) res.write(line);
        res.end();
      } else res.writeHead(404).end();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.close();
    await t.close();
  });

  const send = (s: Session, method: 'POST' | 'PUT' | 'GET', url: string, payload?: object, lang = 'en') =>
    s.inject({ method, url, payload, headers: { 'accept-language': lang } });
  const categories = async () =>
    (await send(bureau, 'GET', '/api/safety/categories')).json<{ categories: Cat[] }>().categories;

  it('normalises domains: IDNs to punycode, wildcards and trailing dots dropped, addresses refused', () => {
    expect(normaliseDomain('Məktəb.Example.')).toEqual({ domain: 'xn--mktb-v6bc.example' });
    expect(normaliseDomain('*.ads.example')).toEqual({ domain: 'ads.example' });
    expect(normaliseDomain('192.168.1.1')).toEqual({ reason: 'ip_address' });
    expect(normaliseDomain('no spaces.example')).toEqual({ reason: 'domain' });
    expect(normaliseDomain('localhost')).toEqual({ reason: 'domain' });
    expect(normaliseDomain('-bad.example')).toEqual({ reason: 'domain' });
  });

  it('has the pack categories in three languages, for the ministry and districts to read', async () => {
    const list = await categories();
    expect(list.length).toBeGreaterThanOrEqual(55);
    const gambling = list.find((c) => c.code === 'gambling')!;
    expect(gambling.name).toEqual({ az: 'Qumar oyunları', ru: 'Азартные игры', en: 'Gambling' });
    expect(gambling.keywords.map((k) => k.keyword)).toEqual(
      expect.arrayContaining(['kazino', 'ставки', 'casino']),
    );
    expect((await send(regional, 'GET', '/api/safety/categories')).statusCode).toBe(200);
    expect((await send(regional, 'POST', '/api/safety/categories', {})).statusCode).toBe(403);
  });

  it("adds the ministry's own category, edits its names at the version read, refuses a stale save", async () => {
    const made = await send(bureau, 'POST', '/api/safety/categories', {
      code: 'loot_boxes',
      name: { az: 'Lut qutuları', ru: 'Лутбоксы', en: 'Loot boxes' },
      description: { az: '', ru: '', en: '' },
    });
    expect(made.statusCode).toBe(200);
    const cat = made.json<Cat>();
    const again = await send(bureau, 'POST', '/api/safety/categories', {
      ...cat,
      code: 'loot_boxes',
      description: cat.name,
    });
    expect(again.statusCode).toBe(400);
    const dup = await send(bureau, 'POST', '/api/safety/categories', {
      code: 'loot_boxes',
      name: cat.name,
      description: cat.name,
    });
    expect(dup.statusCode).toBe(422);
    const save = (version: number) =>
      send(bureau, 'PUT', `/api/safety/categories/${cat.id}`, {
        version,
        name: cat.name,
        description: cat.name,
      });
    expect((await save(cat.version)).statusCode).toBe(200);
    const stale = await save(cat.version);
    expect(stale.statusCode).toBe(409);
    expect(stale.json<{ error: { code: string } }>().error.code).toBe('stale_version');
  });

  it('stores keywords folded, so a Cyrillic spelling of a Latin one is the same keyword', async () => {
    const gambling = (await categories()).find((c) => c.code === 'gambling')!;
    // The pack has az "kazino" and ru "казино": both fold to "kazino", so only one of them is stored.
    const again = await send(
      bureau,
      'POST',
      `/api/safety/categories/${gambling.id}/keywords`,
      {
        keyword: 'КАЗИНО',
        language: 'ru',
      },
      'ru',
    );
    expect(again.statusCode).toBe(422);
    expect(again.json<{ error: { details: { reason: string }[] } }>().error.details[0]!.reason).toBe(
      'keyword_exists',
    );
    const added = await send(bureau, 'POST', `/api/safety/categories/${gambling.id}/keywords`, {
      keyword: 'Rulet',
      language: 'az',
    });
    expect(added.statusCode).toBe(200);
    expect(added.json<Cat>().keywords.map((k) => k.keyword)).toContain('Rulet');
  });

  it('edits a list by hand: IDNs in punycode, every change a new serial, a bad domain refuses the change', async () => {
    const gambling = (await categories()).find((c) => c.code === 'gambling')!;
    const made = await send(bureau, 'POST', '/api/safety/lists', {
      kind: 'block',
      categoryId: gambling.id,
      name: { az: 'Əl ilə', ru: 'Вручную', en: 'By hand' },
    });
    expect(made.statusCode).toBe(200);
    const l0 = made.json<ListOut>().list;
    const edit = await send(bureau, 'POST', `/api/safety/lists/${l0.id}/domains`, {
      version: l0.version,
      add: ['казино.example', 'Bet.Example'],
      remove: [],
    });
    expect(edit.statusCode).toBe(200);
    const l1 = edit.json<ListOut>();
    expect(l1.list.serial).toBe(l0.serial + 1);
    expect(l1.list.domainCount).toBe(2);
    expect(l1.domains).toEqual(['bet.example', 'казино.example']);
    const bad = await send(bureau, 'POST', `/api/safety/lists/${l0.id}/domains`, {
      version: l1.list.version,
      add: ['ok.example', 'not a domain'],
      remove: ['bet.example'],
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json<{ error: { details: { field: string }[] } }>().error.details[0]!.field).toBe('add[1]');
    const stale = await send(bureau, 'POST', `/api/safety/lists/${l0.id}/domains`, {
      version: l0.version,
      add: [],
      remove: ['bet.example'],
    });
    expect(stale.statusCode).toBe(409);
  });

  it('imports a UT1 domains file all or nothing, with a line-by-line report, then from an address', async () => {
    const made = await send(bureau, 'POST', '/api/safety/lists', {
      kind: 'block',
      categoryId: null,
      name: { az: 'İdxal', ru: 'Импорт', en: 'Import' },
    });
    const l0 = made.json<ListOut>().list;
    const refused = await send(bureau, 'POST', `/api/safety/lists/${l0.id}/import`, {
      version: l0.version,
      text: 'good.example\n10.0.0.1\n\nbad domain\nok.example\n',
    });
    expect(refused.statusCode).toBe(422);
    const report = refused.json<{ error: { details: { field: string; message: string }[] } }>();
    expect(report.error.details.map((r) => r.field)).toEqual(['line.2', 'line.4']);
    expect(report.error.details[1]!.message).toContain('bad domain');
    const unchanged = (await send(bureau, 'GET', `/api/safety/lists/${l0.id}`)).json<ListOut>();
    expect(unchanged.list).toMatchObject({ domainCount: 0, serial: l0.serial, version: l0.version });

    const ok = await send(bureau, 'POST', `/api/safety/lists/${l0.id}/import`, {
      version: l0.version,
      text: '# comment\ngood.example\nok.example\n',
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json<{ imported: number }>().imported).toBe(2);
    const l1 = (await send(bureau, 'GET', `/api/safety/lists/${l0.id}`)).json<ListOut>().list;
    expect(l1).toMatchObject({ domainCount: 2, serial: l0.serial + 1, source: 'file' });

    // An address of the servers' own network (the test's server is on loopback) is refused by default…
    const own = await send(bureau, 'POST', `/api/safety/lists/${l0.id}/import`, {
      version: l1.version,
      url: `${base}/domains`,
    });
    expect(own.statusCode).toBe(422);
    expect(own.body).toContain('serverlərin öz şəbəkəsinin ünvanıdır');
    // …and fetched where the operator allows it.
    process.env.SAFETY_LIST_FETCH_PRIVATE = 'true';
    const fetched = await send(bureau, 'POST', `/api/safety/lists/${l0.id}/import`, {
      version: l1.version,
      url: `${base}/domains`,
    });
    expect(fetched.statusCode).toBe(200);
    const l2 = (await send(bureau, 'GET', `/api/safety/lists/${l0.id}`)).json<ListOut>();
    expect(l2.domains).toEqual(['bet.example', 'курс-казино.example']);
    expect(l2.list).toMatchObject({ source: 'url', serial: l0.serial + 2 });

    const huge = await send(bureau, 'POST', `/api/safety/lists/${l0.id}/import`, {
      version: l2.list.version,
      url: `${base}/huge`,
    });
    expect(huge.statusCode).toBe(422);
    expect(huge.json<{ error: { code: string } }>().error.code).toBe('safetyAdmin.too_large');
    const missing = await send(
      bureau,
      'POST',
      `/api/safety/lists/${l0.id}/import`,
      {
        version: l2.list.version,
        url: `${base}/nothing`,
      },
      'az',
    );
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain('ünvan xəta ilə cavab verdi');
    const moved = await send(bureau, 'POST', `/api/safety/lists/${l0.id}/import`, {
      version: l2.list.version,
      url: `${base}/moved`,
    });
    expect(moved.statusCode).toBe(422);
    expect(moved.body).toContain('son ünvanı verin');
    const junk = await send(bureau, 'POST', `/api/safety/lists/${l0.id}/import`, {
      version: l2.list.version,
      url: `${base}/secret`,
    });
    expect(junk.statusCode).toBe(422);
    expect(junk.body).not.toContain('s3cr3t');
    delete process.env.SAFETY_LIST_FETCH_PRIVATE;
  });
});
