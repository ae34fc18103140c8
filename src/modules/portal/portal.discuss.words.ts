import { foldText } from '@/server/fold';
import type { WordAction } from '@/modules/portal/portal.discuss.tables';

/**
 * Watched words: a text is folded as the library's search folds it (src/server/fold.ts: Azerbaijani letters to
 * their base, Cyrillic to Latin, lower case), so one entry `durak` catches "ДУРАК", "Durak" and "дурак"; a
 * word matches only whole (no letter or digit on either side). Censoring replaces the matched span of the
 * text as written with ■■■.
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

/** The folded text and, for each of its code units, the span of the text as written it came from. */
function foldWithMap(text: string) {
  let folded = '';
  const start: number[] = [];
  const end: number[] = [];
  let pos = 0;
  for (const ch of text) {
    const f = foldText(ch);
    for (let k = 0; k < f.length; k++) {
      start.push(pos);
      end.push(pos + ch.length);
    }
    folded += f;
    pos += ch.length;
  }
  return { folded, start, end };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A word's pattern on folded text: whole words only. */
const patternOf = (folded: string) =>
  new RegExp(`(?<![\\p{L}\\p{N}])${escape(folded)}(?![\\p{L}\\p{N}])`, 'gu');

/** The folded key of a watched word as an editor typed it: folded, trimmed, inner spaces collapsed. */
export const wordKey = (word: string) => foldText(word).trim().replace(/\s+/gu, ' ');

/** Screens a text against the watched words. */
export function screen(text: string, words: WatchedWord[]): Screened {
  const { folded, start, end } = foldWithMap(text);
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
  spans.sort((a, b) => b[0] - a[0]);
  let out = text;
  let lastFrom = Infinity;
  for (const [from, to] of spans) {
    if (to > lastFrom) continue; // overlapping a span already replaced
    out = out.slice(0, from) + CENSORED + out.slice(to);
    lastFrom = from;
  }
  return { blocked, hold, flag, text: out };
}
