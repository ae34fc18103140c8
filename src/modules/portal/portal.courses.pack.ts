import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CountryPackError, PACK_LOCALES } from '@/modules/institutions/country-pack';
import { buildQuestion, type QuestionInput } from '@/modules/contests/contests.marking';
import { QUESTION_KINDS, type QuestionBody, type QuestionKey } from '@/modules/contests/contests.tables';
import type { Localised } from '@/modules/portal/portal.tables';
import { SAFETY_TOPICS, type CourseQuestion, type SafetyTopic } from '@/modules/portal/portal.courses.tables';

/**
 * The internet-safety courses and the Safer Internet Day campaign as country-pack data:
 * `portal/safety-courses.json` (a course per grade band, six topics each, a quiz per lesson) and
 * `portal/safer-internet-day.json` (the campaign's theme and its activities for grades 5–11). Every question
 * is checked by the contests engine (`buildQuestion`) in each language; an error names the file and the entry.
 */

export interface PackLesson {
  topic: SafetyTopic;
  title: Localised;
  body: Localised;
  questions: CourseQuestion[];
}
export interface PackCourse {
  code: string;
  gradeFrom: number;
  gradeTo: number;
  title: Localised;
  summary: Localised;
  lessons: PackLesson[];
}
export interface PackSidActivity {
  gradeFrom: number;
  gradeTo: number;
  title: Localised;
  description: Localised;
}
export interface PackSid {
  theme: Localised;
  summary: Localised;
  activities: PackSidActivity[];
}

type Obj = Record<string, unknown>;

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CountryPackError(file, null, `not valid JSON: ${(error as Error).message}`);
  }
}

function localised(file: string, entry: string, x: unknown, what: string): Localised {
  const t = (x ?? {}) as Obj;
  const out = {} as Localised;
  for (const l of PACK_LOCALES) {
    if (typeof t[l] !== 'string' || t[l].trim() === '')
      throw new CountryPackError(file, entry, `${what}.${l} must be a non-empty text`);
    out[l] = t[l].trim();
  }
  return out;
}

function grades(file: string, entry: string, x: unknown): [number, number] {
  const g = x as unknown[];
  if (
    !Array.isArray(g) ||
    g.length !== 2 ||
    !g.every((v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 12) ||
    (g[0] as number) > (g[1] as number)
  )
    throw new CountryPackError(file, entry, 'grades must be [from, to], 1–12');
  return [g[0] as number, g[1] as number];
}

/** A quiz question of the pack: kind-specific lists per language, one key; checked in every language. */
function question(file: string, entry: string, x: unknown): CourseQuestion {
  const q = (x ?? {}) as Obj;
  const kind = q.kind as CourseQuestion['kind'];
  if (!QUESTION_KINDS.includes(kind)) throw new CountryPackError(file, entry, 'kind is not a question kind');
  const prompt = localised(file, entry, q.prompt, 'prompt');
  const lists = (name: string, l: string): string[] | undefined => {
    const v = (q[name] as Obj | undefined)?.[l];
    return Array.isArray(v) ? (v as string[]) : undefined;
  };
  const body = {} as Record<'az' | 'ru' | 'en', QuestionBody>;
  let key: QuestionKey | undefined;
  for (const l of PACK_LOCALES) {
    const input: QuestionInput = { kind };
    for (const name of ['options', 'left', 'right', 'items'] as const) {
      const v = lists(name, l);
      if (v) input[name] = v;
    }
    if (Array.isArray(q.correct)) input.correct = q.correct as number[];
    if (typeof q.truth === 'boolean') input.truth = q.truth;
    if (Array.isArray(q.pairs)) input.pairs = q.pairs as number[];
    if (typeof q.value === 'number') input.value = q.value;
    if (typeof q.tolerance === 'number') input.tolerance = q.tolerance;
    const accepted = lists('accepted', l);
    if (accepted) input.accepted = accepted;
    const built = buildQuestion(input);
    if ('problems' in built)
      throw new CountryPackError(
        file,
        entry,
        `${l}: ${built.problems.map((p) => `${p.field} ${p.rule}`).join(', ')}`,
      );
    body[l] = built.body;
    if (!key) key = built.key;
    else if (kind === 'short_text') key.accepted = [...(key.accepted ?? []), ...(built.key.accepted ?? [])];
  }
  const points = typeof q.points === 'number' && Number.isInteger(q.points) && q.points > 0 ? q.points : 1;
  return { kind, points, prompt, body, key: key! };
}

/** The courses of a pack; none when it has no such file. */
export async function readSafetyCourses(packDir: string): Promise<PackCourse[]> {
  const file = path.join(packDir, 'portal', 'safety-courses.json');
  const raw = await readJson(file);
  if (raw === null) return [];
  const list = (raw as { courses?: unknown }).courses;
  if (!Array.isArray(list)) throw new CountryPackError(file, null, 'courses must be a list');
  const seen = new Set<string>();
  return list.map((v: unknown, i) => {
    const c = (v ?? {}) as Obj;
    const code = typeof c.code === 'string' && /^[a-z0-9-]{2,20}$/.test(c.code) ? c.code : null;
    if (!code)
      throw new CountryPackError(file, `courses[${i}]`, 'code must be lower-case letters, digits, -');
    if (seen.has(code)) throw new CountryPackError(file, code, 'the code appears twice');
    seen.add(code);
    const [gradeFrom, gradeTo] = grades(file, code, c.grades);
    const lessons = c.lessons as unknown[];
    if (!Array.isArray(lessons) || lessons.length === 0)
      throw new CountryPackError(file, code, 'lessons must be a non-empty list');
    const parsed = lessons.map((lv, j): PackLesson => {
      const l = (lv ?? {}) as Obj;
      const entry = `${code}.lessons[${j}]`;
      if (!SAFETY_TOPICS.includes(l.topic as SafetyTopic))
        throw new CountryPackError(file, entry, `topic must be one of ${SAFETY_TOPICS.join(', ')}`);
      const quiz = l.quiz as unknown[];
      if (!Array.isArray(quiz) || quiz.length < 1 || quiz.length > 10)
        throw new CountryPackError(file, entry, 'quiz must have 1 to 10 questions');
      return {
        topic: l.topic as SafetyTopic,
        title: localised(file, entry, l.title, 'title'),
        body: localised(file, entry, l.body, 'body'),
        questions: quiz.map((qv, k) => question(file, `${entry}.quiz[${k}]`, qv)),
      };
    });
    const missing = SAFETY_TOPICS.filter((t) => !parsed.some((l) => l.topic === t));
    if (missing.length) throw new CountryPackError(file, code, `topics missing: ${missing.join(', ')}`);
    return {
      code,
      gradeFrom,
      gradeTo,
      title: localised(file, code, c.title, 'title'),
      summary: localised(file, code, c.summary, 'summary'),
      lessons: parsed,
    };
  });
}

/** The Safer Internet Day campaign of a pack; null when it has no such file. */
export async function readSaferInternetDay(packDir: string): Promise<PackSid | null> {
  const file = path.join(packDir, 'portal', 'safer-internet-day.json');
  const raw = (await readJson(file)) as Obj | null;
  if (raw === null) return null;
  const list = raw.activities;
  if (!Array.isArray(list)) throw new CountryPackError(file, null, 'activities must be a list');
  return {
    theme: localised(file, 'theme', raw.theme, 'theme'),
    summary: localised(file, 'summary', raw.summary, 'summary'),
    activities: list.map((v: unknown, i) => {
      const a = (v ?? {}) as Obj;
      const entry = `activities[${i}]`;
      const [gradeFrom, gradeTo] = grades(file, entry, a.grades);
      return {
        gradeFrom,
        gradeTo,
        title: localised(file, entry, a.title, 'title'),
        description: localised(file, entry, a.description, 'description'),
      };
    }),
  };
}

/** Safer Internet Day of a year: the second Tuesday of February (YYYY-MM-DD). */
export function saferInternetDay(year: number): string {
  const first = new Date(Date.UTC(year, 1, 1)).getUTCDay(); // 0 = Sunday
  const firstTuesday = 1 + ((2 - first + 7) % 7);
  return `${year}-02-${String(firstTuesday + 7).padStart(2, '0')}`;
}
