import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDatabase } from '@test/harness';
import { rows, type Database } from '@/server/db/database';
import { DEFAULT_PACK_DIR } from '@/modules/institutions/country-pack';
import { formatTable, runSeed } from '@/cli/commands/seed';
import { CommandError } from '@/cli/commands/user';

describe('maktab seed', () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  const count = async (table: string) =>
    (await rows<{ n: number }>(database.db, sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]!
      .n;

  it('refuses to make demo people in production, with a message and no data written', async () => {
    const log: string[] = [];
    const error = await runSeed(
      database,
      { scale: 'demo', seed: '1', pack: DEFAULT_PACK_DIR },
      { production: true, log: (m) => log.push(m) },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect((error as Error).message).toMatch(/NODE_ENV=production.*--pack-only/);
    expect(await count('institutions_area')).toBe(0);
  });

  it('loads only the country pack with --pack-only, in production too, and again on a database with data', async () => {
    const log: string[] = [];
    const args = { scale: 'demo' as const, seed: '1', pack: DEFAULT_PACK_DIR, packOnly: true };
    await runSeed(database, args, { production: true, log: (m) => log.push(m) });
    await runSeed(database, args, { production: true, log: (m) => log.push(m) });
    expect(log[0]).toMatch(/loaded the country pack .* 104 areas, 7 levels, 11 grades/);
    expect(await count('institutions_area')).toBe(104);
    expect(await count('identity_user')).toBe(0);
  });

  it('refuses a seed that is not a number, a broken pack folder, and a database with data', async () => {
    const env = { production: false, log: () => {} };
    await expect(
      runSeed(database, { scale: 'demo', seed: 'abc', pack: DEFAULT_PACK_DIR }, env),
    ).rejects.toThrow('--seed must be a whole number, got "abc"');
    await expect(runSeed(database, { scale: 'demo', seed: '1', pack: '/nonexistent' }, env)).rejects.toThrow(
      /pack\.json: the file is missing/,
    );
    await expect(
      runSeed(database, { scale: 'demo', seed: '1', pack: DEFAULT_PACK_DIR }, env),
    ).rejects.toThrow(/already holds data \(104 areas, 0 institutions, 0 accounts\)/);
  });

  it('prints tables with aligned columns', () => {
    expect(formatTable(['a', 'bb'], [['xxx', 'y']])).toBe('a    bb\n---  --\nxxx  y');
  });
});
