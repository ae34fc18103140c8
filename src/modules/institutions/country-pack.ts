import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq, ne, sql } from 'drizzle-orm';
import type { Db } from '@/server/db/database';
import {
  academicYears,
  areas,
  calendarEntries,
  grades,
  gradingScales,
  levels,
  subjects,
} from '@/modules/institutions/institutions.tables';
import { loadCurriculumTopics } from '@/modules/library/library.service';
import { upsertAttendanceCodes } from '@/modules/journal/journal.store';
import {
  loadTrainingFrameworks,
  readTrainingFrameworks,
  type PackFramework,
} from '@/modules/training/training.frameworks.pack';
import {
  loadSafetyCategories,
  readSafetyCategories,
  type PackSafetyCategory,
} from '@/modules/safety/safety.catalogue.pack';

/**
 * A country pack is a folder of JSON files describing a country's education system: its administrative
 * areas, levels and grades, subjects, grading scales and school calendar. `readCountryPack` reads and
 * validates one; `loadCountryPack` writes it into the institutions tables. The platform knows no country:
 * Azerbaijan's pack is `country-packs/az`, and another country brings its own folder.
 */

/** The pack the platform loads when none is named: Azerbaijan's. */
export const DEFAULT_PACK_DIR = fileURLToPath(new URL('../../../country-packs/az', import.meta.url));

/** The languages every name in a pack must be given in: the tables hold exactly these three. */
export const PACK_LOCALES = ['az', 'ru', 'en'] as const;
/** One of the languages of a pack. */
export type PackLocale = (typeof PACK_LOCALES)[number];

/** A name in every language of the platform. */
export type LocalisedName = Record<PackLocale, string>;

/** The kinds an area can be, from the country down. */
export type AreaKind = (typeof areas.$inferSelect)['kind'];

/** The manifest, `pack.json`. */
export interface PackManifest {
  name: LocalisedName;
  /** ISO 3166-1 alpha-2. */
  countryCode: string;
  defaultLocale: PackLocale;
  /** A box around the country; generated coordinates are kept inside it. */
  bounds: { minLatitude: number; maxLatitude: number; minLongitude: number; maxLongitude: number } | null;
  /** Optional hints for the demo and national seeds (see README.md of a pack); the loader does not use them. */
  demo: PackDemoHints | null;
}

/** Where the seeds put their people, when a pack says so. */
export interface PackDemoHints {
  /** The areas of the demo seed, with how many urban and rural general schools each gets. */
  areas: { code: string; urban: number; rural: number }[];
  /** The area the national seed fills with individual accounts. */
  populatedArea: string | null;
}

/** One administrative area of `areas.json`, with the areas under it. */
export interface PackArea {
  code: string;
  kind: AreaKind;
  name: LocalisedName;
  /** Approximate [latitude, longitude], used to place generated institutions. */
  centroid: [number, number] | null;
  /** Approximate population in thousands, used to weigh generated institutions. */
  population: number | null;
  /** Set on an area that is one city (Baku): its institutions are named after the city, numbered city-wide. */
  city: LocalisedName | null;
  children: PackArea[];
}

/** A level of education with the grades in it. */
export interface PackLevel {
  code: string;
  name: LocalisedName;
  grades: number[];
  /**
   * Its ISCED 2011 level (0–8), which its grades share: UIS reports SDG 4.a.1 by ISCED 1 (primary), 2 (lower
   * secondary) and 3 (upper secondary). Null when the pack gives none.
   */
  isced: number | null;
}

/** A subject with the grades it is taught in. */
export interface PackSubject {
  code: string;
  name: LocalisedName;
  grades: number[];
}

/** A curriculum topic of `curriculum-topics.json`, with the topics under it (they share its subject). */
export interface PackTopic {
  code: string;
  subject: string;
  grades: number[];
  name: LocalisedName;
  children: PackTopic[];
}

/** A grading scale; `marks` are stored as they are, for the journal to read. */
export interface PackGradingScale {
  code: string;
  name: LocalisedName;
  isDefault: boolean;
  marks: { value: number; passing: boolean; name: LocalisedName; [extra: string]: unknown }[];
}

/** A term or a holiday of an academic year. */
export interface PackCalendarEntry {
  kind: 'term' | 'holiday';
  code: string;
  name: LocalisedName;
  startsOn: string;
  endsOn: string;
}

/** An academic year with its calendar. */
export interface PackAcademicYear {
  code: string;
  startsOn: string;
  endsOn: string;
  current: boolean;
  entries: PackCalendarEntry[];
}

/** An attendance code of the class journal (`attendance-codes.json`). */
export interface PackAttendanceCode {
  code: string;
  name: LocalisedName;
  /** The grid's 1–2 letter label, per language. */
  short: LocalisedName;
  countsAsPresent: boolean;
  needsReason: boolean;
}

/** A whole pack, read and validated. */
export interface CountryPack {
  dir: string;
  manifest: PackManifest;
  root: PackArea;
  levels: PackLevel[];
  subjects: PackSubject[];
  gradingScales: PackGradingScale[];
  academicYears: PackAcademicYear[];
  /** Curriculum topics, for the library; an optional file, empty when a pack has none. */
  topics: PackTopic[];
  /** Attendance codes of the class journal; an optional file, empty when a pack has none. */
  attendanceCodes: PackAttendanceCode[];
  /** Teachers' competency frameworks (`training/*.json`, training module); none when a pack has no folder. */
  frameworks?: PackFramework[];
  /** The content filter's categories (`safety/categories.json`, safety module); none when a pack has none. */
  safetyCategories?: PackSafetyCategory[];
}

/** A pack that cannot be loaded: names the file and the entry at fault, so its author can fix it. */
export class CountryPackError extends Error {
  constructor(
    readonly file: string,
    readonly entry: string | null,
    readonly problem: string,
  ) {
    super(`country pack: ${file}${entry ? ` (${entry})` : ''}: ${problem}`);
    this.name = 'CountryPackError';
  }
}

type Json = unknown;

/** Reads one file's JSON, failing with the file's name rather than a bare parser error. */
async function readJson(dir: string, file: string): Promise<Json> {
  const full = path.join(dir, file);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch {
    throw new CountryPackError(full, null, 'the file is missing or unreadable');
  }
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    throw new CountryPackError(full, null, `not valid JSON: ${(error as Error).message}`);
  }
}

/** Field checks that report the file and entry they are about. */
class Checker {
  constructor(readonly file: string) {}

  fail(entry: string | null, problem: string): never {
    throw new CountryPackError(this.file, entry, problem);
  }

  object(value: Json, entry: string | null, what: string): Record<string, Json> {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      this.fail(entry, `${what} must be an object`);
    return value as Record<string, Json>;
  }

  array(value: Json, entry: string | null, what: string): Json[] {
    if (!Array.isArray(value)) this.fail(entry, `${what} must be a list`);
    return value;
  }

  string(value: Json, entry: string | null, what: string): string {
    if (typeof value !== 'string' || value.trim() === '')
      this.fail(entry, `${what} must be a non-empty text`);
    return value;
  }

  code(value: Json, entry: string | null, what = 'code'): string {
    const s = this.string(value, entry, what);
    if (!/^[A-Za-z0-9_.-]+$/.test(s)) this.fail(entry, `${what} "${s}" may hold only letters, digits, _ . -`);
    return s;
  }

  number(value: Json, entry: string | null, what: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(entry, `${what} must be a number`);
    return value;
  }

  boolean(value: Json, entry: string | null, what: string, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') this.fail(entry, `${what} must be true or false`);
    return value;
  }

  name(value: Json, entry: string | null, what = 'name'): LocalisedName {
    const o = this.object(value, entry, what);
    const name = {} as LocalisedName;
    for (const locale of PACK_LOCALES) name[locale] = this.string(o[locale], entry, `${what}.${locale}`);
    return name;
  }

  grades(value: Json, entry: string | null, what = 'grades'): number[] {
    const list = this.array(value, entry, what).map((g) => {
      if (typeof g !== 'number' || !Number.isInteger(g) || g < 1 || g > 20)
        this.fail(entry, `${what} must hold whole numbers from 1 to 20, found ${JSON.stringify(g)}`);
      return g;
    });
    if (new Set(list).size !== list.length) this.fail(entry, `${what} lists a grade twice`);
    return list;
  }

  date(value: Json, entry: string | null, what: string): string {
    const s = this.string(value, entry, what);
    const d = new Date(`${s}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s)
      this.fail(entry, `${what} must be a date written YYYY-MM-DD, found "${s}"`);
    return s;
  }

  unique(seen: Set<string>, code: string, entry: string | null, what = 'code'): void {
    if (seen.has(code)) this.fail(entry, `${what} "${code}" appears twice`);
    seen.add(code);
  }
}

function readManifest(raw: Json, file: string): PackManifest {
  const c = new Checker(file);
  const o = c.object(raw, null, 'the manifest');
  const countryCode = c.string(o.countryCode, null, 'countryCode');
  if (!/^[A-Z]{2}$/.test(countryCode))
    c.fail(null, `countryCode must be two capital letters, found "${countryCode}"`);
  const defaultLocale = c.string(o.defaultLocale, null, 'defaultLocale');
  if (!(PACK_LOCALES as readonly string[]).includes(defaultLocale))
    c.fail(null, `defaultLocale must be one of ${PACK_LOCALES.join(', ')}, found "${defaultLocale}"`);
  let bounds: PackManifest['bounds'] = null;
  if (o.bounds !== undefined) {
    const b = c.object(o.bounds, null, 'bounds');
    bounds = {
      minLatitude: c.number(b.minLatitude, 'bounds', 'minLatitude'),
      maxLatitude: c.number(b.maxLatitude, 'bounds', 'maxLatitude'),
      minLongitude: c.number(b.minLongitude, 'bounds', 'minLongitude'),
      maxLongitude: c.number(b.maxLongitude, 'bounds', 'maxLongitude'),
    };
    if (bounds.minLatitude >= bounds.maxLatitude || bounds.minLongitude >= bounds.maxLongitude)
      c.fail('bounds', 'each minimum must be below its maximum');
  }
  let demo: PackDemoHints | null = null;
  if (o.demo !== undefined) {
    const d = c.object(o.demo, 'demo', 'demo');
    demo = {
      areas: c.array(d.areas ?? [], 'demo', 'areas').map((a, i) => {
        const e = c.object(a, `demo.areas[${i}]`, 'an area');
        const count = (v: Json, what: string) => {
          const n = c.number(v ?? 0, `demo.areas[${i}]`, what);
          if (!Number.isInteger(n) || n < 0) c.fail(`demo.areas[${i}]`, `${what} must be a whole number`);
          return n;
        };
        return {
          code: c.code(e.code, `demo.areas[${i}]`),
          urban: count(e.urban, 'urban'),
          rural: count(e.rural, 'rural'),
        };
      }),
      populatedArea: d.populatedArea === undefined ? null : c.code(d.populatedArea, 'demo', 'populatedArea'),
    };
  }
  return {
    name: c.name(o.name, null),
    countryCode,
    defaultLocale: defaultLocale as PackLocale,
    bounds,
    demo,
  };
}

/** The kinds an area may sit under: economic regions under the country, districts and cities under either, or under a city. */
const ALLOWED_PARENTS: Record<AreaKind, readonly AreaKind[]> = {
  country: [],
  economic_region: ['country'],
  city: ['country', 'economic_region'],
  district: ['country', 'economic_region', 'city'],
};

function readAreas(raw: Json, file: string, bounds: PackManifest['bounds']): PackArea {
  const c = new Checker(file);
  const seen = new Set<string>();
  const walk = (value: Json, parent: PackArea | null, trail: string): PackArea => {
    const o = c.object(value, trail || null, 'an area');
    const code = c.code(o.code, trail || null);
    const entry = trail ? `${trail} > ${code}` : code;
    c.unique(seen, code, entry);
    const kind = c.string(o.kind, entry, 'kind') as AreaKind;
    if (!(kind in ALLOWED_PARENTS))
      c.fail(entry, `kind must be one of ${Object.keys(ALLOWED_PARENTS).join(', ')}, found "${kind}"`);
    if (parent === null && kind !== 'country') c.fail(entry, 'the root area must be of kind "country"');
    if (parent !== null && !ALLOWED_PARENTS[kind].includes(parent.kind))
      c.fail(entry, `an area of kind "${kind}" cannot sit under one of kind "${parent.kind}"`);
    let centroid: [number, number] | null = null;
    if (o.centroid !== undefined) {
      const pair = c.array(o.centroid, entry, 'centroid');
      if (pair.length !== 2) c.fail(entry, 'centroid must be [latitude, longitude]');
      centroid = [
        c.number(pair[0], entry, 'centroid latitude'),
        c.number(pair[1], entry, 'centroid longitude'),
      ];
      if (
        bounds &&
        (centroid[0] < bounds.minLatitude ||
          centroid[0] > bounds.maxLatitude ||
          centroid[1] < bounds.minLongitude ||
          centroid[1] > bounds.maxLongitude)
      )
        c.fail(entry, `centroid ${centroid.join(', ')} lies outside the bounds of pack.json`);
    }
    let population: number | null = null;
    if (o.population !== undefined) {
      population = c.number(o.population, entry, 'population');
      if (population < 0) c.fail(entry, 'population cannot be negative');
    }
    const area: PackArea = {
      code,
      kind,
      name: c.name(o.name, entry),
      centroid,
      population,
      city: o.city === undefined ? null : c.name(o.city, entry, 'city'),
      children: [],
    };
    area.children = c.array(o.children ?? [], entry, 'children').map((child) => walk(child, area, entry));
    return area;
  };
  const o = c.object(raw, null, 'the file');
  return walk(o.root, null, '');
}

function readLevels(raw: Json, file: string): PackLevel[] {
  const c = new Checker(file);
  const list = c.array(c.object(raw, null, 'the file').levels, null, 'levels');
  const codes = new Set<string>();
  const gradeOwner = new Map<number, string>();
  return list.map((value, i) => {
    const o = c.object(value, `levels[${i}]`, 'a level');
    const code = c.code(o.code, `levels[${i}]`);
    c.unique(codes, code, code);
    let isced: number | null = null;
    if (o.isced !== undefined && o.isced !== null) {
      isced = c.number(o.isced, code, 'isced');
      if (!Number.isInteger(isced) || isced < 0 || isced > 8)
        c.fail(code, `isced must be an ISCED 2011 level, a whole number from 0 to 8, found ${isced}`);
    }
    const level = { code, name: c.name(o.name, code), grades: c.grades(o.grades ?? [], code), isced };
    for (const g of level.grades) {
      const other = gradeOwner.get(g);
      if (other) c.fail(code, `grade ${g} is already in level "${other}"`);
      gradeOwner.set(g, code);
    }
    return level;
  });
}

function readSubjects(raw: Json, file: string, knownGrades: Set<number>): PackSubject[] {
  const c = new Checker(file);
  const codes = new Set<string>();
  return c.array(c.object(raw, null, 'the file').subjects, null, 'subjects').map((value, i) => {
    const o = c.object(value, `subjects[${i}]`, 'a subject');
    const code = c.code(o.code, `subjects[${i}]`);
    c.unique(codes, code, code);
    const subjectGrades = c.grades(o.grades, code);
    if (subjectGrades.length === 0) c.fail(code, 'a subject must be taught in at least one grade');
    for (const g of subjectGrades)
      if (!knownGrades.has(g)) c.fail(code, `grade ${g} is in no level of levels.json`);
    return { code, name: c.name(o.name, code), grades: subjectGrades };
  });
}

function readGradingScales(raw: Json, file: string): PackGradingScale[] {
  const c = new Checker(file);
  const codes = new Set<string>();
  const scales = c.array(c.object(raw, null, 'the file').scales, null, 'scales').map((value, i) => {
    const o = c.object(value, `scales[${i}]`, 'a scale');
    const code = c.code(o.code, `scales[${i}]`);
    c.unique(codes, code, code);
    const values = new Set<number>();
    const marks = c.array(o.marks, code, 'marks').map((m, j) => {
      const entry = `${code} > marks[${j}]`;
      const mark = c.object(m, entry, 'a mark');
      const value = c.number(mark.value, entry, 'value');
      if (values.has(value)) c.fail(entry, `the mark ${value} appears twice`);
      values.add(value);
      return {
        ...mark,
        value,
        passing: c.boolean(mark.passing, entry, 'passing', true),
        name: c.name(mark.name, entry),
      };
    });
    if (marks.length === 0) c.fail(code, 'a scale needs at least one mark');
    return {
      code,
      name: c.name(o.name, code),
      isDefault: c.boolean(o.default, code, 'default', false),
      marks,
    };
  });
  const defaults = scales.filter((s) => s.isDefault);
  if (scales.length > 0 && defaults.length !== 1)
    c.fail(null, `exactly one scale must be the default, found ${defaults.length}`);
  return scales;
}

function readCalendar(raw: Json, file: string): PackAcademicYear[] {
  const c = new Checker(file);
  const codes = new Set<string>();
  const years = c
    .array(c.object(raw, null, 'the file').academicYears, null, 'academicYears')
    .map((value, i) => {
      const o = c.object(value, `academicYears[${i}]`, 'an academic year');
      const code = c.code(o.code, `academicYears[${i}]`);
      c.unique(codes, code, code);
      const startsOn = c.date(o.startsOn, code, 'startsOn');
      const endsOn = c.date(o.endsOn, code, 'endsOn');
      if (startsOn > endsOn) c.fail(code, `the year ends (${endsOn}) before it starts (${startsOn})`);
      const entryCodes = new Set<string>();
      const entries = c.array(o.entries ?? [], code, 'entries').map((e, j) => {
        const eo = c.object(e, `${code} > entries[${j}]`, 'an entry');
        const entryCode = c.code(eo.code, `${code} > entries[${j}]`);
        const entry = `${code} > ${entryCode}`;
        c.unique(entryCodes, entryCode, entry);
        const kind = c.string(eo.kind, entry, 'kind');
        if (kind !== 'term' && kind !== 'holiday')
          c.fail(entry, `kind must be "term" or "holiday", found "${kind}"`);
        const from = c.date(eo.startsOn, entry, 'startsOn');
        const to = c.date(eo.endsOn ?? eo.startsOn, entry, 'endsOn');
        if (from > to) c.fail(entry, `it ends (${to}) before it starts (${from})`);
        if (from < startsOn || to > endsOn)
          c.fail(entry, `it lies outside the academic year ${startsOn} – ${endsOn}`);
        return {
          kind,
          code: entryCode,
          name: c.name(eo.name, entry),
          startsOn: from,
          endsOn: to,
        } as PackCalendarEntry;
      });
      return { code, startsOn, endsOn, current: c.boolean(o.current, code, 'current', false), entries };
    });
  const current = years.filter((y) => y.current);
  if (years.length > 0 && current.length !== 1)
    c.fail(null, `exactly one academic year must be current, found ${current.length}`);
  return years;
}

function readTopics(raw: Json, file: string, packSubjects: PackSubject[]): PackTopic[] {
  const c = new Checker(file);
  const codes = new Set<string>();
  const subjectGrades = new Map(packSubjects.map((s) => [s.code, new Set(s.grades)]));
  const walk = (value: Json, parentSubject: string | null, trail: string): PackTopic => {
    const o = c.object(value, trail || null, 'a topic');
    const code = c.code(o.code, trail || null);
    const entry = trail ? `${trail} > ${code}` : code;
    c.unique(codes, code, entry);
    const subject = parentSubject ?? c.code(o.subject, entry, 'subject');
    const taught = subjectGrades.get(subject);
    if (!taught) return c.fail(entry, `subject "${subject}" is not in subjects.json`);
    const grades = c.grades(o.grades ?? [], entry);
    for (const g of grades) if (!taught.has(g)) c.fail(entry, `${subject} is not taught in grade ${g}`);
    const children = c.array(o.children ?? [], entry, 'children').map((child) => walk(child, subject, entry));
    return { code, subject, grades, name: c.name(o.name, entry), children };
  };
  return c.array(c.object(raw, null, 'the file').topics, null, 'topics').map((t) => walk(t, null, ''));
}

function readAttendanceCodes(raw: Json, file: string): PackAttendanceCode[] {
  const c = new Checker(file);
  const codes = new Set<string>();
  const list = c.array(c.object(raw, null, 'the file').codes, null, 'codes').map((value, i) => {
    const o = c.object(value, `codes[${i}]`, 'an attendance code');
    const code = c.code(o.code, `codes[${i}]`);
    if (!/^[a-z0-9_]+$/.test(code)) c.fail(code, 'an attendance code may hold only a-z, 0-9 and _');
    c.unique(codes, code, code);
    const short = c.name(o.short, code, 'short');
    for (const label of Object.values(short))
      if ([...label].length > 2) c.fail(code, `short labels are 1–2 letters, found "${label}"`);
    if (typeof o.countsAsPresent !== 'boolean') c.fail(code, 'countsAsPresent must be true or false');
    return {
      code,
      name: c.name(o.name, code),
      short,
      countsAsPresent: o.countsAsPresent as boolean,
      needsReason: c.boolean(o.needsReason, code, 'needsReason', false),
    };
  });
  if (list.length === 0) c.fail(null, 'codes must list at least one attendance code');
  if (!list.some((a) => a.countsAsPresent)) c.fail(null, 'at least one code must count as present');
  return list;
}

/** Reads a pack folder and validates every file; throws a CountryPackError naming the file and entry at fault. */
export async function readCountryPack(dir: string = DEFAULT_PACK_DIR): Promise<CountryPack> {
  const abs = path.resolve(dir);
  const file = (name: string) => path.join(abs, name);
  const manifest = readManifest(await readJson(abs, 'pack.json'), file('pack.json'));
  const root = readAreas(await readJson(abs, 'areas.json'), file('areas.json'), manifest.bounds);
  const packLevels = readLevels(await readJson(abs, 'levels.json'), file('levels.json'));
  const knownGrades = new Set(packLevels.flatMap((l) => l.grades));
  const packSubjects = readSubjects(await readJson(abs, 'subjects.json'), file('subjects.json'), knownGrades);
  const hasTopics = await readFile(file('curriculum-topics.json')).then(
    () => true,
    () => false,
  );
  const hasAttendanceCodes = await readFile(file('attendance-codes.json')).then(
    () => true,
    () => false,
  );
  return {
    dir: abs,
    manifest,
    root,
    levels: packLevels,
    subjects: packSubjects,
    gradingScales: readGradingScales(await readJson(abs, 'grading-scales.json'), file('grading-scales.json')),
    academicYears: readCalendar(await readJson(abs, 'calendar.json'), file('calendar.json')),
    topics: hasTopics
      ? readTopics(
          await readJson(abs, 'curriculum-topics.json'),
          file('curriculum-topics.json'),
          packSubjects,
        )
      : [],
    attendanceCodes: hasAttendanceCodes
      ? readAttendanceCodes(await readJson(abs, 'attendance-codes.json'), file('attendance-codes.json'))
      : [],
    frameworks: await readTrainingFrameworks(abs),
    safetyCategories: await readSafetyCategories(abs),
  };
}

/** The ISCED level of a grade: its level's (null for a grade in no level, or in a level without one). */
export function iscedOfGrade(pack: Pick<CountryPack, 'levels'>, grade: number): number | null {
  return pack.levels.find((l) => l.grades.includes(grade))?.isced ?? null;
}

/** Every area of a pack, parents before their children. */
export function flattenAreas(root: PackArea): { area: PackArea; parent: PackArea | null }[] {
  const out: { area: PackArea; parent: PackArea | null }[] = [];
  let layer: { area: PackArea; parent: PackArea | null }[] = [{ area: root, parent: null }];
  while (layer.length > 0) {
    out.push(...layer);
    layer = layer.flatMap(({ area }) => area.children.map((child) => ({ area: child, parent: area })));
  }
  return out;
}

/** What loading a pack left in the database. */
export interface LoadedPack {
  /** Area ids by code. */
  areaIds: Map<string, number>;
  /** The id of the current academic year, when the pack has one. */
  currentAcademicYearId: number | null;
  counts: {
    areas: number;
    levels: number;
    grades: number;
    subjects: number;
    gradingScales: number;
    calendarEntries: number;
    topics: number;
    attendanceCodes: number;
  };
}

const excluded = (column: string) => sql.raw(`excluded.${column}`);

/**
 * Writes a pack into the institutions tables. Entries are matched by code, so loading a pack again (or a
 * newer version, e.g. with next year's calendar) updates what changed and adds what is new; nothing is
 * deleted, because institutions, grants and classes may already point at it. Run it in a transaction.
 */
export async function loadCountryPack(db: Db, pack: CountryPack): Promise<LoadedPack> {
  if (pack.levels.length > 0) {
    await db
      .insert(levels)
      .values(
        pack.levels.map((l, i) => ({
          code: l.code,
          position: i + 1,
          nameAz: l.name.az,
          nameRu: l.name.ru,
          nameEn: l.name.en,
          isced: l.isced,
        })),
      )
      .onConflictDoUpdate({
        target: levels.code,
        set: {
          position: excluded('position'),
          nameAz: excluded('name_az'),
          nameRu: excluded('name_ru'),
          nameEn: excluded('name_en'),
          isced: excluded('isced'),
        },
      });
  }
  const gradeRows = pack.levels.flatMap((l) => l.grades.map((number) => ({ number, levelCode: l.code })));
  if (gradeRows.length > 0) {
    await db
      .insert(grades)
      .values(gradeRows)
      .onConflictDoUpdate({ target: grades.number, set: { levelCode: excluded('level_code') } });
  }
  if (pack.subjects.length > 0) {
    await db
      .insert(subjects)
      .values(
        pack.subjects.map((s) => ({
          code: s.code,
          nameAz: s.name.az,
          nameRu: s.name.ru,
          nameEn: s.name.en,
          grades: s.grades,
        })),
      )
      .onConflictDoUpdate({
        target: subjects.code,
        set: {
          nameAz: excluded('name_az'),
          nameRu: excluded('name_ru'),
          nameEn: excluded('name_en'),
          grades: excluded('grades'),
        },
      });
  }
  if (pack.gradingScales.length > 0) {
    await db
      .insert(gradingScales)
      .values(
        pack.gradingScales.map((s) => ({
          code: s.code,
          nameAz: s.name.az,
          nameRu: s.name.ru,
          nameEn: s.name.en,
          isDefault: s.isDefault,
          marks: s.marks,
        })),
      )
      .onConflictDoUpdate({
        target: gradingScales.code,
        set: {
          nameAz: excluded('name_az'),
          nameRu: excluded('name_ru'),
          nameEn: excluded('name_en'),
          isDefault: excluded('is_default'),
          marks: excluded('marks'),
        },
      });
    const defaultCode = pack.gradingScales.find((s) => s.isDefault)!.code;
    await db.update(gradingScales).set({ isDefault: false }).where(ne(gradingScales.code, defaultCode));
  }

  // Areas go in one layer at a time, so that each layer knows its parents' ids.
  const areaIds = new Map<string, number>();
  const all = flattenAreas(pack.root);
  const depthOf = new Map<string, number>();
  for (const { area, parent } of all) depthOf.set(area.code, parent ? depthOf.get(parent.code)! + 1 : 0);
  const maxDepth = Math.max(...depthOf.values());
  for (let depth = 0; depth <= maxDepth; depth++) {
    const layer = all.filter(({ area }) => depthOf.get(area.code) === depth);
    for (let i = 0; i < layer.length; i += 500) {
      const rows = await db
        .insert(areas)
        .values(
          layer.slice(i, i + 500).map(({ area, parent }) => ({
            code: area.code,
            kind: area.kind,
            parentId: parent ? areaIds.get(parent.code)! : null,
            nameAz: area.name.az,
            nameRu: area.name.ru,
            nameEn: area.name.en,
            path: [],
          })),
        )
        .onConflictDoUpdate({
          target: areas.code,
          set: {
            kind: excluded('kind'),
            parentId: excluded('parent_id'),
            nameAz: excluded('name_az'),
            nameRu: excluded('name_ru'),
            nameEn: excluded('name_en'),
          },
        })
        .returning({ id: areas.id, code: areas.code });
      for (const r of rows) areaIds.set(r.code, r.id);
    }
  }
  // One statement recomputes every path from the parent links, so a moved area carries its subtree along.
  await db.execute(sql`
    with recursive tree (id, path) as (
      select id, array[id] from institutions_area where parent_id is null
      union all
      select a.id, tree.path || a.id from institutions_area a join tree on a.parent_id = tree.id
    )
    update institutions_area a set path = tree.path from tree
    where a.id = tree.id and a.path is distinct from tree.path`);

  let currentAcademicYearId: number | null = null;
  let calendarCount = 0;
  for (const year of pack.academicYears) {
    const [row] = await db
      .insert(academicYears)
      .values({ code: year.code, startsOn: year.startsOn, endsOn: year.endsOn, isCurrent: year.current })
      .onConflictDoUpdate({
        target: academicYears.code,
        set: { startsOn: year.startsOn, endsOn: year.endsOn, isCurrent: year.current },
      })
      .returning({ id: academicYears.id });
    const yearId = row!.id;
    if (year.current) currentAcademicYearId = yearId;
    if (year.entries.length > 0) {
      await db
        .insert(calendarEntries)
        .values(
          year.entries.map((e) => ({
            academicYearId: yearId,
            kind: e.kind,
            code: e.code,
            nameAz: e.name.az,
            nameRu: e.name.ru,
            nameEn: e.name.en,
            startsOn: e.startsOn,
            endsOn: e.endsOn,
          })),
        )
        .onConflictDoUpdate({
          target: [calendarEntries.academicYearId, calendarEntries.code],
          set: {
            kind: excluded('kind'),
            nameAz: excluded('name_az'),
            nameRu: excluded('name_ru'),
            nameEn: excluded('name_en'),
            startsOn: excluded('starts_on'),
            endsOn: excluded('ends_on'),
          },
        });
      calendarCount += year.entries.length;
    }
  }
  // The topics belong to the library, which owns their table; they need the subjects loaded above.
  const topicCount = await loadCurriculumTopics(db, pack.topics);
  // So do the journal's attendance codes.
  await upsertAttendanceCodes(db, pack.attendanceCodes);
  // And the training module's competency frameworks.
  await loadTrainingFrameworks(db, pack.frameworks ?? []);
  // And the content filter's categories.
  await loadSafetyCategories(db, pack.safetyCategories ?? []);

  // Exactly one year is current: the pack's current year replaces whichever was current before.
  if (currentAcademicYearId !== null)
    await db
      .update(academicYears)
      .set({ isCurrent: false })
      .where(ne(academicYears.id, currentAcademicYearId));

  return {
    areaIds,
    currentAcademicYearId,
    counts: {
      areas: all.length,
      levels: pack.levels.length,
      grades: gradeRows.length,
      subjects: pack.subjects.length,
      gradingScales: pack.gradingScales.length,
      calendarEntries: calendarCount,
      topics: topicCount,
      attendanceCodes: pack.attendanceCodes.length,
    },
  };
}

/** Reads, validates and loads the pack in `dir`, in one transaction. */
export async function loadCountryPackFrom(db: Db, dir: string = DEFAULT_PACK_DIR): Promise<LoadedPack> {
  const pack = await readCountryPack(dir);
  return db.transaction((tx) => loadCountryPack(tx, pack));
}

/** Whether an area with this code exists, for commands that take an area code. */
export async function areaIdByCode(db: Db, code: string): Promise<number | null> {
  const [row] = await db.select({ id: areas.id }).from(areas).where(eq(areas.code, code));
  return row?.id ?? null;
}
