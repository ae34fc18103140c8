import { loadConfig } from '@/server/config';
import { openDatabase, type Database } from '@/server/db/database';
import { migrate } from '@/server/db/migrate';

/** Opens the configured database (migrated), runs `fn`, and closes it whatever happens. */
export async function withDatabase<T>(
  fn: (database: Database) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const database = await openDatabase(loadConfig().database);
  try {
    if (options.migrate ?? true) await migrate(database);
    return await fn(database);
  } finally {
    await database.close();
  }
}
