import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { AppError } from '@/server/errors';
import { defineMessages, translate, type Locale } from '@/server/i18n';
import { COMMON_PASSWORDS } from '@/modules/identity/common-passwords';

// Algorithm.Argon2id of @node-rs/argon2 (a const enum, which isolated modules cannot read).
const ARGON2ID = 2;

/**
 * The argon2id cost of new hashes: OWASP's minimum recommendation (m = 19 MiB, t = 2, p = 1). A stored hash
 * carries its own parameters, so raising these applies to passwords set afterwards.
 */
export const ARGON2_PARAMS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Hashes a password with argon2id at ARGON2_PARAMS. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID, ...ARGON2_PARAMS });
}

let dummy: Promise<string> | undefined;

/**
 * Checks a password against a stored hash. With no hash (unknown user, or no password set) it still spends
 * the time of one verification, so response times do not tell which usernames exist.
 */
export async function verifyPassword(
  storedHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  if (!storedHash) {
    dummy ??= hashPassword('no such account');
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  return verify(storedHash, password).catch(() => false);
}

/** The fewest characters a password may have. */
export const MIN_PASSWORD_LENGTH = 10;

/** Why a password is refused. */
export type PasswordProblem = 'too_short' | 'blank' | 'common' | 'username';

/**
 * The password rules, in this one place for every way a password is set (an account made by an administrator
 * or in the shell, a reset, a change of one's own): at least MIN_PASSWORD_LENGTH characters, not only spaces,
 * not one of the most common passwords, not the username. Null when the password passes.
 */
export function passwordProblem(password: string, username: string | null): PasswordProblem | null {
  if (password.trim() === '') return 'blank';
  if ([...password].length < MIN_PASSWORD_LENGTH) return 'too_short';
  const folded = password.trim().toLowerCase();
  if (username !== null && folded === username.trim().toLowerCase()) return 'username';
  if (COMMON_PASSWORDS.has(folded) || new Set(folded).size === 1) return 'common';
  return null;
}

defineMessages({
  en: {
    password_rejected: 'The password is not accepted: {reason}',
    'password.too_short': 'a password needs at least {min} characters.',
    'password.blank': 'a password cannot be only spaces.',
    'password.common': 'it is one of the most common passwords; choose another.',
    'password.username': 'it is the same as the username.',
  },
  az: {
    password_rejected: 'Parol qəbul edilmir: {reason}',
    'password.too_short': 'parol ən azı {min} simvoldan ibarət olmalıdır.',
    'password.blank': 'parol yalnız boşluqlardan ibarət ola bilməz.',
    'password.common': 'bu, ən çox istifadə olunan parollardandır; başqasını seçin.',
    'password.username': 'istifadəçi adı ilə eynidir.',
  },
  ru: {
    password_rejected: 'Пароль не принят: {reason}',
    'password.too_short': 'в пароле должно быть не меньше {min} символов.',
    'password.blank': 'пароль не может состоять только из пробелов.',
    'password.common': 'это один из самых распространённых паролей; выберите другой.',
    'password.username': 'он совпадает с именем пользователя.',
  },
});

/** Refuses a password that breaks the rules with 422, naming the field and the rule in the caller's language. */
export function assertPasswordRules(
  locale: Locale,
  password: string,
  username: string | null,
  field = 'password',
): void {
  const problem = passwordProblem(password, username);
  if (problem === null) return;
  const reason = translate(locale, `password.${problem}`, { min: MIN_PASSWORD_LENGTH });
  const message = translate(locale, 'password_rejected', { reason });
  throw new AppError(422, 'password_rejected', { reason }, [{ field, reason: problem, message }]);
}

/**
 * A temporary password an administrator hands over once: 12 characters from an alphabet without look-alikes
 * (no 0/O, 1/l/I), about 69 bits, easy to read aloud or type on a phone.
 */
export function temporaryPassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(24);
  let out = '';
  for (const b of bytes) {
    if (b >= 224) continue; // 224 = 4 × 56: keeps every letter equally likely
    out += alphabet[b % alphabet.length];
    if (out.length === 12) break;
  }
  return out.length === 12 && passwordProblem(out, null) === null ? out : temporaryPassword();
}
