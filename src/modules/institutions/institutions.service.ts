import type { Db } from '@/server/db/database';
import type { ScopeTarget } from '@/server/access';
import { AppError, notFound } from '@/server/errors';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import * as store from '@/modules/institutions/institutions.store';
import type { institutions } from '@/modules/institutions/institutions.tables';

/** The scope target of an institution, for route declarations: 404 when it does not exist. */
export async function institutionScope(db: Db, institutionId: number): Promise<ScopeTarget> {
  const place = await store.institutionPlace(db, institutionId);
  if (!place) throw notFound('institution');
  return { kind: 'institution', institutionId, areaPath: place.areaPath };
}

/** The scope target of an area. */
export async function areaScope(db: Db, areaId: number): Promise<ScopeTarget> {
  const area = await store.findArea(db, areaId);
  if (!area) throw notFound('area');
  return { kind: 'area', areaPath: area.path };
}

export type InstitutionInput = Omit<typeof institutions.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>;

/** Creates an institution; its national code must be new and its area must exist. */
export async function createInstitution(
  db: Db,
  ctx: ChangeContext,
  input: InstitutionInput,
): Promise<store.InstitutionRow> {
  return db.transaction(async (tx) => {
    if (!(await store.findArea(tx, input.areaId)))
      throw new AppError(422, 'unknown_area', { id: input.areaId });
    if (await store.findInstitutionByCode(tx, input.code))
      throw new AppError(409, 'code_taken', { code: input.code });
    const row = await store.insertInstitution(tx, input);
    await audit(tx, ctx, { action: 'create', entity: 'institution', entityId: row.id, after: row });
    return row;
  });
}

/** Changes an institution's record; the audit log keeps what it was. */
export async function updateInstitution(
  db: Db,
  ctx: ChangeContext,
  id: number,
  changes: Partial<InstitutionInput>,
): Promise<store.InstitutionRow> {
  return db.transaction(async (tx) => {
    const before = await store.findInstitution(tx, id);
    if (!before) throw notFound('institution');
    if (changes.areaId !== undefined && !(await store.findArea(tx, changes.areaId))) {
      throw new AppError(422, 'unknown_area', { id: changes.areaId });
    }
    if (
      changes.code !== undefined &&
      changes.code !== before.code &&
      (await store.findInstitutionByCode(tx, changes.code))
    ) {
      throw new AppError(409, 'code_taken', { code: changes.code });
    }
    const after = (await store.updateInstitution(tx, id, changes))!;
    await audit(tx, ctx, { action: 'update', entity: 'institution', entityId: id, before, after });
    return after;
  });
}

type SubjectRow = Awaited<ReturnType<typeof store.listSubjects>>[number];

/** How long a node keeps the subject list: the country pack's, which only loading a pack changes. */
const SUBJECTS_KEPT_MS = 60_000;
const subjectCache = new WeakMap<Db, { at: number; subjects: Promise<Map<string, SubjectRow>> }>();

/**
 * Every subject by code, for naming the subjects of many rows at no query: kept 60 s per node, and read again at
 * once when asked for a code it lacks (a pack loaded since). A renamed subject shows its new name within 60 s.
 */
export async function subjectsKept(db: Db, codes: Iterable<string> = []): Promise<Map<string, SubjectRow>> {
  const kept = subjectCache.get(db);
  if (kept && Date.now() - kept.at < SUBJECTS_KEPT_MS) {
    const subjects = await kept.subjects;
    if ([...codes].every((code) => subjects.has(code))) return subjects;
  }
  const subjects = store.listSubjects(db).then((list) => new Map(list.map((s) => [s.code, s])));
  subjectCache.set(db, { at: Date.now(), subjects });
  // A failed read is not kept.
  void subjects.catch(() => subjectCache.delete(db));
  return subjects;
}
