import type { Command } from 'commander';
import { loadConfig } from '@/server/config';
import { serve } from '@/server/serve';
import { VERSION } from '@/server/version';

/** `maktab serve`: the web app and the API. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the web app and the API (PORT, DATA_DIR, DATABASE_URL)')
    .action(async () => {
      const config = loadConfig();
      const server = await serve(config);
      console.log(
        `Maktab ${VERSION} is listening on http://localhost:${config.port} (${server.database.driver})`,
      );
    });
}
