import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '@/server/db/database';
import { CountryPackError, PACK_LOCALES } from '@/modules/institutions/country-pack';
import type { Localised } from '@/modules/training/training.tables';
import * as store from '@/modules/training/training.frameworks.store';

/**
 * Competency frameworks as country-pack data: every `*.json` file of a pack's `training/` folder is one
 * framework (UNESCO ICT CFT v3, DigCompEdu, or a ministry's own), with its levels, areas, competencies, the
 * competencies of other frameworks each one covers (`related`), and, for the framework teachers assess
 * themselves on, the questionnaire (`items`). `readTrainingFrameworks` reads and validates them (an error names
 * the file and the entry); `loadTrainingFrameworks` writes them, matched by id, so loading again updates.
 */

/** A level of a framework, lowest first; `minPercent` is the share of an area's points that reaches it. */
export interface PackFrameworkLevel {
  code: string;
  name: Localised;
  description: Localised;
  minPercent: number;
}

export interface PackCompetency {
  id: string;
  name: Localised;
  descriptor: Localised;
  /** Competencies of other frameworks this one covers (stored both ways). */
  related: string[];
}

export interface PackFrameworkArea {
  id: string;
  name: Localised;
  description: Localised;
  competencies: PackCompetency[];
}

export interface PackItem {
  id: string;
  areaId: string;
  competencyId: string | null;
  text: Localised;
  options: { text: Localised; score: number }[];
}

export interface PackFramework {
  file: string;
  id: string;
  position: number;
  name: Localised;
  description: Localised;
  selfAssessment: boolean;
  levels: PackFrameworkLevel[];
  areas: PackFrameworkArea[];
  items: PackItem[];
}

type Json = unknown;

class Check {
  constructor(readonly file: string) {}
  fail(entry: string | null, problem: string): never {
    throw new CountryPackError(this.file, entry, problem);
  }
  object(v: Json, entry: string | null, what: string): Record<string, Json> {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      this.fail(entry, `${what} must be an object`);
    return v as Record<string, Json>;
  }
  array(v: Json, entry: string | null, what: string): Json[] {
    if (!Array.isArray(v)) this.fail(entry, `${what} must be a list`);
    return v;
  }
  id(v: Json, entry: string | null, what = 'id'): string {
    if (typeof v !== 'string' || !/^[A-Za-z0-9_.-]{1,100}$/.test(v))
      this.fail(entry, `${what} must be a text of letters, digits, _ . - (found ${JSON.stringify(v)})`);
    return v;
  }
  text(v: Json, entry: string | null, what: string): Localised {
    const o = this.object(v, entry, what);
    const out = {} as Localised;
    for (const locale of PACK_LOCALES) {
      const s = o[locale];
      if (typeof s !== 'string' || s.trim() === '')
        this.fail(entry, `${what}.${locale} must be a non-empty text`);
      out[locale] = s;
    }
    return out;
  }
  unique(seen: Set<string>, id: string, entry: string): void {
    if (seen.has(id)) this.fail(entry, `id "${id}" appears twice`);
    seen.add(id);
  }
}

function readFramework(raw: Json, file: string, seen: Set<string>): PackFramework {
  const c: Check = new Check(file);
  const o = c.object(raw, null, 'the file');
  const id = c.id(o.id, null);
  c.unique(seen, id, id);
  const position = o.position ?? 0;
  if (typeof position !== 'number' || !Number.isInteger(position) || position < 0 || position > 1000)
    c.fail(id, 'position must be a whole number from 0 to 1000');
  const levelList = c.array(o.levels, id, 'levels');
  if (levelList.length < 2 || levelList.length > 12)
    c.fail(id, 'levels must list 2 to 12 levels, lowest first');
  const levelCodes = new Set<string>();
  const levels = levelList.map((v, i) => {
    const entry = `${id} levels[${i}]`;
    const l = c.object(v, entry, 'a level');
    const code = c.id(l.code, entry, 'code');
    if (levelCodes.has(code)) c.fail(entry, `level "${code}" appears twice`);
    levelCodes.add(code);
    const minPercent = l.minPercent ?? Math.round((i * 100) / levelList.length);
    if (typeof minPercent !== 'number' || !Number.isFinite(minPercent) || minPercent < 0 || minPercent > 100)
      c.fail(entry, 'minPercent must be a number from 0 to 100');
    return {
      code,
      name: c.text(l.name, entry, 'name'),
      description: c.text(l.description, entry, 'description'),
      minPercent,
    };
  });
  if (levels[0]!.minPercent !== 0) c.fail(`${id} levels[0]`, 'the lowest level starts at minPercent 0');
  for (let i = 1; i < levels.length; i++)
    if (levels[i]!.minPercent <= levels[i - 1]!.minPercent)
      c.fail(`${id} levels[${i}]`, 'minPercent must rise from one level to the next');
  const competencyArea = new Map<string, string>();
  const areas = c.array(o.areas, id, 'areas').map((v, i) => {
    const a = c.object(v, `${id} areas[${i}]`, 'an area');
    const areaId = c.id(a.id, `${id} areas[${i}]`);
    c.unique(seen, areaId, areaId);
    if (!areaId.startsWith(`${id}.`)) c.fail(areaId, `an area's id starts with its framework's, "${id}."`);
    const competencies = c.array(a.competencies, areaId, 'competencies').map((cv, j) => {
      const k = c.object(cv, `${areaId} competencies[${j}]`, 'a competency');
      const cid = c.id(k.id, `${areaId} competencies[${j}]`);
      c.unique(seen, cid, cid);
      if (!cid.startsWith(`${id}.`)) c.fail(cid, `a competency's id starts with its framework's, "${id}."`);
      competencyArea.set(cid, areaId);
      return {
        id: cid,
        name: c.text(k.name, cid, 'name'),
        descriptor: c.text(k.descriptor, cid, 'descriptor'),
        related: c.array(k.related ?? [], cid, 'related').map((r) => c.id(r, cid, 'related')),
      };
    });
    if (competencies.length === 0) c.fail(areaId, 'an area has at least one competency');
    return {
      id: areaId,
      name: c.text(a.name, areaId, 'name'),
      description: c.text(a.description, areaId, 'description'),
      competencies,
    };
  });
  if (areas.length === 0) c.fail(id, 'a framework has at least one area');
  const areaIds = new Set(areas.map((a) => a.id));
  const items = c.array(o.items ?? [], id, 'items').map((v, i) => {
    const q = c.object(v, `${id} items[${i}]`, 'an item');
    const qid = c.id(q.id, `${id} items[${i}]`);
    c.unique(seen, qid, qid);
    let competencyId: string | null = null;
    let areaId: string;
    if (q.competency !== undefined) {
      competencyId = c.id(q.competency, qid, 'competency');
      const of = competencyArea.get(competencyId);
      if (!of) c.fail(qid, `competency "${competencyId}" is not one of this framework's`);
      areaId = of;
    } else {
      areaId = c.id(q.area, qid, 'area');
      if (!areaIds.has(areaId)) c.fail(qid, `area "${areaId}" is not one of this framework's`);
    }
    const options = c.array(q.options, qid, 'options').map((ov, j) => {
      const op = c.object(ov, `${qid} options[${j}]`, 'an option');
      const score = op.score;
      if (typeof score !== 'number' || !Number.isInteger(score) || score < 0 || score > 10)
        c.fail(`${qid} options[${j}]`, 'score must be a whole number from 0 to 10');
      return { text: c.text(op.text, `${qid} options[${j}]`, 'text'), score };
    });
    if (options.length < 2 || options.length > 8) c.fail(qid, 'an item has 2 to 8 options');
    return { id: qid, areaId, competencyId, text: c.text(q.text, qid, 'text'), options };
  });
  const selfAssessment = o.selfAssessment ?? false;
  if (typeof selfAssessment !== 'boolean') c.fail(id, 'selfAssessment must be true or false');
  if (selfAssessment) {
    for (const a of areas)
      if (!items.some((q) => q.areaId === a.id))
        c.fail(a.id, 'a self-assessment asks at least one item per area');
  }
  return {
    file,
    id,
    position,
    name: c.text(o.name, id, 'name'),
    description: c.text(o.description, id, 'description'),
    selfAssessment,
    levels,
    areas,
    items,
  };
}

/** Reads every framework of `<packDir>/training/*.json` (none when the folder is absent), in file-name order. */
export async function readTrainingFrameworks(packDir: string): Promise<PackFramework[]> {
  const dir = path.join(packDir, 'training');
  const names = await readdir(dir).then(
    (list) => list.filter((n) => n.endsWith('.json')).sort(),
    () => [] as string[],
  );
  const seen = new Set<string>();
  const out: PackFramework[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    let raw: Json;
    try {
      raw = JSON.parse(await readFile(file, 'utf8')) as Json;
    } catch (error) {
      throw new CountryPackError(file, null, `not valid JSON: ${(error as Error).message}`);
    }
    out.push(readFramework(raw, file, seen));
  }
  const competencies = new Set(out.flatMap((f) => f.areas.flatMap((a) => a.competencies.map((k) => k.id))));
  for (const f of out)
    for (const a of f.areas)
      for (const k of a.competencies)
        for (const r of k.related)
          if (!competencies.has(r))
            throw new CountryPackError(f.file, k.id, `related "${r}" is not a competency of any framework`);
  if (out.filter((f) => f.selfAssessment).length > 1)
    throw new CountryPackError(
      dir,
      null,
      'only one framework can be the self-assessment (selfAssessment: true)',
    );
  return out;
}

/**
 * Writes the frameworks, matched by id: loading again (or a newer pack) updates names, descriptors, levels and
 * items; nothing that sittings point at is deleted. The mapping is rewritten: each `related` link both ways.
 * Run it in the pack's transaction.
 */
export async function loadTrainingFrameworks(db: Db, frameworks: PackFramework[]): Promise<number> {
  if (frameworks.length === 0) return 0;
  // Another self-assessment framework from the pack replaces the one before it.
  if (frameworks.some((f) => f.selfAssessment))
    await store.clearSelfAssessment(
      db,
      frameworks.filter((f) => f.selfAssessment).map((f) => f.id),
    );
  await store.upsertFrameworks(
    db,
    frameworks.map((f) => ({
      id: f.id,
      position: f.position,
      name: f.name,
      description: f.description,
      levels: f.levels,
      selfAssessment: f.selfAssessment,
    })),
  );
  await store.upsertAreas(
    db,
    frameworks.flatMap((f) =>
      f.areas.map((a, i) => ({
        id: a.id,
        frameworkId: f.id,
        position: i + 1,
        name: a.name,
        description: a.description,
      })),
    ),
  );
  const competencies = frameworks.flatMap((f) =>
    f.areas.flatMap((a) =>
      a.competencies.map((k, i) => ({
        id: k.id,
        frameworkId: f.id,
        areaId: a.id,
        position: i + 1,
        name: k.name,
        descriptor: k.descriptor,
      })),
    ),
  );
  await store.upsertCompetencies(db, competencies);
  const links = new Map<string, { competencyId: string; relatedId: string }>();
  for (const f of frameworks)
    for (const a of f.areas)
      for (const k of a.competencies)
        for (const r of k.related) {
          links.set(`${k.id} ${r}`, { competencyId: k.id, relatedId: r });
          links.set(`${r} ${k.id}`, { competencyId: r, relatedId: k.id });
        }
  await store.replaceLinks(
    db,
    competencies.map((k) => k.id),
    [...links.values()],
  );
  await store.upsertItems(
    db,
    frameworks.flatMap((f) =>
      f.items.map((q, i) => ({
        id: q.id,
        frameworkId: f.id,
        areaId: q.areaId,
        competencyId: q.competencyId,
        position: i + 1,
        text: q.text,
        options: q.options,
      })),
    ),
  );
  return frameworks.length;
}
