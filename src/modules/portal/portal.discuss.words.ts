import { foldKeepLetters } from '@/server/fold';
import type { WordAction } from '@/modules/portal/portal.discuss.tables';

/**
 * Watched words: a text is folded by `foldKeepLetters` (src/server/fold.ts: lower case, Cyrillic to
 * Azerbaijani Latin, the letters ş ç ə ö ü ğ ı kept distinct), so one entry `durak` catches "ДУРАК", "Durak"
 * and "дурак" while `ölüm` does not catch "olum". Before folding, each letter with its combining marks is
 * NFC-normalised (a decomposed `s` + cedilla is ş), invisible format characters (soft hyphen, zero-width
 * space/joiners, word joiner, BOM: Unicode Cf) are dropped and marks left over are dropped too, keeping for
 * each folded character the span of the text as written. A word matches only whole (no letter, mark or digit
 * on either side); the words of a phrase are matched across any run of white space. Censoring replaces the
 * union of overlapping matched spans of the text as written with ■■■.
 */

export interface WatchedWord {
  folded: string;
  action: WordAction;
}

export interface Screened {
  /** The first blocking word found, as written in the text; null when none. */
  blocked: string | null;
  hold: boolean;
  flag: boolean;
  /** The text with its censored words replaced. */
  text: string;
}

export const CENSORED = '■■■';

/**
 * The folded text and, for each of its code units, the span of the text as written it came from: a letter
 * with the combining marks after it is one cluster, NFC-normalised, its leftover marks dropped; format
 * characters (Cf) are dropped and belong to no cluster.
 */
function foldWithMap(text: string, keepCapitalI = false) {
  const clusters: { text: string; from: number; to: number }[] = [];
  let pos = 0;
  for (const ch of text) {
    const at = pos;
    pos += ch.length;
    if (/^\p{Cf}$/u.test(ch)) continue;
    const last = clusters[clusters.length - 1];
    if (/^\p{M}$/u.test(ch) && last) {
      last.text += ch;
      last.to = pos;
    } else clusters.push({ text: ch, from: at, to: pos });
  }
  let folded = '';
  const start: number[] = [];
  const end: number[] = [];
  for (const c of clusters) {
    const base = c.text.normalize('NFC').replace(/\p{M}/gu, '');
    const f = keepCapitalI && base === 'I' ? 'I' : foldKeepLetters(base);
    for (let k = 0; k < f.length; k++) {
      start.push(c.from);
      end.push(c.to);
    }
    folded += f;
  }
  return { folded, start, end };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A word's pattern on folded text: whole words only, a phrase's words across any white space. A capital I
 * of the text (kept as I) is an i in English and Russian transliteration, a ı in Azerbaijani: it matches both.
 */
const patternOf = (folded: string) => {
  const body = folded
    .split(' ')
    .map((w) => escape(w).replace(/i/g, '[iI]').replace(/ı/g, '[ıI]'))
    .join('\\s+');
  return new RegExp(`(?<![\\p{L}\\p{M}\\p{N}])${body}(?![\\p{L}\\p{M}\\p{N}])`, 'gu');
};

/** The folded key of a watched word as an editor typed it: folded, trimmed, inner spaces collapsed. */
export const wordKey = (word: string) => foldWithMap(word).folded.trim().replace(/\s+/gu, ' ');

/** Screens a text against the watched words. */
export function screen(text: string, words: WatchedWord[]): Screened {
  const { folded, start, end } = foldWithMap(text, true);
  let blocked: string | null = null;
  let hold = false;
  let flag = false;
  const spans: [number, number][] = [];
  for (const w of words) {
    if (!w.folded) continue;
    for (const m of folded.matchAll(patternOf(w.folded))) {
      const from = start[m.index]!;
      const to = end[m.index + m[0].length - 1]!;
      if (w.action === 'block') blocked ??= text.slice(from, to);
      else if (w.action === 'hold') hold = true;
      else if (w.action === 'flag') flag = true;
      else spans.push([from, to]);
    }
  }
  // Overlapping (or touching) spans are merged into their union, so no part of a censored phrase shows.
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const [from, to] of spans) {
    const last = merged[merged.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  let out = '';
  let at = 0;
  for (const [from, to] of merged) {
    out += text.slice(at, from) + CENSORED;
    at = to;
  }
  out += text.slice(at);
  return { blocked, hold, flag, text: out };
}
