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

/*
 * A second folding for the portal's watched words (src/modules/portal/portal.discuss.words.ts): like
 * `foldText` it lower-cases and transliterates Cyrillic, but to the Azerbaijani Latin letters, KEEPING
 * ş ç ə ö ü ğ ı distinct from s c e o u g i (so "olum" is not "ölüm" and "şik" not "sik"). Upper-case I is
 * lower-cased the Azerbaijani way, to ı; İ to i. The library search's `foldText` is unchanged.
 */
const KEEP_MULTI: [string, string][] = [
  ['Ё', 'yo'],
  ['ё', 'yo'],
  ['Ю', 'yu'],
  ['ю', 'yu'],
  ['Я', 'ya'],
  ['я', 'ya'],
  ['Ц', 'ts'],
  ['ц', 'ts'],
  ['Щ', 'şç'],
  ['щ', 'şç'],
];
const KEEP_FROM = 'İIАаБбВвГгҒғДдЕеӘәЖжЗзИиЫыЈјЙйКкҜҝЛлМмНнОоӨөПпРрСсТтУуҮүФфХхҺһЧчҸҹШшЭэІіЪъЬь';
const KEEP_TO = 'iıaabbvvqqğğddeeəəjjzziiııyyyykkggllmmnnooööpprrssttuuüüffxxhhççccşşeeii';
const KEEP_TABLE = new Map<string, string>();
{
  const from = [...KEEP_FROM];
  const to = [...KEEP_TO];
  from.forEach((ch, i) => {
    if (!KEEP_TABLE.has(ch)) KEEP_TABLE.set(ch, to[i] ?? '');
  });
}

/** Lower case and Cyrillic to Azerbaijani Latin, keeping the Azerbaijani letters distinct. */
export function foldKeepLetters(text: string): string {
  let t = text;
  for (const [from, to] of KEEP_MULTI) t = t.split(from).join(to);
  let out = '';
  for (const ch of t) out += KEEP_TABLE.get(ch) ?? ch;
  return out.toLowerCase();
}
