/**
 * The library's letter folding (`library_fold` in migration `0005_library_search.sql`), in TypeScript, for
 * marking short-text answers without a round trip to the database: Azerbaijani letters to their base letters,
 * the Azerbaijani Cyrillic alphabet (1958–1991) transliterated to Latin, Russian-only letters by their usual
 * spelling, then lower case. `contests.marking.test.ts` checks it against the SQL function on samples; a change
 * to one must be made to the other.
 */

const MULTI: [string, string][] = [
  ['Ё', 'yo'],
  ['ё', 'yo'],
  ['Ю', 'yu'],
  ['ю', 'yu'],
  ['Я', 'ya'],
  ['я', 'ya'],
  ['Ц', 'ts'],
  ['ц', 'ts'],
  ['Щ', 'sc'],
  ['щ', 'sc'],
];

const FROM = 'İIıƏəÖöÜüĞğŞşÇçАаБбВвГгҒғДдЕеӘәЖжЗзИиЫыЈјЙйКкҜҝЛлМмНнОоӨөПпРрСсТтУуҮүФфХхҺһЧчҸҹШшЭэІіЪъЬь';
const TO = 'iiieeoouuggssccaabbvvqqggddeeeejjzziiiiyyyykkggllmmnnoooopprrssttuuuuffxxhhccccsseeii';

// PostgreSQL's translate() drops characters of FROM that have no counterpart in TO (ЪъЬь here).
const TABLE = new Map<string, string>();
{
  const from = [...FROM];
  const to = [...TO];
  from.forEach((ch, i) => {
    if (!TABLE.has(ch)) TABLE.set(ch, to[i] ?? '');
  });
}

/** The folded key of a text, as `library_fold(text)` computes it. */
export function foldText(text: string): string {
  let t = text;
  for (const [from, to] of MULTI) t = t.split(from).join(to);
  let out = '';
  for (const ch of t) out += TABLE.get(ch) ?? ch;
  return out.toLowerCase();
}

/** A short-text answer's comparison key: folded, trimmed, inner white space collapsed to one space. */
export function answerKey(text: string): string {
  return foldText(text).trim().replace(/\s+/gu, ' ');
}
