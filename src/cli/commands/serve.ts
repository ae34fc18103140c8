import type { Command } from 'commander';
import { serveCluster } from '@/server/cluster';

/** `maktab serve`: the web app and the API, on every core when the database is PostgreSQL (`cluster.ts`). */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the web app and the API (PORT, DATA_DIR, DATABASE_URL, WORKERS)')
    .action(async () => {
      await serveCluster();
    });
}
