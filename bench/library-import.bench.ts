import { buildApp } from '@/server/app';
import type { Database } from '@/server/db/database';
import { login, testConfig } from '@test/harness';
import { createUserWithRole } from '@test/factories';
import { loadCountryPackFrom } from '@/modules/institutions/country-pack';
import * as store from '@/modules/library/library.store';
import { withDatabase } from './support';

/**
 * The back catalogue's CSV import: 5,000 rows (BENCH_IMPORT_ROWS) with a subject, grades, a curriculum topic
 * and an author each, through `POST /api/library/import` (reading, checking every row, writing in one
 * transaction), against the same rows written straight by the store's bulk insert (the database's part
 * alone), in the same run. Goal: the whole import in at most 5 seconds.
 */

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 5000);
const GOAL_MS = 5000;

async function measure(database: Database): Promise<string> {
  await loadCountryPackFrom(database.db);
  const app = await buildApp(testConfig(), database);
  try {
    await app.ready();
    const editor = await createUserWithRole(database.db, 'editor');
    const session = await login(app, editor.username, editor.password);
    const csv = [
      'title,type,language,level,licence,subject,grades,topics,authors,description',
      ...Array.from(
        { length: ROWS },
        (_, i) =>
          `Arxiv dərsi ${i},video_lesson,az,general,cc_by,mathematics,5;6,math.numbers.fractions,Müəllif ${i % 50},"Kəsrlər, ${i}"`,
      ),
    ].join('\r\n');
    const started = performance.now();
    const res = await session.inject({
      method: 'POST',
      url: '/api/library/import',
      headers: { 'content-type': 'text/csv' },
      payload: csv,
    });
    const importMs = performance.now() - started;
    if (res.statusCode !== 200) throw new Error(`import: ${res.statusCode} ${res.body.slice(0, 500)}`);

    const [topic] = await store.topicsByCode(database.db, ['math.numbers.fractions']);
    const items = Array.from({ length: ROWS }, (_, i) => ({
      values: {
        type: 'video_lesson' as const,
        title: `Arxiv dərsi ${i}`,
        description: `Kəsrlər, ${i}`,
        language: 'az' as const,
        level: 'general' as const,
        grades: [5, 6],
        subjectCode: 'mathematics',
        authors: [`Müəllif ${i % 50}`],
        licence: 'cc_by' as const,
        createdBy: editor.id,
      },
      topicIds: [topic!.id],
    }));
    const bare = performance.now();
    await database.db.transaction((tx) => store.insertDrafts(tx, items, editor.id));
    const bareMs = performance.now() - bare;
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    return (
      `library-import ${database.driver}: ${ROWS} rows in ${s(importMs)} (bulk insert alone ${s(bareMs)}, ` +
      `ratio ${(importMs / bareMs).toFixed(2)}) (goal <= ${s(GOAL_MS)})` +
      (importMs <= GOAL_MS ? '' : ' MISSED')
    );
  } finally {
    await app.close();
  }
}

/** PGlite always; PostgreSQL too when DATABASE_URL is set. */
export async function run(report: (line: string) => void): Promise<void> {
  report(await withDatabase(undefined, measure));
  const url = process.env.DATABASE_URL;
  if (url) report(await withDatabase(url, measure));
}
