import type { Command } from 'commander';
import { withDatabase } from '@/cli/database';
import { migrate } from '@/server/db/migrate';

/** `maktab migrate`: bring the schema up to date. */
export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('bring the database schema up to date')
    .action(() =>
      withDatabase(async (database) => {
        const applied = await migrate(database);
        console.log(applied.length ? `applied ${applied.length} migration(s)` : 'the schema is up to date');
      }),
    );
}
