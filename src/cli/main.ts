import { Command } from 'commander';
import { VERSION } from '@/server/version';
import { registerServe } from '@/cli/commands/serve';
import { registerMigrate } from '@/cli/commands/migrate';
import { registerSeed } from '@/cli/commands/seed';
import { registerUser } from '@/cli/commands/user';
import { registerBackup } from '@/cli/commands/backup';
import { registerSafetyLogs } from '@/cli/commands/safety-logs';
import { registerSafetyNode } from '@/cli/commands/safety-node';

/** The `maktab` command: every administrative task, runnable on a server without the web app. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('maktab')
    .description('Maktab — the education-technology platform')
    .version(VERSION);
  for (const register of [
    registerServe,
    registerMigrate,
    registerSeed,
    registerUser,
    registerBackup,
    registerSafetyLogs,
    registerSafetyNode,
  ])
    register(program);
  await program.parseAsync(argv);
}
