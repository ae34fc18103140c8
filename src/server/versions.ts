import { Type } from 'typebox';
import { AppError } from '@/server/errors';
import { defineMessages } from '@/server/i18n';

/**
 * Optimistic concurrency for whole-record saves (`docs/architecture.md`, "Saving over someone else's change").
 * A record that a `PUT` replaces carries a `version`: an integer that every write of it bumps. Its `GET` returns
 * it, and the `PUT` must send back the version it read; the write is
 * `UPDATE … SET …, version = version + 1 WHERE id = … AND version = <sent>` in the save's transaction, so of two
 * saves from the same read exactly one matches a row and the other answers `409 stale_version` with both
 * versions: what the caller sent (`yours`) and what the record holds now (`current`).
 */

/** The version a save was made from, in a `PUT` body; 0 for a record not saved yet (where a record may be new). */
export const VersionField = Type.Integer({
  minimum: 0,
  maximum: 2147483647,
  description:
    'The `version` of the record as read; a save from an older version is refused with 409 `stale_version`',
});

/** The version of a record, in a `GET` answer. */
export const VersionOut = Type.Integer({
  description: 'Bumped by every write of the record; send it back when saving the record',
});

defineMessages({
  en: {
    stale_version:
      'Someone else changed this after you opened it. Compare their version with yours, then reload it or save yours over theirs.',
  },
  az: {
    stale_version:
      'Siz açandan sonra bunu başqası dəyişib. Onun variantını özünüzünkü ilə müqayisə edin, sonra yeniləyin və ya öz variantınızı onun üzərinə yazın.',
  },
  ru: {
    stale_version:
      'После того как вы это открыли, кто-то другой это изменил. Сравните его вариант со своим, затем обновите или сохраните свой поверх его.',
  },
});

/**
 * The refusal of a save made from an old version: 409 `stale_version`, its details both versions — `yours`
 * (the version sent and the values sent with it) and `current` (the record as its `GET` returns it now).
 */
export function staleVersion(
  yours: { version: number } & object,
  current: { version: number } & object,
): AppError {
  return new AppError(409, 'stale_version', {}, { yours, current });
}
