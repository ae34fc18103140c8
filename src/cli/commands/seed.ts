import { Option, type Command } from 'commander';
import { withDatabase } from '@/cli/database';
import { CommandError, reportErrors } from '@/cli/commands/user';
import { loadConfig } from '@/server/config';
import type { Database } from '@/server/db/database';
import {
  childrenOf,
  findUserById,
  findUserByUsername,
  grantsOfUser,
} from '@/modules/identity/identity.store';
import { findArea, findInstitution } from '@/modules/institutions/institutions.store';
import { CountryPackError, DEFAULT_PACK_DIR } from '@/modules/institutions/country-pack';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '@/seed/demo-accounts';
import { describeSeed, loadPackOnly, seed, SeedRefused, type SeedScale } from '@/seed/seed';
import type { LibrarySeedOptions } from '@/seed/library';
import { LocalStorage } from '@/server/storage';

/** What `maktab seed` takes. */
export interface SeedArgs {
  scale: SeedScale;
  seed: string;
  pack: string;
  packOnly?: boolean;
}

/**
 * Runs `maktab seed`: the whole demo or national country into an empty database, or with `--pack-only` just
 * the country pack (allowed in production, and on a database with data, where it updates the pack).
 */
export async function runSeed(
  database: Database,
  args: SeedArgs,
  env: { production: boolean; log: (message: string) => void; library?: LibrarySeedOptions },
): Promise<void> {
  try {
    if (args.packOnly) {
      const started = performance.now();
      const loaded = await loadPackOnly(database, args.pack);
      const c = loaded.counts;
      env.log(
        `loaded the country pack from ${args.pack} in ${Math.round(performance.now() - started)} ms: ${c.areas} areas, ` +
          `${c.levels} levels, ${c.grades} grades, ${c.subjects} subjects, ${c.gradingScales} grading scales, ${c.calendarEntries} calendar entries`,
      );
      return;
    }
    if (!/^\d+$/.test(args.seed)) throw new CommandError(`--seed must be a whole number, got "${args.seed}"`);
    const summary = await seed(database, {
      scale: args.scale,
      seed: Number(args.seed),
      packDir: args.pack,
      production: env.production,
      log: env.log,
      library: env.library,
    });
    env.log(describeSeed(summary));
  } catch (error) {
    if (error instanceof SeedRefused || error instanceof CountryPackError)
      throw new CommandError(error.message);
    throw error;
  }
}

/** One line of `maktab demo-accounts`. */
export interface DemoAccountLine {
  username: string;
  role: string;
  scope: string;
  description: string;
}

/** The demo accounts as this database has them: their roles and where they hold them. */
export async function demoAccountLines(database: Database): Promise<DemoAccountLine[]> {
  const db = database.db;
  const lines: DemoAccountLine[] = [];
  for (const account of DEMO_ACCOUNTS) {
    const user = await findUserByUsername(db, account.username);
    if (!user) {
      lines.push({ ...account, scope: 'not in this database', description: account.description });
      continue;
    }
    for (const grant of await grantsOfUser(db, user.id)) {
      let scope = 'the nation';
      if (grant.areaId !== null) {
        const area = await findArea(db, grant.areaId);
        scope = area ? `${area.nameEn} (${area.code})` : `area ${grant.areaId}`;
      } else if (grant.institutionId !== null) {
        const institution = await findInstitution(db, grant.institutionId);
        scope = institution
          ? `${institution.nameEn} (${institution.code})`
          : `institution ${grant.institutionId}`;
      } else if (grant.role === 'parent') {
        const children = await Promise.all((await childrenOf(db, user.id)).map((id) => findUserById(db, id)));
        scope = `children: ${children.map((c) => c?.username ?? '?').join(', ') || 'none'}`;
      }
      lines.push({ username: account.username, role: grant.role, scope, description: account.description });
    }
  }
  return lines;
}

/** Lays out rows as a plain-text table with a header, for a terminal. */
export function formatTable(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** `maktab seed` and `maktab demo-accounts`. */
export function registerSeed(program: Command): void {
  program
    .command('seed')
    .description(
      'load the country pack and a deterministic demo or national-scale country into an empty database',
    )
    .addOption(
      new Option('--scale <scale>', 'how much to make').choices(['demo', 'national']).default('demo'),
    )
    .option('--seed <n>', 'the random seed: the same seed makes the same data', '1')
    .option('--pack <dir>', 'the country pack folder', DEFAULT_PACK_DIR)
    .option(
      '--pack-only',
      'load or update only the country pack (allowed in production and on a database with data)',
    )
    .action((opts: SeedArgs) =>
      reportErrors(() =>
        withDatabase((database) => {
          const config = loadConfig();
          return runSeed(database, opts, {
            production: config.production,
            log: (m) => console.log(m),
            // The demo library's files go where the server serves them from.
            library: { storage: new LocalStorage(config.storageDir), media: config.media },
          });
        }),
      ),
    );
  program
    .command('demo-accounts')
    .description(`list the demo accounts (password "${DEMO_PASSWORD}"), their roles and scopes`)
    .action(() =>
      withDatabase(async (database) => {
        const lines = await demoAccountLines(database);
        console.log(
          formatTable(
            ['account', 'role', 'scope', 'what for'],
            lines.map((l) => [l.username, l.role, l.scope, l.description]),
          ),
        );
        console.log(`\npassword: ${DEMO_PASSWORD} (never created when NODE_ENV=production)`);
      }),
    );
}
