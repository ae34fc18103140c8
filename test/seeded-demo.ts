import { schoolToday } from '@/modules/classroom/classroom.service';
import { now } from '@/server/clock';
import type { Database } from '@/server/db/database';
import { migrate } from '@/server/db/migrate';
import { seed, type SeedSummary } from '@/seed/seed';
import { imageKey, type DatabaseImage } from '@test/database-images';
import { hashSources } from '@test/demo-cache';
import { createTestDatabaseFrom } from '@test/harness';

/**
 * The demo as `seed(database, { scale: 'demo', seed })` writes it, without the library, on the school day of the
 * process's clock: made once on this machine (tens of seconds) and copied to each test file that reads it. The
 * seed's determinism is checked against it by seeding afresh (`seed.test.ts`).
 */
export function seededDemoImage(driver: 'pglite' | 'postgres', seedNumber = 1): DatabaseImage<SeedSummary> {
  return {
    name: 'seeded',
    key: imageKey(driver, [`seed=${seedNumber}`, `date=${schoolToday(now())}`, `sources=${hashSources()}`]),
    make: async (database) => {
      await migrate(database);
      return seed(database, { scale: 'demo', seed: seedNumber, production: false });
    },
  };
}

/** A fresh copy of the seeded demo, and the seed's summary. Close it in afterAll. */
export async function seededDemo(seedNumber = 1): Promise<{ database: Database; summary: SeedSummary }> {
  const image = seededDemoImage(process.env.DATABASE_URL ? 'postgres' : 'pglite', seedNumber);
  const { database, value } = await createTestDatabaseFrom(image);
  return { database, summary: value };
}
