import { randomBytes } from 'node:crypto';
import { Option, type Command } from 'commander';
import { withDatabase } from '@/cli/database';
import type { Database } from '@/server/db/database';
import { ROLE_SCOPE, ROLES, type Grant, type Role } from '@/server/access';
import { AppError } from '@/server/errors';
import { createUser, resetPassword, type PublicUser } from '@/modules/identity/identity.service';
import { findUserByUsername } from '@/modules/identity/identity.store';
import { MIN_PASSWORD_LENGTH, passwordProblem } from '@/modules/identity/passwords';
import { translate } from '@/server/i18n';
import { findInstitutionByCode } from '@/modules/institutions/institutions.store';
import { areaIdByCode } from '@/modules/institutions/country-pack';

/** A mistake in a command's arguments or a refusal: printed as it is, with a non-zero exit, no stack trace. */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

/** The same rules as the API's account form, so an account made in the shell could have been made there. */
const USERNAME = /^[a-zA-Z0-9._-]{2,100}$/;

/** A random password for an account made without one: 16 characters from 96 random bits. */
export function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}

/** The server's password rules (`passwords.ts`), refused as a message for the shell. */
function checkPassword(password: string, username: string): void {
  const problem = passwordProblem(password, username);
  if (problem !== null)
    throw new CommandError(
      `the password is not accepted: ${translate('en', `password.${problem}`, { min: MIN_PASSWORD_LENGTH })}`,
    );
}

/** What `maktab user create` takes. */
export interface CreateUserArgs {
  username: string;
  name: string;
  role: string;
  area?: string;
  institution?: string;
  password?: string;
  locale?: 'az' | 'ru' | 'en';
}

/**
 * Creates an account from the shell, through the identity service so that it is audited with no actor (the
 * system). Returns the password, which was generated when none was given, for the caller to print once.
 */
export async function createUserFromShell(
  database: Database,
  args: CreateUserArgs,
): Promise<{ user: PublicUser; password: string; generated: boolean }> {
  if (!USERNAME.test(args.username))
    throw new CommandError('the username must be 2 to 100 letters, digits, dots, dashes or underscores');
  if (args.name.trim() === '') throw new CommandError('the full name cannot be empty');
  if (!(ROLES as readonly string[]).includes(args.role))
    throw new CommandError(`unknown role "${args.role}"; one of: ${ROLES.join(', ')}`);
  const role = args.role as Role;
  const scope = ROLE_SCOPE[role];
  if (args.area !== undefined && args.institution !== undefined)
    throw new CommandError('give --area or --institution, not both');
  const grant: Grant = { role, areaId: null, institutionId: null };
  switch (scope) {
    case 'nation':
    case 'children':
      if (args.area !== undefined || args.institution !== undefined)
        throw new CommandError(
          `the ${role} role is held ${scope === 'nation' ? 'for the whole nation' : 'over linked children'}: give neither --area nor --institution`,
        );
      break;
    case 'area': {
      if (args.area === undefined)
        throw new CommandError(`the ${role} role is held in an area: give --area CODE`);
      const areaId = await areaIdByCode(database.db, args.area);
      if (areaId === null) throw new CommandError(`no area has the code "${args.area}"`);
      grant.areaId = areaId;
      break;
    }
    case 'institution': {
      if (args.institution === undefined)
        throw new CommandError(`the ${role} role is held in an institution: give --institution CODE`);
      const institution = await findInstitutionByCode(database.db, args.institution);
      if (!institution) throw new CommandError(`no institution has the code "${args.institution}"`);
      grant.institutionId = institution.id;
      break;
    }
  }
  const generated = args.password === undefined;
  const password = args.password ?? generatePassword();
  checkPassword(password, args.username);
  try {
    const user = await createUser(
      database.db,
      { actorId: null, ip: null },
      {
        username: args.username,
        password,
        displayName: args.name.trim(),
        locale: args.locale,
        grants: [grant],
      },
    );
    return { user, password, generated };
  } catch (error) {
    if (error instanceof AppError && error.code === 'username_taken')
      throw new CommandError(`the username "${args.username.toLowerCase()}" is taken`);
    throw error;
  }
}

/**
 * Sets a new password from the shell (generated when none is given), through the identity service: audited
 * with no actor, and every session of the account is ended.
 */
export async function resetPasswordFromShell(
  database: Database,
  args: { username: string; password?: string },
): Promise<{ password: string; generated: boolean }> {
  const user = await findUserByUsername(database.db, args.username.toLowerCase());
  if (!user) throw new CommandError(`no account has the username "${args.username}"`);
  const generated = args.password === undefined;
  const password = args.password ?? generatePassword();
  checkPassword(password, user.username);
  await resetPassword(database.db, null, { actorId: null, ip: null }, user.id, password);
  return { password, generated };
}

/** Runs a command's work, turning a CommandError into a message on stderr and exit code 1. */
export async function reportErrors(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof CommandError) {
      console.error(`maktab: ${error.message}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}

/** `maktab user create` and `maktab user reset-password`: accounts from the shell, with no web session. */
export function registerUser(program: Command): void {
  const user = program.command('user').description('manage accounts from the shell');
  user
    .command('create')
    .description('create an account holding one role (the password is generated and printed when not given)')
    .requiredOption('--username <username>', 'account name: letters, digits, . _ -')
    .requiredOption('--name <full name>', 'the full name, as shown')
    .addOption(new Option('--role <role>', 'the role to hold').choices(ROLES).makeOptionMandatory())
    .option('--area <code>', 'the area a regional officer oversees')
    .option('--institution <code>', 'the institution of a director, teacher or student')
    .option(
      '--password <password>',
      `the password (at least ${MIN_PASSWORD_LENGTH} characters); generated when left out`,
    )
    .addOption(
      new Option('--locale <locale>', 'the account language').choices(['az', 'ru', 'en']).default('az'),
    )
    .action((opts: CreateUserArgs) =>
      reportErrors(() =>
        withDatabase(async (database) => {
          const { user: created, password, generated } = await createUserFromShell(database, opts);
          console.log(`created ${created.username} (id ${created.id}) as ${opts.role}`);
          if (generated) console.log(`password: ${password}`);
        }),
      ),
    );
  user
    .command('reset-password')
    .description("set a new password (generated and printed when not given) and end the account's sessions")
    .requiredOption('--username <username>', 'the account')
    .option(
      '--password <password>',
      `the new password (at least ${MIN_PASSWORD_LENGTH} characters); generated when left out`,
    )
    .action((opts: { username: string; password?: string }) =>
      reportErrors(() =>
        withDatabase(async (database) => {
          const { password, generated } = await resetPasswordFromShell(database, opts);
          console.log(`new password set for ${opts.username}; its sessions are ended`);
          if (generated) console.log(`password: ${password}`);
        }),
      ),
    );
}
