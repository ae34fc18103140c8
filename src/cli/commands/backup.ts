import type { Command } from 'commander';
import { withDatabase } from '@/cli/database';
import { CommandError, reportErrors } from '@/cli/commands/user';
import { BackupError, backupDatabase, readBackupHeader, restoreDatabase } from '@/server/db/backup';
import { DataDirBusyError } from '@/server/db/pglite-lock';
import { loadConfig } from '@/server/config';
import { LocalStorage } from '@/server/storage';

/** Refusals an operator acts on (a damaged file, a running server) print as a message, not a stack trace. */
async function asCommandErrors(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof BackupError || error instanceof DataDirBusyError)
      throw new CommandError(error.message);
    throw error;
  }
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** `maktab backup FILE` and `maktab restore FILE`: a logical dump that restores on either driver. */
export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description(
      "write a logical dump of the database and its stored files (gzip'd JSON lines) that restores on either driver",
    )
    .argument('<file>', 'the file to write, e.g. maktab-2026-09-01.jsonl.gz')
    .action((file: string) =>
      reportErrors(() =>
        asCommandErrors(() =>
          // No migration first: a backup taken before an upgrade must hold the schema as it was.
          withDatabase(
            async (database) => {
              const summary = await backupDatabase(database, file, {
                log: (m) => console.error(`  ${m}`),
                storage: new LocalStorage(loadConfig().storageDir),
              });
              console.log(
                `backed up ${summary.rows} rows of ${summary.tables} tables and ${summary.files} stored files ` +
                  `(${megabytes(summary.fileBytes)}) to ${summary.file} (${megabytes(summary.bytes)})`,
              );
              if (summary.missingFiles.length > 0) {
                console.error(
                  `warning: ${summary.missingFiles.length} file(s) the rows reference were not in storage ` +
                    `(deleted after the backup began, or lost before), e.g. ${summary.missingFiles.slice(0, 3).join(', ')}`,
                );
              }
            },
            { migrate: false },
          ),
        ),
      ),
    );
  program
    .command('restore')
    .description(
      'replace the data of the database and its stored files with a backup, in one transaction (stop the app nodes first)',
    )
    .argument('<file>', 'a file written by `maktab backup`')
    .option('--force', 'replace a database that already holds data')
    .action((file: string, opts: { force?: boolean }) =>
      reportErrors(() =>
        asCommandErrors(async () => {
          // Read before the database is opened, so that a wrong file is refused without touching anything.
          const header = await readBackupHeader(file);
          console.error(
            `restoring a backup of ${header.createdAt} from Maktab ${header.platformVersion} (${header.driver})`,
          );
          await withDatabase(async (database) => {
            const summary = await restoreDatabase(database, file, {
              force: opts.force ?? false,
              log: (m) => console.error(`  ${m}`),
              storage: new LocalStorage(loadConfig().storageDir),
            });
            console.log(
              `restored ${summary.rows} rows of ${summary.tables} tables and ${summary.files} stored files from ${file}`,
            );
          });
        }),
      ),
    );
}
