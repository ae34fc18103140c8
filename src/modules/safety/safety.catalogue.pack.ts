import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Db } from '@/server/db/database';
import { foldText } from '@/server/fold';
import { CountryPackError, PACK_LOCALES } from '@/modules/institutions/country-pack';
import { categories, keywords, type Localised } from '@/modules/safety/safety.tables';

/**
 * The content filter's categories as country-pack data: `safety/categories.json` names each category (an English
 * code, names and descriptions in az/ru/en) and a few keywords per language. `readSafetyCategories` validates
 * the file (an error names the file and the entry); `loadSafetyCategories` writes them matched by code, so
 * loading again updates the pack's names and adds new keywords, and leaves the ministry's own categories alone.
 */

export interface PackSafetyCategory {
  code: string;
  name: Localised;
  description: Localised;
  keywords: Record<keyof Localised, string[]>;
}

const CODE = /^[a-z][a-z0-9_]{1,40}$/;

export async function readSafetyCategories(packDir: string): Promise<PackSafetyCategory[]> {
  const file = path.join(packDir, 'safety', 'categories.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new CountryPackError(file, null, `not valid JSON: ${(error as Error).message}`);
  }
  const list = (raw as { categories?: unknown }).categories;
  if (!Array.isArray(list)) throw new CountryPackError(file, null, 'categories must be a list');
  const seen = new Set<string>();
  return list.map((v: unknown, i) => {
    const o = (v ?? {}) as Record<string, unknown>;
    const entry = `categories[${i}]`;
    if (typeof o.code !== 'string' || !CODE.test(o.code))
      throw new CountryPackError(file, entry, 'code must be lower-case letters, digits and _');
    if (seen.has(o.code)) throw new CountryPackError(file, o.code, 'the code appears twice');
    seen.add(o.code);
    const text = (x: unknown, what: string): Localised => {
      const t = (x ?? {}) as Record<string, unknown>;
      const out = {} as Localised;
      for (const l of PACK_LOCALES) {
        if (typeof t[l] !== 'string' || t[l].trim() === '')
          throw new CountryPackError(file, o.code as string, `${what}.${l} must be a non-empty text`);
        out[l] = t[l].trim();
      }
      return out;
    };
    const k = (o.keywords ?? {}) as Record<string, unknown>;
    const kw = {} as Record<keyof Localised, string[]>;
    for (const l of PACK_LOCALES) {
      const words = k[l] ?? [];
      if (!Array.isArray(words) || words.some((w) => typeof w !== 'string' || w.trim().length < 2))
        throw new CountryPackError(
          file,
          o.code,
          `keywords.${l} must be a list of words of 2 letters or more`,
        );
      kw[l] = (words as string[]).map((w) => w.trim());
    }
    return {
      code: o.code,
      name: text(o.name, 'name'),
      description: text(o.description, 'description'),
      keywords: kw,
    };
  });
}

export async function loadSafetyCategories(db: Db, pack: PackSafetyCategory[]): Promise<number> {
  for (const [sort, c] of pack.entries()) {
    const [row] = await db
      .insert(categories)
      .values({ code: c.code, name: c.name, description: c.description, origin: 'pack', sort })
      .onConflictDoUpdate({
        target: categories.code,
        set: { name: c.name, description: c.description, sort, version: sql`${categories.version} + 1` },
      })
      .returning({ id: categories.id });
    const words = PACK_LOCALES.flatMap((language) =>
      c.keywords[language].map((keyword) => ({
        categoryId: row!.id,
        keyword,
        language,
        folded: foldText(keyword),
      })),
    );
    if (words.length) await db.insert(keywords).values(words).onConflictDoNothing();
  }
  return pack.length;
}
