import { Command } from 'commander';
import { loadConfig } from '@/server/config';
import { openDatabase } from '@/server/db/database';
import { migrate } from '@/server/db/migrate';
import { serve } from '@/server/serve';
import { VERSION } from '@/server/version';

/** The `maktab` command: every administrative task, runnable on a server without the web app. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('maktab').description('Maktab — the education-technology platform').version(VERSION);

  program
    .command('serve')
    .description('run the web app and the API (PORT, DATA_DIR, DATABASE_URL)')
    .action(async () => {
      const config = loadConfig();
      const server = await serve(config);
      console.log(`Maktab ${VERSION} is listening on http://localhost:${config.port} (${server.database.driver})`);
    });

  program
    .command('migrate')
    .description('bring the database schema up to date')
    .action(async () => {
      const database = await openDatabase(loadConfig().database);
      try {
        const applied = await migrate(database);
        console.log(applied.length ? `applied ${applied.length} migration(s)` : 'the schema is up to date');
      } finally {
        await database.close();
      }
    });

  await program.parseAsync(argv);
}
