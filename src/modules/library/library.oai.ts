import type { Db } from '@/server/db/database';
import { listSubjects } from '@/modules/institutions/institutions.store';
import * as store from '@/modules/library/library.store';
import {
  CURRICULUM_FRAMEWORK,
  isoDuration,
  LEARNING_RESOURCE_TYPES,
  LICENCE_URLS,
  resourceUrl,
  topicUrl,
} from '@/modules/library/library.lrmi';
import { RESOURCE_TYPES } from '@/modules/library/library.tables';
import { MAX_YEAR, MIN_YEAR } from '@/server/schema';

/**
 * OAI-PMH 2.0 (https://www.openarchives.org/OAI/openarchivesprotocol.html): harvesters — national and
 * international OER catalogues — copy the library's descriptions as Dublin Core (`oai_dc`) or as IEEE LOM
 * with the curriculum alignment (`oai_lom`). Identifiers (`oai:<repositoryId>:resource/<id>`) and addresses
 * come from configuration, never from the request, so they are the same whatever Host a harvester used. Every
 * resource that was ever published is a record; one taken off the library since is a deleted record, kept for as long
 * as the resource exists (`deletedRecord` is `persistent`: resources are never removed, only unpublished).
 * A record's datestamp is the resource's last change (seconds granularity). Sets: `type:<type>` and
 * `subject:<code>`, under the parent sets `type` and `subject`. Lists come 100 records a page; the resumption
 * token is the request's arguments and the last id given, so the same token always names the same page.
 * Errors are answered as the protocol says: HTTP 200 with `<error code="…">`.
 */

/** Records per page of a list. */
export const OAI_PAGE = 100;
/** The metadata formats: Dublin Core (required by the protocol) and IEEE LOM with the curriculum alignment. */
const DC_PREFIX = 'oai_dc';
const LOM_PREFIX = 'oai_lom';
const FORMATS = {
  [DC_PREFIX]: {
    schema: 'http://www.openarchives.org/OAI/2.0/oai_dc.xsd',
    namespace: 'http://www.openarchives.org/OAI/2.0/oai_dc/',
  },
  [LOM_PREFIX]: {
    schema: 'http://ltsc.ieee.org/xsd/lomv1.0/lom.xsd',
    namespace: 'http://ltsc.ieee.org/xsd/LOM',
  },
} as const;
type Prefix = keyof typeof FORMATS;

const VERBS = [
  'Identify',
  'ListMetadataFormats',
  'ListSets',
  'ListIdentifiers',
  'ListRecords',
  'GetRecord',
] as const;
type Verb = (typeof VERBS)[number];

/** The arguments each verb takes: required, optional, exclusive (resumptionToken alone). */
const ARGUMENTS: Record<Verb, { required: string[]; optional: string[]; exclusive?: string }> = {
  Identify: { required: [], optional: [] },
  ListMetadataFormats: { required: [], optional: ['identifier'] },
  ListSets: { required: [], optional: [], exclusive: 'resumptionToken' },
  ListIdentifiers: {
    required: ['metadataPrefix'],
    optional: ['from', 'until', 'set'],
    exclusive: 'resumptionToken',
  },
  ListRecords: {
    required: ['metadataPrefix'],
    optional: ['from', 'until', 'set'],
    exclusive: 'resumptionToken',
  },
  GetRecord: { required: ['identifier', 'metadataPrefix'], optional: [] },
};

/** What the repository needs to know about where it is answering: all from configuration, never the request. */
export interface OaiContext {
  /** The site's public address, e.g. https://maktab.edu.az (links and the base URL are made from it). */
  baseUrl: string;
  /** The repository identifier, e.g. maktab.edu.az: record identifiers are `oai:<it>:resource/<id>`. */
  repositoryId: string;
  /** When the answer is made. */
  now: Date;
  /** The repository's name and administrator's address, for Identify. */
  repositoryName: string;
  adminEmail: string;
}

/** Escapes text for XML content and attributes, dropping characters XML 1.0 does not allow. */
export function xmlEscape(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

const el = (name: string, text: string, attrs: Record<string, string> = {}) =>
  `<${name}${Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${xmlEscape(v)}"`)
    .join('')}>${xmlEscape(text)}</${name}>`;

/** A datestamp at the repository's granularity (seconds, UTC). */
export const datestamp = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

class OaiError extends Error {
  constructor(
    readonly code:
      | 'badVerb'
      | 'badArgument'
      | 'cannotDisseminateFormat'
      | 'idDoesNotExist'
      | 'noRecordsMatch'
      | 'badResumptionToken'
      | 'noSetHierarchy'
      | 'noMetadataFormats',
    message: string,
    /** False: the request element carries no arguments (badVerb, badArgument). */
    readonly echoArguments = true,
  ) {
    super(message);
  }
}

/** A resource's OAI identifier: persistent, whatever address the repository was asked at. */
export const oaiIdentifier = (repositoryId: string, id: number) => `oai:${repositoryId}:resource/${id}`;

function resourceIdOf(repositoryId: string, identifier: string): number | null {
  const prefix = `oai:${repositoryId}:resource/`;
  if (!identifier.startsWith(prefix)) return null;
  const rest = identifier.slice(prefix.length);
  if (!/^[1-9]\d{0,9}$/.test(rest)) return null;
  const id = Number(rest);
  return id <= 2_147_483_647 ? id : null;
}

/**
 * A `from` or `until` argument: a day or a second (UTC) in the years every date of the platform is kept in
 * (`MIN_YEAR`–`MAX_YEAR`, as `DateString` has them); null when it is not.
 */
function parseDate(value: string): { at: Date; day: boolean } | null {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const second = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/.exec(value);
  const year = Number((day ?? second)?.[1]);
  if (!(year >= MIN_YEAR && year <= MAX_YEAR)) return null;
  const at = new Date(day ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(at.getTime())) return null;
  // Reject dates that roll over (2026-02-30).
  if (at.toISOString().slice(0, value.length - (day ? 0 : 1)) !== value.replace(/Z$/, '')) return null;
  return { at, day: !!day };
}

/** What a list request asks for; also what a resumption token carries. */
interface ListQuery {
  prefix: Prefix;
  from?: string;
  until?: string;
  set?: string;
  afterId: number;
}

/** The opaque token of the next page: the list's format and arguments and the last id given, base64url JSON. */
export function encodeToken(q: ListQuery): string {
  return Buffer.from(
    JSON.stringify({ v: 2, p: q.prefix, f: q.from, u: q.until, s: q.set, a: q.afterId }),
  ).toString('base64url');
}

function decodeToken(token: string): ListQuery {
  const bad = () => new OaiError('badResumptionToken', 'The resumption token is not valid.');
  if (!/^[A-Za-z0-9_-]{1,2000}$/.test(token)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const t = parsed as { v?: unknown; p?: unknown; f?: unknown; u?: unknown; s?: unknown; a?: unknown };
  const optionalString = (x: unknown) => x === undefined || typeof x === 'string';
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    t.v !== 2 ||
    typeof t.p !== 'string' ||
    !Object.hasOwn(FORMATS, t.p) ||
    !Number.isSafeInteger(t.a) ||
    (t.a as number) < 0 ||
    !optionalString(t.f) ||
    !optionalString(t.u) ||
    !optionalString(t.s)
  ) {
    throw bad();
  }
  const q: ListQuery = {
    prefix: t.p as Prefix,
    from: t.f,
    until: t.u,
    set: t.s,
    afterId: t.a as number,
  };
  // A token names a window and set that were valid when it was made; anything else was not made here.
  try {
    windowOf(q);
  } catch {
    throw bad();
  }
  return q;
}

/** The forms and years `from` and `until` are taken in, as the error says them. */
const DATE_FORMS = `YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ, in the years ${MIN_YEAR}–${MAX_YEAR}`;

/** The change-date window of a list (until exclusive, at its granularity), checked. */
function windowOf(q: { from?: string; until?: string }): { from?: Date; until?: Date } {
  const from = q.from !== undefined ? parseDate(q.from) : undefined;
  const until = q.until !== undefined ? parseDate(q.until) : undefined;
  if (from === null) throw new OaiError('badArgument', `from is not a date (${DATE_FORMS}).`, false);
  if (until === null) throw new OaiError('badArgument', `until is not a date (${DATE_FORMS}).`, false);
  if (from && until && from.day !== until.day) {
    throw new OaiError('badArgument', 'from and until must have the same granularity.', false);
  }
  if (from && until && from.at > until.at) {
    throw new OaiError('badArgument', 'from is after until.', false);
  }
  return {
    from: from?.at,
    until: until ? new Date(until.at.getTime() + (until.day ? 86_400_000 : 1000)) : undefined,
  };
}

/** A set's filter; null when no such set. */
function setFilter(
  set: string | undefined,
  subjects: Set<string>,
): { type?: string; subject?: string; hasSubject?: boolean } | null {
  if (set === undefined || set === 'type') return {};
  if (set === 'subject') return { hasSubject: true };
  const [kind, value] = set.split(':', 2);
  if (kind === 'type' && value && (RESOURCE_TYPES as readonly string[]).includes(value))
    return { type: value };
  if (kind === 'subject' && value && subjects.has(value)) return { subject: value };
  return null;
}

type Subject = Awaited<ReturnType<typeof listSubjects>>[number];

/** DCMI type of each kind of resource. */
const DCMI_TYPE: Record<string, string> = {
  video_lesson: 'MovingImage',
  tv_lesson: 'MovingImage',
  audio_lesson: 'Sound',
  e_textbook: 'Text',
  teacher_guide: 'Text',
  extracurricular_reading: 'Text',
  worksheet: 'Text',
  steam_project: 'InteractiveResource',
  other: 'Text',
};

const LANGS = ['az', 'ru', 'en'] as const;

interface RecordData {
  row: store.ResourceRow;
  topics: store.TopicRow[];
  mainType: string | null;
}

function header(ctx: OaiContext, row: store.ResourceRow): string {
  const deleted = row.state !== 'published';
  const sets = [`type:${row.type}`, ...(row.subjectCode ? [`subject:${row.subjectCode}`] : [])];
  return (
    `<header${deleted ? ' status="deleted"' : ''}>` +
    el('identifier', oaiIdentifier(ctx.repositoryId, row.id)) +
    el('datestamp', datestamp(row.updatedAt)) +
    sets.map((s) => el('setSpec', s)).join('') +
    `</header>`
  );
}

function dublinCore(ctx: OaiContext, d: RecordData, subjects: Map<string, Subject>): string {
  const r = d.row;
  const parts: string[] = [el('dc:title', r.title, { 'xml:lang': r.language })];
  for (const a of r.authors) parts.push(el('dc:creator', a));
  const subject = r.subjectCode ? subjects.get(r.subjectCode) : undefined;
  const names = (n: { nameAz: string; nameRu: string; nameEn: string }) =>
    LANGS.map((l) =>
      el('dc:subject', l === 'az' ? n.nameAz : l === 'ru' ? n.nameRu : n.nameEn, { 'xml:lang': l }),
    ).join('');
  if (subject) parts.push(names(subject));
  for (const t of d.topics) parts.push(names(t));
  if (r.description) parts.push(el('dc:description', r.description, { 'xml:lang': r.language }));
  if (r.publisher) parts.push(el('dc:publisher', r.publisher));
  if (r.publishedAt) parts.push(el('dc:date', r.publishedAt.toISOString().slice(0, 10)));
  if (r.airDate) parts.push(el('dc:date', r.airDate));
  parts.push(el('dc:type', DCMI_TYPE[r.type] ?? 'Text'));
  parts.push(el('dc:type', LEARNING_RESOURCE_TYPES[r.type]));
  if (d.mainType) parts.push(el('dc:format', d.mainType));
  parts.push(el('dc:identifier', resourceUrl(ctx.baseUrl, r.id)));
  parts.push(el('dc:language', r.language));
  const licence = LICENCE_URLS[r.licence];
  parts.push(el('dc:rights', licence ?? 'All rights reserved'));
  return (
    `<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" ` +
    `xmlns:dc="http://purl.org/dc/elements/1.1/" ` +
    `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
    `xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd">` +
    parts.join('') +
    `</oai_dc:dc>`
  );
}

/** IEEE LOM's learningResourceType (5.2, LOMv1.0 vocabulary) for each kind of resource; none for `other`. */
const LOM_RESOURCE_TYPE: Record<string, string | undefined> = {
  video_lesson: 'lecture',
  tv_lesson: 'lecture',
  audio_lesson: 'lecture',
  e_textbook: 'narrative text',
  teacher_guide: 'narrative text',
  extracurricular_reading: 'narrative text',
  worksheet: 'exercise',
  steam_project: 'experiment',
};

/** IEEE LOM's context (5.6) for each education level. */
const LOM_CONTEXT: Record<string, string> = {
  general: 'school',
  vocational: 'training',
  higher: 'higher education',
};

/** A LOM vocabulary element: the LOMv1.0 source and a value. */
const vocab = (name: string, value: string) =>
  `<${name}>${el('source', 'LOMv1.0')}${el('value', value)}</${name}>`;

/** A LOM LangString: one `<string>` per language. */
const langString = (name: string, strings: [string, string][]) =>
  `<${name}>${strings.map(([lang, text]) => el('string', text, { language: lang })).join('')}</${name}>`;

const namesOf = (n: { nameAz: string; nameRu: string; nameEn: string }): [string, string][] => [
  ['az', n.nameAz],
  ['ru', n.nameRu],
  ['en', n.nameEn],
];

/** A vCard 3.0 naming one person or organisation, for a LOM contribution. */
const vcard = (name: string) =>
  `BEGIN:VCARD\nVERSION:3.0\nFN:${name.replace(/[\\,;]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ')}\nN:;;;;\nEND:VCARD`;

/**
 * IEEE LOM (1484.12.1, the LOMv1.0 XML binding): the description with the curriculum alignment — a
 * classification by discipline (the subject) and one by educational objective (subject → topic, each topic's
 * id its page in the library), in the three languages.
 */
function lom(ctx: OaiContext, d: RecordData, subjects: Map<string, Subject>): string {
  const r = d.row;
  const url = resourceUrl(ctx.baseUrl, r.id);
  const subject = r.subjectCode ? subjects.get(r.subjectCode) : undefined;
  const general =
    `<general>` +
    `<identifier>${el('catalog', 'URI')}${el('entry', url)}</identifier>` +
    `<identifier>${el('catalog', 'oai')}${el('entry', oaiIdentifier(ctx.repositoryId, r.id))}</identifier>` +
    langString('title', [[r.language, r.title]]) +
    el('language', r.language) +
    (r.description ? langString('description', [[r.language, r.description]]) : '') +
    d.topics.map((t) => langString('keyword', namesOf(t))).join('') +
    `</general>`;
  const contributions = [
    ...r.authors.map((a) => ['author', a] as const),
    ...(r.publisher ? [['publisher', r.publisher] as const] : []),
  ];
  const lifeCycle =
    contributions.length > 0
      ? `<lifeCycle>${contributions
          .map(
            ([role, name]) => `<contribute>${vocab('role', role)}${el('entity', vcard(name))}</contribute>`,
          )
          .join('')}</lifeCycle>`
      : '';
  const technical =
    `<technical>` +
    (d.mainType ? el('format', d.mainType) : '') +
    el('location', url) +
    (r.durationSeconds !== null
      ? `<duration>${el('duration', isoDuration(r.durationSeconds))}</duration>`
      : '') +
    `</technical>`;
  const resourceType = LOM_RESOURCE_TYPE[r.type];
  const educational =
    `<educational>` +
    (resourceType ? vocab('learningResourceType', resourceType) : '') +
    vocab('intendedEndUserRole', r.type === 'teacher_guide' ? 'teacher' : 'learner') +
    vocab('context', LOM_CONTEXT[r.level] ?? 'other') +
    (r.grades.length > 0 ? langString('typicalAgeRange', [['en', `grade ${r.grades.join(', ')}`]]) : '') +
    el('language', r.language) +
    `</educational>`;
  const licence = LICENCE_URLS[r.licence];
  const rights =
    `<rights>` +
    vocab('cost', 'no') +
    vocab('copyrightAndOtherRestrictions', 'yes') +
    langString('description', [['en', licence ?? 'All rights reserved']]) +
    `</rights>`;
  const source = langString('source', [['en', CURRICULUM_FRAMEWORK]]);
  const subjectTaxon = subject
    ? `<taxon>${el('id', subject.code)}${langString('entry', namesOf(subject))}</taxon>`
    : '';
  const classifications =
    (subject
      ? `<classification>${vocab('purpose', 'discipline')}<taxonPath>${source}${subjectTaxon}</taxonPath></classification>`
      : '') +
    (d.topics.length > 0
      ? `<classification>${vocab('purpose', 'educational objective')}` +
        d.topics
          .map(
            (t) =>
              `<taxonPath>${source}${subjectTaxon}` +
              `<taxon>${el('id', topicUrl(ctx.baseUrl, t.id))}${langString('entry', namesOf(t))}</taxon>` +
              `</taxonPath>`,
          )
          .join('') +
        `</classification>`
      : '');
  return (
    `<lom xmlns="http://ltsc.ieee.org/xsd/LOM" ` +
    `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
    `xsi:schemaLocation="http://ltsc.ieee.org/xsd/LOM http://ltsc.ieee.org/xsd/lomv1.0/lom.xsd">` +
    general +
    lifeCycle +
    technical +
    educational +
    rights +
    classifications +
    `</lom>`
  );
}

function recordXml(ctx: OaiContext, prefix: Prefix, d: RecordData, subjects: Map<string, Subject>): string {
  const deleted = d.row.state !== 'published';
  const metadata = prefix === LOM_PREFIX ? lom(ctx, d, subjects) : dublinCore(ctx, d, subjects);
  return `<record>${header(ctx, d.row)}${deleted ? '' : `<metadata>${metadata}</metadata>`}</record>`;
}

async function recordData(db: Db, rows: store.ResourceRow[]): Promise<RecordData[]> {
  const ids = rows.map((r) => r.id);
  const topicMap = await store.topicsOf(db, ids);
  const files = await store.filesOf(db, ids);
  return rows.map((row) => {
    const main = files.filter((f) => f.resourceId === row.id && f.role === 'main' && f.sourceFileId === null);
    return { row, topics: topicMap.get(row.id) ?? [], mainType: main.at(-1)?.contentType ?? null };
  });
}

/** The arguments of a request: each name once (a repeated argument is badArgument). */
export type OaiArguments = [string, string][];

function envelope(ctx: OaiContext, args: Map<string, string>, echo: boolean, body: string): string {
  const attrs = echo ? Object.fromEntries(args) : {};
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" ` +
    `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
    `xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">` +
    el('responseDate', datestamp(ctx.now)) +
    el('request', `${ctx.baseUrl.replace(/\/$/, '')}/oai`, attrs) +
    body +
    `</OAI-PMH>\n`
  );
}

/** Answers one OAI-PMH request (its arguments from the query string or the form body) as XML. */
export async function oaiResponse(db: Db, ctx: OaiContext, raw: OaiArguments): Promise<string> {
  const args = new Map<string, string>();
  let repeated: string | null = null;
  for (const [k, v] of raw) {
    if (args.has(k)) repeated = k;
    args.set(k, v);
  }
  try {
    const verbValue = args.get('verb');
    if (verbValue === undefined || !(VERBS as readonly string[]).includes(verbValue) || repeated === 'verb') {
      throw new OaiError('badVerb', 'The verb is missing, repeated or not an OAI-PMH verb.', false);
    }
    const verb = verbValue as Verb;
    const spec = ARGUMENTS[verb];
    if (repeated) throw new OaiError('badArgument', `The argument ${repeated} is repeated.`, false);
    const given = [...args.keys()].filter((k) => k !== 'verb');
    const allowed = new Set([
      ...spec.required,
      ...spec.optional,
      ...(spec.exclusive ? [spec.exclusive] : []),
    ]);
    const illegal = given.find((k) => !allowed.has(k));
    if (illegal) throw new OaiError('badArgument', `${illegal} is not an argument of ${verb}.`, false);
    const exclusive = spec.exclusive !== undefined && args.has(spec.exclusive);
    if (exclusive && given.length > 1) {
      throw new OaiError('badArgument', `${spec.exclusive} must be the only argument.`, false);
    }
    if (!exclusive) {
      const missing = spec.required.find((k) => !args.has(k));
      if (missing) throw new OaiError('badArgument', `${verb} needs the argument ${missing}.`, false);
    }
    const body = await answer(db, ctx, verb, args);
    return envelope(ctx, args, true, `<${verb}>${body}</${verb}>`);
  } catch (error) {
    if (!(error instanceof OaiError)) throw error;
    return envelope(ctx, args, error.echoArguments, el('error', error.message, { code: error.code }));
  }
}

/** A badArgument answer for a request that could not be read at all (no arguments echoed). */
export function oaiFailure(ctx: OaiContext, message: string): string {
  return envelope(ctx, new Map(), false, el('error', message, { code: 'badArgument' }));
}

async function answer(db: Db, ctx: OaiContext, verb: Verb, args: Map<string, string>): Promise<string> {
  const checkPrefix = (prefix: string | undefined): Prefix => {
    if (prefix === undefined || !Object.hasOwn(FORMATS, prefix)) {
      throw new OaiError(
        'cannotDisseminateFormat',
        `The formats disseminated are ${Object.keys(FORMATS).join(' and ')}.`,
      );
    }
    return prefix as Prefix;
  };
  const resourceOf = async (identifier: string) => {
    const id = resourceIdOf(ctx.repositoryId, identifier);
    const row = id === null ? undefined : await store.findResource(db, id);
    if (!row || row.publishedAt === null) {
      throw new OaiError('idDoesNotExist', `${identifier} is not an identifier of this repository.`);
    }
    return row;
  };

  switch (verb) {
    case 'Identify': {
      const summary = await store.harvestSummary(db);
      return (
        el('repositoryName', ctx.repositoryName) +
        el('baseURL', `${ctx.baseUrl.replace(/\/$/, '')}/oai`) +
        el('protocolVersion', '2.0') +
        el('adminEmail', ctx.adminEmail) +
        el('earliestDatestamp', datestamp(summary.earliest ?? ctx.now)) +
        el('deletedRecord', 'persistent') +
        el('granularity', 'YYYY-MM-DDThh:mm:ssZ') +
        `<description><oai-identifier xmlns="http://www.openarchives.org/OAI/2.0/oai-identifier" ` +
        `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
        `xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/oai-identifier http://www.openarchives.org/OAI/2.0/oai-identifier.xsd">` +
        el('scheme', 'oai') +
        el('repositoryIdentifier', ctx.repositoryId) +
        el('delimiter', ':') +
        el('sampleIdentifier', oaiIdentifier(ctx.repositoryId, 1)) +
        `</oai-identifier></description>`
      );
    }
    case 'ListMetadataFormats': {
      const identifier = args.get('identifier');
      if (identifier !== undefined) await resourceOf(identifier);
      return Object.entries(FORMATS)
        .map(
          ([prefix, f]) =>
            `<metadataFormat>` +
            el('metadataPrefix', prefix) +
            el('schema', f.schema) +
            el('metadataNamespace', f.namespace) +
            `</metadataFormat>`,
        )
        .join('');
    }
    case 'ListSets': {
      // Every set fits one answer: no token is ever given, so any token is not ours.
      if (args.has('resumptionToken')) {
        throw new OaiError('badResumptionToken', 'The resumption token is not valid.');
      }
      const subjects = new Map((await listSubjects(db)).map((s) => [s.code, s]));
      const summary = await store.harvestSummary(db);
      const set = (spec: string, name: string) => `<set>${el('setSpec', spec)}${el('setName', name)}</set>`;
      return (
        set('type', 'By type of resource') +
        summary.types.map((t) => set(`type:${t}`, LEARNING_RESOURCE_TYPES[t as never] ?? t)).join('') +
        set('subject', 'By subject') +
        summary.subjects.map((code) => set(`subject:${code}`, subjects.get(code)?.nameEn ?? code)).join('')
      );
    }
    case 'GetRecord': {
      const prefix = checkPrefix(args.get('metadataPrefix'));
      const row = await resourceOf(args.get('identifier')!);
      const subjects = new Map((await listSubjects(db)).map((s) => [s.code, s]));
      const [data] = await recordData(db, [row]);
      return recordXml(ctx, prefix, data!, subjects);
    }
    case 'ListIdentifiers':
    case 'ListRecords': {
      const token = args.get('resumptionToken');
      let query: ListQuery;
      if (token !== undefined) query = decodeToken(token);
      else {
        query = {
          prefix: checkPrefix(args.get('metadataPrefix')),
          from: args.get('from'),
          until: args.get('until'),
          set: args.get('set'),
          afterId: 0,
        };
      }
      const window = windowOf(query);
      const subjects = new Map((await listSubjects(db)).map((s) => [s.code, s]));
      const filter = setFilter(query.set, new Set(subjects.keys()));
      if (filter === null) {
        if (token !== undefined)
          throw new OaiError('badResumptionToken', 'The resumption token is not valid.');
        throw new OaiError('noRecordsMatch', `There is no set ${query.set}.`);
      }
      const found = await store.harvest(db, {
        ...window,
        type: filter.type,
        subject: filter.subject,
        hasSubject: filter.hasSubject,
        afterId: query.afterId,
        limit: OAI_PAGE + 1,
      });
      if (found.length === 0 && token === undefined) {
        throw new OaiError('noRecordsMatch', 'No record matches these arguments.');
      }
      const page = found.slice(0, OAI_PAGE);
      const more = found.length > OAI_PAGE;
      const items =
        verb === 'ListIdentifiers'
          ? page.map((row) => header(ctx, row)).join('')
          : (await recordData(db, page)).map((d) => recordXml(ctx, query.prefix, d, subjects)).join('');
      const next = more
        ? el('resumptionToken', encodeToken({ ...query, afterId: page.at(-1)!.id }))
        : token !== undefined
          ? '<resumptionToken/>'
          : '';
      return items + next;
    }
  }
}
