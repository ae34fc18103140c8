import type { Db } from '@/server/db/database';
import { AppError, notFound, type FieldProblem } from '@/server/errors';
import { translate, type Locale } from '@/server/i18n';
import { staleVersion } from '@/server/versions';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import { idPart, registerAuditLabeller } from '@/modules/identity/audit.labels';
import { schoolToday } from '@/modules/classroom/classroom.service';
import type { Localised } from '@/modules/policy/policy.tables';
import {
  FIGURE_KEYS,
  figureCatalogue,
  isFigureKey,
  liveFigures,
  type FigureKey,
  type LiveFigure,
} from '@/modules/policy/policy.figures';
import * as store from '@/modules/policy/policy.registry.store';
import '@/modules/policy/policy.registry.messages';
import {
  PEER_QUESTIONS,
  type DocumentBody,
  type DocumentKind,
  type DocumentStatus,
  type PartnershipBody,
  type PartnershipOut,
  type PolicyDocument,
  type Target,
  type TargetBody,
} from '@/modules/policy/policy.registry.schema';

/**
 * The registry of policies: laws, strategies, state programmes, concepts and regulations, each with the
 * sections of the PEER outline it touches and the PEER questions it answers; programmes' targets measured by
 * a live figure of the platform (progress is computed on every read, never stored); partnerships; the timeline
 * and the PEER comparison answers drawn from them. Reading is public; the ministry's bureau and the
 * administrator edit, every write validated, in one transaction, at the version read, and audited.
 */

// ---------------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------------

const problem = (locale: Locale, field: string, rule: string): FieldProblem => ({
  field,
  reason: rule,
  message: `${field}: ${translate(locale, `policyRegistry.rule.${rule}`)}`,
});
const refuseIf = (problems: FieldProblem[]) => {
  if (problems.length > 0) throw new AppError(422, 'policyRegistry.invalid', {}, problems);
};

/** A localised text with each language trimmed. */
const trimmed = (t: Localised): Localised => ({ az: t.az.trim(), ru: t.ru.trim(), en: t.en.trim() });
const isBlank = (t: Localised) => !t.az && !t.ru && !t.en;
const WEB_ADDRESS = /^https?:\/\/[^\s/?#]+\.[^\s]+$/i;

function checkDocument(locale: Locale, b: DocumentBody) {
  const p: FieldProblem[] = [];
  if (isBlank(trimmed(b.title))) p.push(problem(locale, 'title', 'text_required'));
  if (isBlank(trimmed(b.issuer))) p.push(problem(locale, 'issuer', 'text_required'));
  if (b.amendedOn !== null && b.amendedOn < b.adoptedOn)
    p.push(problem(locale, 'amendedOn', 'before_adopted'));
  if (b.periodStart !== null && b.periodEnd !== null && b.periodEnd < b.periodStart)
    p.push(problem(locale, 'periodEnd', 'before_start'));
  if (b.url.trim() !== '' && !WEB_ADDRESS.test(b.url.trim())) p.push(problem(locale, 'url', 'url'));
  refuseIf(p);
}

const documentValues = (b: DocumentBody, userId: number | null): store.DocumentValues => ({
  kind: b.kind,
  title: trimmed(b.title),
  issuer: trimmed(b.issuer),
  number: b.number.trim(),
  adoptedOn: b.adoptedOn,
  amendedOn: b.amendedOn,
  periodStart: b.periodStart,
  periodEnd: b.periodEnd,
  status: b.status,
  summary: trimmed(b.summary),
  url: b.url.trim(),
  topics: [...b.topics].sort(),
  peer: [...b.peer],
  updatedBy: userId,
});

/** Figures that are shares: their targets are written in per cent. */
const SHARES = new Set(
  figureCatalogue('en')
    .filter((f) => f.unit === 'share')
    .map((f) => f.key),
);

function checkTarget(locale: Locale, b: TargetBody) {
  const p: FieldProblem[] = [];
  if (isBlank(trimmed(b.description))) p.push(problem(locale, 'description', 'text_required'));
  if (SHARES.has(b.indicator)) {
    if (b.baseline > 100) p.push(problem(locale, 'baseline', 'share_over_100'));
    if (b.target > 100) p.push(problem(locale, 'target', 'share_over_100'));
  }
  if (b.target === b.baseline) p.push(problem(locale, 'target', 'same_as_baseline'));
  refuseIf(p);
}

const targetValues = (b: TargetBody): store.TargetValues => ({
  description: trimmed(b.description),
  indicator: b.indicator,
  baseline: String(b.baseline),
  target: String(b.target),
  dueOn: b.dueOn,
});

async function checkPartnership(db: Db, locale: Locale, b: PartnershipBody) {
  const p: FieldProblem[] = [];
  if (b.partner.trim() === '') p.push(problem(locale, 'partner', 'blank'));
  if (isBlank(trimmed(b.contribution))) p.push(problem(locale, 'contribution', 'text_required'));
  if (b.endedOn !== null && b.endedOn < b.startedOn) p.push(problem(locale, 'endedOn', 'before_start'));
  if (b.documentId !== null && !(await store.findDocument(db, b.documentId)))
    p.push(problem(locale, 'documentId', 'unknown_document'));
  refuseIf(p);
}

const partnershipValues = (b: PartnershipBody, userId: number | null): store.PartnershipValues => ({
  partner: b.partner.trim(),
  contribution: trimmed(b.contribution),
  quantity: b.quantity,
  startedOn: b.startedOn,
  endedOn: b.endedOn,
  documentId: b.documentId,
  topics: [...b.topics].sort(),
  updatedBy: userId,
});

// ---------------------------------------------------------------------------------------------------------
// Progress of targets
// ---------------------------------------------------------------------------------------------------------

/** The live figures the targets measure by, computed once for a whole answer. */
async function figuresFor(db: Db, locale: Locale, rows: store.TargetRow[]) {
  const keys = [...new Set(rows.map((r) => r.indicator).filter(isFigureKey))];
  const figures = keys.length ? await liveFigures(db, locale, keys) : [];
  return new Map(figures.map((f) => [f.key, f]));
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** A target with its progress now: the figure between the baseline and the target, in the target's unit. */
function withProgress(row: store.TargetRow, figure: LiveFigure | undefined, today: string): Target {
  const baseline = Number(row.baseline);
  const goal = Number(row.target);
  const current =
    figure?.value === null || figure === undefined
      ? null
      : figure.unit === 'share'
        ? round(figure.value * 100, 2)
        : figure.value;
  const rising = goal >= baseline;
  const reached = current !== null && (rising ? current >= goal : current <= goal);
  const progress =
    current === null || goal === baseline
      ? null
      : round(Math.min(1, Math.max(0, (current - baseline) / (goal - baseline))), 4);
  return {
    id: row.id,
    documentId: row.documentId,
    position: row.position,
    description: row.description,
    indicator: row.indicator,
    baseline,
    target: goal,
    dueOn: row.dueOn,
    version: row.version,
    current,
    progress,
    reached,
    overdue: !reached && row.dueOn !== null && row.dueOn < today,
    figure: figure ?? missingFigure(row.indicator),
  };
}

/** A figure the catalogue no longer has (a key kept in an old row): shown empty, never a failure. */
const missingFigure = (key: string): LiveFigure => ({
  key: key as FigureKey,
  label: key,
  value: null,
  unit: 'count',
  unitLabel: '',
  numerator: null,
  denominator: null,
  source: '',
  asOf: schoolToday(),
  query: '',
  sql: '',
  topics: [],
});

// ---------------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------------

const documentOut = (d: store.DocumentRow) => ({
  id: d.id,
  kind: d.kind as DocumentKind,
  title: d.title,
  issuer: d.issuer,
  number: d.number,
  adoptedOn: d.adoptedOn,
  amendedOn: d.amendedOn,
  periodStart: d.periodStart,
  periodEnd: d.periodEnd,
  status: d.status as DocumentStatus,
  summary: d.summary,
  url: d.url,
  topics: d.topics,
  peer: d.peer,
  version: d.version,
  updatedAt: d.updatedAt.toISOString(),
});

function partnershipOut(p: store.PartnershipRow, titles: Map<number, Localised>): PartnershipOut {
  return {
    id: p.id,
    partner: p.partner,
    contribution: p.contribution,
    quantity: p.quantity,
    startedOn: p.startedOn,
    endedOn: p.endedOn,
    documentId: p.documentId,
    documentTitle: p.documentId === null ? null : (titles.get(p.documentId) ?? null),
    topics: p.topics,
    version: p.version,
    updatedAt: p.updatedAt.toISOString(),
  };
}

/** The registry's documents, each with how many of its targets are reached now. */
export async function listDocuments(
  db: Db,
  locale: Locale,
  filter: { kind?: string; status?: string; topic?: string; q?: string },
) {
  const docs = await store.listDocuments(db, filter);
  const rows = await store.listTargets(
    db,
    docs.map((d) => d.id),
  );
  const figures = await figuresFor(db, locale, rows);
  const today = schoolToday();
  const targets = rows.map((r) => withProgress(r, figures.get(r.indicator as FigureKey), today));
  return {
    items: docs.map((d) => {
      const own = targets.filter((t) => t.documentId === d.id);
      return { ...documentOut(d), targets: own.length, targetsReached: own.filter((t) => t.reached).length };
    }),
  };
}

/** A document with its targets' progress now and the partnerships made under it. */
export async function getDocument(db: Db, locale: Locale, id: number): Promise<PolicyDocument> {
  const d = await store.findDocument(db, id);
  if (!d) throw notFound('policy_document');
  const rows = await store.listTargets(db, [id]);
  const figures = await figuresFor(db, locale, rows);
  const today = schoolToday();
  const partners = await store.listPartnerships(db, id);
  return {
    ...documentOut(d),
    targets: rows.map((r) => withProgress(r, figures.get(r.indicator as FigureKey), today)),
    partnerships: partners.map((p) => partnershipOut(p, new Map([[d.id, d.title]]))),
  };
}

async function documentTitles(db: Db): Promise<Map<number, Localised>> {
  return new Map((await store.listDocuments(db)).map((d) => [d.id, d.title]));
}

/** Every partnership, newest first. */
export async function listPartnerships(db: Db) {
  const [rows, titles] = await Promise.all([store.listPartnerships(db), documentTitles(db)]);
  return { items: rows.map((p) => partnershipOut(p, titles)) };
}

async function getPartnership(db: Db, id: number): Promise<PartnershipOut> {
  const p = await store.findPartnership(db, id);
  if (!p) throw notFound('policy_partnership');
  const doc = p.documentId === null ? undefined : await store.findDocument(db, p.documentId);
  return partnershipOut(p, new Map(doc ? [[doc.id, doc.title]] : []));
}

async function getTarget(db: Db, locale: Locale, id: number): Promise<Target> {
  const row = await store.findTarget(db, id);
  if (!row) throw notFound('policy_target');
  const figures = await figuresFor(db, locale, [row]);
  return withProgress(row, figures.get(row.indicator as FigureKey), schoolToday());
}

/**
 * The timeline, as the country's own timeline of programmes reads: by year, newest year first, each year's
 * events in date order — documents adopted and amended, programmes' periods starting and ending, partnerships.
 */
export async function timeline(db: Db) {
  const [docs, partners] = await Promise.all([store.listDocuments(db), store.listPartnerships(db)]);
  type Event = {
    date: string;
    event: 'adopted' | 'amended' | 'period_start' | 'period_end' | 'partnership';
    documentId: number | null;
    partnershipId: number | null;
    kind: DocumentKind | null;
    title: Localised;
    partner: string;
    quantity: number | null;
  };
  const events: Event[] = [];
  const today = schoolToday();
  for (const d of docs) {
    const base = {
      documentId: d.id,
      partnershipId: null,
      kind: d.kind as DocumentKind,
      title: d.title,
      partner: '',
      quantity: null,
    };
    events.push({ ...base, date: d.adoptedOn, event: 'adopted' });
    if (d.amendedOn) events.push({ ...base, date: d.amendedOn, event: 'amended' });
    // A period starting on adoption says nothing new; its end is an event once it has come.
    if (d.periodStart && d.periodStart !== d.adoptedOn)
      events.push({ ...base, date: d.periodStart, event: 'period_start' });
    if (d.periodEnd && d.periodEnd <= today) events.push({ ...base, date: d.periodEnd, event: 'period_end' });
  }
  for (const p of partners) {
    events.push({
      date: p.startedOn,
      event: 'partnership',
      documentId: p.documentId,
      partnershipId: p.id,
      kind: null,
      title: p.contribution,
      partner: p.partner,
      quantity: p.quantity,
    });
  }
  const order = ['adopted', 'amended', 'period_start', 'partnership', 'period_end'];
  events.sort(
    (a, b) =>
      a.date.localeCompare(b.date) ||
      order.indexOf(a.event) - order.indexOf(b.event) ||
      (a.documentId ?? 0) - (b.documentId ?? 0),
  );
  const years = new Map<number, Event[]>();
  for (const e of events) {
    const year = Number(e.date.slice(0, 4));
    years.set(year, [...(years.get(year) ?? []), e]);
  }
  return {
    years: [...years.entries()].sort((a, b) => b[0] - a[0]).map(([year, list]) => ({ year, events: list })),
  };
}

/** Whether a document of this status makes its PEER questions' answer yes (in force or planned). */
export const answersPeerYes = (status: string): boolean => status === 'in_force' || status === 'planned';

/**
 * PEER's comparison questions answered from the registry: yes when a document in force or planned answers
 * it (a repealed or completed one is listed, but no longer makes the answer yes).
 */
export async function peerAnswers(db: Db, locale: Locale) {
  const docs = await store.listDocuments(db);
  return {
    items: PEER_QUESTIONS.map((question) => {
      const answering = docs.filter((d) => d.peer.includes(question));
      return {
        question,
        text: translate(locale, `policyRegistry.peer.${question}`),
        answer: answering.some((d) => answersPeerYes(d.status)),
        documents: answering.map((d) => ({
          id: d.id,
          kind: d.kind as DocumentKind,
          title: d.title,
          adoptedOn: d.adoptedOn,
          status: d.status as DocumentStatus,
        })),
      };
    }),
  };
}

/** The live figures catalogue, all or the keys asked for. */
export async function figures(db: Db, locale: Locale, keys?: readonly FigureKey[]) {
  return { items: await liveFigures(db, locale, keys && keys.length ? keys : FIGURE_KEYS) };
}

// ---------------------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------------------

export async function createDocument(db: Db, ctx: ChangeContext, locale: Locale, body: DocumentBody) {
  checkDocument(locale, body);
  const id = await db.transaction(async (tx) => {
    const row = await store.insertDocument(tx, documentValues(body, ctx.actorId));
    await audit(tx, ctx, { action: 'create', entity: 'policy_document', entityId: row.id, after: row });
    return row.id;
  });
  return getDocument(db, locale, id);
}

/** Saves a document's whole record, if no one saved it since the caller read it (else 409 with the current). */
export async function updateDocument(
  db: Db,
  ctx: ChangeContext,
  locale: Locale,
  id: number,
  body: DocumentBody & { version: number },
) {
  await db.transaction(async (tx) => {
    const before = await store.findDocument(tx, id, true);
    if (!before) throw notFound('policy_document');
    if (before.version !== body.version) throw staleVersion(body, await getDocument(tx, locale, id));
    checkDocument(locale, body);
    const after = await store.updateDocument(tx, id, body.version, documentValues(body, ctx.actorId));
    if (!after) throw staleVersion(body, await getDocument(tx, locale, id));
    await audit(tx, ctx, { action: 'update', entity: 'policy_document', entityId: id, before, after });
  });
  return getDocument(db, locale, id);
}

/** Removes a document with its targets (its partnerships stay, no longer under it), at the version read. */
export async function deleteDocument(
  db: Db,
  ctx: ChangeContext,
  locale: Locale,
  id: number,
  version: number,
) {
  await db.transaction(async (tx) => {
    const before = await store.findDocument(tx, id, true);
    if (!before) throw notFound('policy_document');
    if (before.version !== version || !(await store.deleteDocument(tx, id, version)))
      throw staleVersion({ version }, await getDocument(tx, locale, id));
    await audit(tx, ctx, { action: 'delete', entity: 'policy_document', entityId: id, before });
  });
}

export async function createTarget(
  db: Db,
  ctx: ChangeContext,
  locale: Locale,
  documentId: number,
  body: TargetBody,
) {
  const id = await db.transaction(async (tx) => {
    // Locked so two targets added at once take distinct positions.
    if (!(await store.findDocument(tx, documentId, true))) throw notFound('policy_document');
    checkTarget(locale, body);
    const row = await store.insertTarget(tx, documentId, targetValues(body));
    await audit(tx, ctx, { action: 'create', entity: 'policy_target', entityId: row.id, after: row });
    return row.id;
  });
  return getTarget(db, locale, id);
}

export async function updateTarget(
  db: Db,
  ctx: ChangeContext,
  locale: Locale,
  id: number,
  body: TargetBody & { version: number },
) {
  await db.transaction(async (tx) => {
    const before = await store.findTarget(tx, id, true);
    if (!before) throw notFound('policy_target');
    if (before.version !== body.version) throw staleVersion(body, await getTarget(tx, locale, id));
    checkTarget(locale, body);
    const after = await store.updateTarget(tx, id, body.version, targetValues(body));
    if (!after) throw staleVersion(body, await getTarget(tx, locale, id));
    await audit(tx, ctx, { action: 'update', entity: 'policy_target', entityId: id, before, after });
  });
  return getTarget(db, locale, id);
}

export async function deleteTarget(db: Db, ctx: ChangeContext, locale: Locale, id: number, version: number) {
  await db.transaction(async (tx) => {
    const before = await store.findTarget(tx, id, true);
    if (!before) throw notFound('policy_target');
    if (before.version !== version || !(await store.deleteTarget(tx, id, version)))
      throw staleVersion({ version }, await getTarget(tx, locale, id));
    await audit(tx, ctx, { action: 'delete', entity: 'policy_target', entityId: id, before });
  });
}

export async function createPartnership(db: Db, ctx: ChangeContext, locale: Locale, body: PartnershipBody) {
  const id = await db.transaction(async (tx) => {
    await checkPartnership(tx, locale, body);
    const row = await store.insertPartnership(tx, partnershipValues(body, ctx.actorId));
    await audit(tx, ctx, { action: 'create', entity: 'policy_partnership', entityId: row.id, after: row });
    return row.id;
  });
  return getPartnership(db, id);
}

export async function updatePartnership(
  db: Db,
  ctx: ChangeContext,
  locale: Locale,
  id: number,
  body: PartnershipBody & { version: number },
) {
  await db.transaction(async (tx) => {
    const before = await store.findPartnership(tx, id, true);
    if (!before) throw notFound('policy_partnership');
    if (before.version !== body.version) throw staleVersion(body, await getPartnership(tx, id));
    await checkPartnership(tx, locale, body);
    const after = await store.updatePartnership(tx, id, body.version, partnershipValues(body, ctx.actorId));
    if (!after) throw staleVersion(body, await getPartnership(tx, id));
    await audit(tx, ctx, { action: 'update', entity: 'policy_partnership', entityId: id, before, after });
  });
  return getPartnership(db, id);
}

export async function deletePartnership(db: Db, ctx: ChangeContext, id: number, version: number) {
  await db.transaction(async (tx) => {
    const before = await store.findPartnership(tx, id, true);
    if (!before) throw notFound('policy_partnership');
    if (before.version !== version || !(await store.deletePartnership(tx, id, version)))
      throw staleVersion({ version }, await getPartnership(tx, id));
    await audit(tx, ctx, { action: 'delete', entity: 'policy_partnership', entityId: id, before });
  });
}

// The audit log names a document by its title, a target by its description, a partnership by its partner.
const pick = (t: Localised, locale: Locale) => t[locale] || t.az || t.ru || t.en;
registerAuditLabeller('policy_document', async (db, locale, ids) => {
  const out = new Map<string, string[]>();
  for (const id of ids) {
    const n = idPart(id);
    const d = n === null ? undefined : await store.findDocument(db, n);
    if (d) out.set(id, [pick(d.title, locale)]);
  }
  return out;
});
registerAuditLabeller('policy_target', async (db, locale, ids) => {
  const out = new Map<string, string[]>();
  for (const id of ids) {
    const n = idPart(id);
    const t = n === null ? undefined : await store.findTarget(db, n);
    const d = t ? await store.findDocument(db, t.documentId) : undefined;
    if (t && d) out.set(id, [pick(d.title, locale), pick(t.description, locale)]);
  }
  return out;
});
registerAuditLabeller('policy_partnership', async (db, _locale, ids) => {
  const out = new Map<string, string[]>();
  for (const id of ids) {
    const n = idPart(id);
    const p = n === null ? undefined : await store.findPartnership(db, n);
    if (p) out.set(id, [p.partner]);
  }
  return out;
});
