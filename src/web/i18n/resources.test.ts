import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import az from '@/web/i18n/az.json';
import ru from '@/web/i18n/ru.json';
import en from '@/web/i18n/en.json';

/** Every leaf of a resource tree as `a.b.c` → text. */
function flatten(node: object, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === 'object' && value !== null) {
      for (const [k, v] of flatten(value as object, `${prefix}${key}.`)) out.set(k, v);
    } else out.set(`${prefix}${key}`, value);
  }
  return out;
}

const resources = { az: flatten(az), ru: flatten(ru), en: flatten(en) };

/** The web app's sources, for the check that every key they use exists. */
function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts')
      ? [fs.readFileSync(full, 'utf8')]
      : [];
  });
}

describe('web app translations', () => {
  it('have the same keys in Azerbaijani, Russian and English', () => {
    const keys = [...resources.az.keys()].sort();
    expect([...resources.ru.keys()].sort()).toEqual(keys);
    expect([...resources.en.keys()].sort()).toEqual(keys);
  });

  it('have a non-empty text for every key, with the same placeholders in each language', () => {
    for (const [key, text] of resources.az) {
      const placeholders = (s: unknown) => [...String(s).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
      for (const lang of ['az', 'ru', 'en'] as const) {
        const value = resources[lang].get(key);
        expect(typeof value === 'string' && value.trim() !== '', `${lang}: ${key}`).toBe(true);
        expect(placeholders(value), `${lang}: ${key}`).toEqual(placeholders(text));
      }
    }
  });

  it('cover every key the code asks for by name', () => {
    const used = new Set<string>();
    const prefixes = new Set<string>();
    for (const source of sources(path.resolve('src/web'))) {
      for (const m of source.matchAll(/\bt\(\s*'([^']+)'/g)) used.add(m[1]!);
      // Keys built from data, e.g. t(`kind.${school.kind}`): their prefix must exist.
      for (const m of source.matchAll(/\bt\(\s*`([a-zA-Z.]+)\$\{/g)) prefixes.add(m[1]!);
    }
    const missing = [...used].filter((k) => !resources.az.has(k));
    expect(missing).toEqual([]);
    const keys = [...resources.az.keys()];
    const missingPrefixes = [...prefixes].filter((p) => !keys.some((k) => k.startsWith(p)));
    expect(missingPrefixes).toEqual([]);
    expect(used.size).toBeGreaterThan(50);
  });
});
