import type { Static } from 'typebox';
import type { Db } from '@/server/db/database';
import { AppError, notFound, type FieldProblem } from '@/server/errors';
import { LOCALES, translate, type Locale } from '@/server/i18n';
import { now } from '@/server/clock';
import { staleVersion } from '@/server/versions';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import { liveFigures, zeroReading, type LiveFigure } from '@/modules/policy/policy.figures';
import { answersPeerYes } from '@/modules/policy/policy.registry.service';
import { PEER_QUESTIONS, type PeerQuestion } from '@/modules/policy/policy.registry.schema';
import * as store from '@/modules/policy/policy.profile.store';
import { PARTS, SECTION_TITLES, SECTIONS, type SectionId } from '@/modules/policy/policy.profile.messages';
import type {
  Changes,
  EditionList,
  Profile,
  PublishBody,
  SectionBody,
  SectionTexts,
} from '@/modules/policy/policy.profile.schema';
import type { Localised } from '@/modules/policy/policy.tables';

/**
 * The country profile in the PEER technology profile's outline (1, 2.1–2.4, 3.1, 3.2): for each section the
 * ministry's text, the live figures of the platform that belong to it (each with its source, its day and the
 * query that produced it, from the figures catalogue `policy.figures.ts`), and the registry's policies and
 * partnerships that touch it; section 2.1 also answers PEER's eight comparison questions from the registry, so the
 * profile reads side by side with other countries'. The live profile is generated afresh on every request, so a change anywhere in
 * the platform shows in the next answer. An edition freezes it: what was generated, in all three languages, is
 * stored whole, so editions read as they were published and can be compared with each other or with today.
 */

export type ProfileOut = Static<typeof Profile>;
type SectionOut = ProfileOut['sections'][number];
type FigureOut = SectionOut['figures'][number];
type PeerOut = SectionOut['peer'][number];

/** The section that answers PEER's comparison questions. */
export const PEER_SECTION = '2.1';

/** One PEER comparison question as generated: its answer and the registry's documents that answer it. */
export interface PeerEntry {
  question: PeerQuestion;
  /** Yes when a document in force or planned answers it (a completed or repealed one is listed only). */
  answer: boolean;
  documents: Omit<store.DocumentEntry, 'topics' | 'peer' | 'kind'>[];
}

/**
 * The profile as generated, in no language in particular: texts and titles in all three, figures in those
 * it was generated for (an edition holds all three). This is what an edition stores.
 */
export interface ProfileData {
  generatedAt: string;
  texts: Record<SectionId, Localised>;
  figures: Partial<Record<Locale, LiveFigure[]>>;
  documents: store.DocumentEntry[];
  partnerships: store.PartnershipEntry[];
  /** PEER's comparison questions answered; absent in editions published before the profile had them. */
  peer?: PeerEntry[];
}

/** PEER's eight questions answered from the registry's documents, in PEER's order. */
export function peerEntries(documents: store.DocumentEntry[]): PeerEntry[] {
  return PEER_QUESTIONS.map((question) => {
    const answering = documents.filter((d) => d.peer?.includes(question));
    return {
      question,
      answer: answering.some((d) => answersPeerYes(d.status)),
      documents: answering.map((d) => ({
        id: d.id,
        title: d.title,
        number: d.number,
        adoptedOn: d.adoptedOn,
        status: d.status,
        url: d.url,
      })),
    };
  });
}

const pick = (l: Localised | null | undefined, locale: Locale): string =>
  l ? l[locale] || l.az || l.en || l.ru || '' : '';

const emptyText = (): Localised => ({ az: '', ru: '', en: '' });

/** Reads everything the profile shows, the figures in `locales`. */
export async function generate(db: Db, locales: readonly Locale[]): Promise<ProfileData> {
  const generatedAt = now().toISOString();
  // One read after another: PGlite is one connection, and each is a single query or the catalogue's few.
  const rows = await store.sectionTextRows(db);
  const documents = await store.documentEntries(db);
  const partnerships = await store.partnershipEntries(db);
  const figures: Partial<Record<Locale, LiveFigure[]>> = {};
  for (const locale of locales) figures[locale] = await liveFigures(db, locale);
  const texts = Object.fromEntries(
    SECTIONS.map((s) => [s, rows.find((r) => r.section === s)?.body ?? emptyText()]),
  ) as Record<SectionId, Localised>;
  return { generatedAt, texts, figures, documents, partnerships, peer: peerEntries(documents) };
}

/** A figure's value written for a reader of `locale`: a count, a percentage, or learners per one. */
export function displayValue(
  locale: Locale,
  f: Pick<LiveFigure, 'key' | 'value' | 'unit' | 'unitLabel'>,
): string {
  if (f.value === null) return translate(locale, 'policyProfile.noValue');
  if (f.value === 0) {
    const words = zeroReading(locale, f.key);
    if (words) return words;
  }
  if (f.unit === 'share')
    return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(f.value);
  const n = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(f.value);
  return f.unitLabel ? `${n} ${f.unitLabel}` : n;
}

const figureOut = (locale: Locale, f: LiveFigure): FigureOut => ({
  key: f.key,
  label: f.label,
  value: f.value,
  unit: f.unit,
  display: displayValue(locale, f),
  source: f.source,
  asOf: f.asOf,
  query: f.query,
  sql: f.sql,
});

const peerOut = (locale: Locale, e: PeerEntry): PeerOut => ({
  question: e.question,
  text: translate(locale, `policyRegistry.peer.${e.question}`),
  answer: e.answer,
  answerName: translate(locale, e.answer ? 'policyProfile.yes' : 'policyProfile.no'),
  documents: e.documents.map((d) => ({
    id: d.id,
    title: pick(d.title, locale),
    number: d.number,
    adoptedOn: d.adoptedOn,
    status: d.status,
    statusName: translate(locale, `policyProfile.status.${d.status}`),
    url: d.url,
  })),
});

/** The profile in one language. `edition`: the published edition it is, or null for the live one. */
export function render(
  data: ProfileData,
  locale: Locale,
  edition: { number: number; publishedAt: Date | string; note: Localised } | null,
): ProfileOut {
  const t = (code: string) => translate(locale, code);
  const figures = data.figures[locale] ?? data.figures.az ?? data.figures.en ?? [];
  let part: string | null = null;
  const sections = SECTIONS.map((id): SectionOut => {
    const top = id.split('.')[0] as '1' | '2' | '3';
    const opensPart = top !== '1' && top !== part;
    part = top;
    return {
      id,
      part: opensPart ? { id: top, title: pick(PARTS[top], locale) } : null,
      title: pick(SECTION_TITLES[id], locale),
      text: pick(data.texts[id], locale),
      figures: figures.filter((f) => f.topics.includes(id)).map((f) => figureOut(locale, f)),
      documents: data.documents
        .filter((d) => d.topics.includes(id))
        .map((d) => ({
          id: d.id,
          kind: d.kind,
          kindName: t(`policyProfile.kind.${d.kind}`),
          title: pick(d.title, locale),
          number: d.number,
          adoptedOn: d.adoptedOn,
          status: d.status,
          statusName: t(`policyProfile.status.${d.status}`),
          url: d.url,
        })),
      partnerships: data.partnerships
        .filter((p) => p.topics.includes(id))
        .map((p) => ({
          id: p.id,
          partner: p.partner,
          contribution: pick(p.contribution, locale),
          quantity: p.quantity,
          startedOn: p.startedOn,
        })),
      peer: id === PEER_SECTION ? (data.peer ?? []).map((e) => peerOut(locale, e)) : [],
    };
  });
  return {
    lang: locale,
    title: t('policyProfile.title'),
    country: t('policyProfile.country'),
    generatedAt: data.generatedAt,
    edition: edition ? editionRef(edition, locale) : null,
    sections,
  };
}

const editionRef = (e: { number: number; publishedAt: Date | string; note: Localised }, locale: Locale) => ({
  number: e.number,
  publishedAt: new Date(e.publishedAt).toISOString(),
  note: pick(e.note, locale),
});

/** The profile as it stands now, in one language. */
export async function currentProfile(db: Db, locale: Locale): Promise<ProfileOut> {
  return render(await generate(db, [locale]), locale, null);
}

// ---------------------------------------------------------------------------------------------------------
// The ministry's text
// ---------------------------------------------------------------------------------------------------------

export async function sectionTexts(db: Db, locale: Locale): Promise<Static<typeof SectionTexts>> {
  const rows = await store.sectionTextRows(db);
  const names = await store.userNames(
    db,
    rows.flatMap((r) => (r.updatedBy === null ? [] : [r.updatedBy])),
  );
  return {
    items: SECTIONS.map((section) => {
      const row = rows.find((r) => r.section === section);
      return {
        section,
        title: pick(SECTION_TITLES[section], locale),
        body: row?.body ?? emptyText(),
        version: row?.version ?? 0,
        updatedAt: row ? row.updatedAt.toISOString() : null,
        updatedBy: row?.updatedBy ? (names.get(row.updatedBy) ?? null) : null,
      };
    }),
  };
}

/** Saves a section's text in the three languages, at the version read (409 `stale_version` when it moved on). */
export async function saveSection(
  db: Db,
  ctx: ChangeContext,
  locale: Locale,
  section: SectionId,
  input: Static<typeof SectionBody>,
): Promise<Static<typeof SectionTexts>['items'][number]> {
  const body = {
    az: input.body.az.trim(),
    ru: input.body.ru.trim(),
    en: input.body.en.trim(),
  };
  const problems: FieldProblem[] = LOCALES.filter((l) => body[l] === '').map((l) => ({
    field: `body.${l}`,
    reason: 'required',
    message: `body.${l}: ${translate(locale, 'policyProfile.rule.required')}`,
  }));
  if (problems.length) throw new AppError(422, 'policyProfile.invalid', {}, problems);
  await db.transaction(async (tx) => {
    const before = (await store.sectionTextRows(tx)).find((r) => r.section === section) ?? null;
    const saved = await store.saveSectionText(tx, section, input.version, body, ctx.actorId);
    if (!saved) {
      const current = (await sectionTexts(tx, locale)).items.find((i) => i.section === section)!;
      throw staleVersion({ ...input, version: input.version }, current);
    }
    await audit(tx, ctx, {
      action: before ? 'update' : 'create',
      entity: 'policy_section_text',
      entityId: section,
      before: before?.body ?? null,
      after: body,
    });
  });
  return (await sectionTexts(db, locale)).items.find((i) => i.section === section)!;
}

// ---------------------------------------------------------------------------------------------------------
// Editions
// ---------------------------------------------------------------------------------------------------------

export async function listEditions(db: Db, locale: Locale): Promise<Static<typeof EditionList>> {
  const rows = await store.editionList(db);
  return {
    version: rows[0]?.number ?? 0,
    items: rows.map((r) => editionRef(r, locale)),
  };
}

/**
 * Publishes the profile as it stands as the next edition, in all three languages; `version` is the newest
 * edition's number as the publisher read it, so two people publishing from the same page make one edition,
 * and the second is told (409) rather than publishing a copy unknowingly.
 */
export async function publish(
  db: Db,
  ctx: ChangeContext,
  locale: Locale,
  body: Static<typeof PublishBody>,
): Promise<ProfileOut> {
  const note = { az: body.note.az.trim(), ru: body.note.ru.trim(), en: body.note.en.trim() };
  const refuse = async (tx: Db) => {
    const current = await listEditions(tx, locale);
    return new AppError(409, 'policyProfile.edition_stale', {}, { yours: body, current });
  };
  if ((await store.latestEditionNumber(db)) !== body.version) throw await refuse(db);
  // Generated before the transaction, from committed data: the figures' own caches serve it, and the lock
  // below is held only for numbering and storing.
  const data = await generate(db, LOCALES);
  const number = await db.transaction(async (tx) => {
    await store.lockEditions(tx);
    const latest = await store.latestEditionNumber(tx);
    if (latest !== body.version) throw await refuse(tx);
    const row = await store.insertEdition(tx, {
      number: latest + 1,
      publishedBy: ctx.actorId,
      note,
      content: data,
    });
    await audit(tx, ctx, {
      action: 'publish',
      entity: 'policy_edition',
      entityId: row.number,
      after: { number: row.number, note, generatedAt: data.generatedAt },
    });
    return row.number;
  });
  return edition(db, locale, number);
}

async function editionData(db: Db, number: number) {
  const row = await store.editionByNumber(db, number);
  if (!row) throw notFound('edition');
  const [meta] = (await store.editionList(db)).filter((e) => e.number === number);
  return { row, meta: meta!, data: row.content as ProfileData };
}

/** A published edition, as it was, in one language. */
export async function edition(db: Db, locale: Locale, number: number): Promise<ProfileOut> {
  const { meta, data } = await editionData(db, number);
  return render(data, locale, meta);
}

// ---------------------------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------------------------

type ChangesOut = Static<typeof Changes>;

/** What changed from one profile to another (both in the reader's language), section by section. */
export function compare(before: ProfileOut | null, after: ProfileOut): ChangesOut['sections'] {
  return after.sections.map((s) => {
    const old = before?.sections.find((b) => b.id === s.id);
    const oldFigures = new Map((old?.figures ?? []).map((f) => [f.key, f]));
    const newFigures = new Map(s.figures.map((f) => [f.key, f]));
    const ids = <T extends { id: number }>(list: T[]) => new Set(list.map((x) => x.id));
    const oldDocs = ids(old?.documents ?? []);
    const newDocs = ids(s.documents);
    const oldPartners = ids(old?.partnerships ?? []);
    const oldPeer = new Map((old?.peer ?? []).map((q) => [q.question, q]));
    const newPartners = ids(s.partnerships);
    return {
      id: s.id,
      title: s.title,
      textChanged: (old?.text ?? '') !== s.text,
      textBefore: old?.text ?? '',
      textAfter: s.text,
      figures: s.figures
        .filter((f) => oldFigures.has(f.key) && oldFigures.get(f.key)!.value !== f.value)
        .map((f) => ({
          key: f.key,
          label: f.label,
          before: oldFigures.get(f.key)!.value,
          after: f.value,
          beforeDisplay: oldFigures.get(f.key)!.display,
          afterDisplay: f.display,
        })),
      figuresAdded: s.figures
        .filter((f) => !oldFigures.has(f.key))
        .map((f) => ({ key: f.key, label: f.label })),
      figuresRemoved: [...oldFigures.values()]
        .filter((f) => !newFigures.has(f.key))
        .map((f) => ({ key: f.key, label: f.label })),
      documentsAdded: s.documents
        .filter((d) => !oldDocs.has(d.id))
        .map((d) => ({ id: d.id, title: d.title })),
      documentsRemoved: (old?.documents ?? [])
        .filter((d) => !newDocs.has(d.id))
        .map((d) => ({ id: d.id, title: d.title })),
      partnershipsAdded: s.partnerships
        .filter((p) => !oldPartners.has(p.id))
        .map((p) => ({ id: p.id, title: p.partner })),
      partnershipsRemoved: (old?.partnerships ?? [])
        .filter((p) => !newPartners.has(p.id))
        .map((p) => ({ id: p.id, title: p.partner })),
      // An answer that changed, or that the earlier profile did not have (none before, or an edition made before
      // the profile answered PEER's questions).
      peer: s.peer
        .filter((q) => oldPeer.get(q.question)?.answer !== q.answer)
        .map((q) => ({
          question: q.question,
          text: q.text,
          before: oldPeer.get(q.question)?.answer ?? null,
          after: q.answer,
          beforeName: oldPeer.get(q.question)?.answerName ?? '',
          afterName: q.answerName,
        })),
    };
  });
}

const changedCount = (sections: ChangesOut['sections']) =>
  sections.filter(
    (s) =>
      s.textChanged ||
      s.figures.length +
        s.figuresAdded.length +
        s.figuresRemoved.length +
        s.documentsAdded.length +
        s.documentsRemoved.length +
        s.partnershipsAdded.length +
        s.partnershipsRemoved.length +
        s.peer.length >
        0,
  ).length;

/** What changed in the live profile since the newest edition (everything is new when there is none). */
export async function changesSinceLatest(db: Db, locale: Locale): Promise<ChangesOut> {
  const latest = await store.latestEditionNumber(db);
  const before = latest ? await edition(db, locale, latest) : null;
  const after = await currentProfile(db, locale);
  const sections = compare(before, after);
  return {
    from: before?.edition ?? null,
    to: null,
    generatedAt: after.generatedAt,
    changed: changedCount(sections),
    sections,
  };
}

/** What an edition changed since the one before it (everything is new in the first). */
export async function editionChanges(db: Db, locale: Locale, number: number): Promise<ChangesOut> {
  const after = await edition(db, locale, number);
  const before = number > 1 ? await edition(db, locale, number - 1).catch(() => null) : null;
  const sections = compare(before, after);
  return {
    from: before?.edition ?? null,
    to: after.edition,
    generatedAt: after.generatedAt,
    changed: changedCount(sections),
    sections,
  };
}
