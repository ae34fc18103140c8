import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import jsonld from 'jsonld';
import { describe, expect, it } from 'vitest';
import { learningResource, resourceTypeSet } from '@/modules/library/library.lrmi';
import type { ResourceView } from '@/modules/library/library.schema';
import { RESOURCE_TYPES } from '@/modules/library/library.tables';

/**
 * The JSON-LD of one resource of each kind, expanded against schema.org's own context and checked against
 * schema.org's own vocabulary (both vendored in test/schemaorg, release 29.4): every type a schema.org class,
 * every property a schema.org property whose domain includes one of its node's types (or their superclasses),
 * and every value within the property's range. The expansion is the `jsonld` package's, with a document loader
 * that serves the vendored context.
 */

const DIR = path.resolve('test/schemaorg');
const readGz = (name: string): unknown =>
  JSON.parse(gunzipSync(fs.readFileSync(path.join(DIR, name))).toString('utf8')) as unknown;
const CONTEXT_DOC = readGz('schemaorgcontext.jsonld.gz') as { '@context': Record<string, unknown> };
const VOCAB = readGz('schemaorg-current-https.jsonld.gz') as { '@graph': Record<string, unknown>[] };

type Expanded = Record<string, unknown>;

const SCHEMA_CONTEXTS = new Set([
  'https://schema.org',
  'https://schema.org/',
  'http://schema.org',
  'http://schema.org/',
]);

/** Serves the vendored context for schema.org's address; anything else is refused (no network in tests). */
async function documentLoader(url: string) {
  if (SCHEMA_CONTEXTS.has(url) || url.startsWith('https://schema.org/docs/jsonldcontext'))
    return { contextUrl: null, documentUrl: url, document: CONTEXT_DOC };
  throw new Error(`no network in tests: ${url}`);
}

// ---- the vocabulary

const local = (id: string) => id.replace(/^(schema:|https?:\/\/schema\.org\/)/, '');
const ids = (v: unknown): string[] => [v ?? []].flat().map((x) => local((x as { '@id': string })['@id']));
const classes = new Map<string, string[]>();
const properties = new Map<string, { domain: string[]; range: string[] }>();
for (const n of VOCAB['@graph']) {
  const types = [n['@type']].flat() as string[];
  const name = local(n['@id'] as string);
  if (types.includes('rdfs:Class')) classes.set(name, ids(n['rdfs:subClassOf']));
  if (types.includes('rdf:Property'))
    properties.set(name, { domain: ids(n['schema:domainIncludes']), range: ids(n['schema:rangeIncludes']) });
}
/** A class and all its superclasses. */
function ancestors(name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const parent of classes.get(name) ?? []) ancestors(parent, seen);
  return seen;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const ISO_DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

/** Whether a literal fits one of a property's ranges (the data types, and the text forms schema.org allows). */
function literalFits(value: unknown, datatype: string | undefined, range: Set<string>): boolean {
  const fits = (t: string): boolean => {
    switch (t) {
      case 'Text':
        return typeof value === 'string';
      case 'URL':
        return typeof value === 'string' && /^https?:\/\/\S+$/.test(value);
      case 'Number':
        return typeof value === 'number';
      case 'Integer':
        return Number.isInteger(value);
      case 'Boolean':
        return typeof value === 'boolean';
      case 'Date':
        return typeof value === 'string' && ISO_DATE.test(value);
      case 'DateTime':
        return typeof value === 'string' && ISO_DATETIME.test(value);
      // schema.org's Duration and Distance are written as ISO 8601 and "<number> <unit>" text.
      case 'Duration':
        return typeof value === 'string' && ISO_DURATION.test(value);
      case 'Distance':
        return typeof value === 'string' && /^\d+(\.\d+)? (px|mm|cm|m|in|ft)$/.test(value);
      default:
        return false;
    }
  };
  // A typed literal (the context's coercion) must name a type of the range and hold a value of that type.
  if (datatype) {
    const t = local(datatype);
    return range.has(t) && (fits(t) || (t === 'Date' && fits('DateTime')));
  }
  return [...range].some(fits);
}

/** Every problem of an expanded node and the nodes in it, as "path: problem". */
function problems(nodeValue: Expanded, where: string): string[] {
  const out: string[] = [];
  const types = ((nodeValue['@type'] as string[] | undefined) ?? []).map(local);
  if (types.length === 0) out.push(`${where}: no @type`);
  for (const t of types) if (!classes.has(t)) out.push(`${where}: ${t} is not a schema.org class`);
  const id = nodeValue['@id'];
  if (id !== undefined && !(typeof id === 'string' && /^https?:\/\/\S+$/.test(id)))
    out.push(`${where}: @id ${JSON.stringify(id)} is not an absolute address`);
  const own = new Set(types.flatMap((t) => [...ancestors(t)]));
  for (const [key, values] of Object.entries(nodeValue)) {
    if (key.startsWith('@')) continue;
    if (!/^https?:\/\/schema\.org\//.test(key)) {
      out.push(`${where}: ${key} is not a schema.org term`);
      continue;
    }
    const name = local(key);
    const prop = properties.get(name);
    if (!prop) {
      out.push(`${where}: ${name} is not a schema.org property`);
      continue;
    }
    if (!prop.domain.some((d) => own.has(d)))
      out.push(
        `${where}: ${name} is not a property of ${types.join('/')} (its domain: ${prop.domain.join(', ')})`,
      );
    const range = new Set(prop.range);
    for (const [i, v] of (values as Expanded[]).entries()) {
      const at = `${where}.${name}[${i}]`;
      if ('@value' in v) {
        if (!literalFits(v['@value'], v['@type'] as string | undefined, range))
          out.push(`${at}: ${JSON.stringify(v['@value'])} is not in the range ${prop.range.join(', ')}`);
      } else if (Object.keys(v).length === 1 && '@id' in v) {
        // A reference: an address where the range takes one, or a node of the range's classes.
        if (!range.has('URL') && ![...range].some((r) => classes.has(r) && r !== 'Text'))
          out.push(`${at}: a reference where the range is ${prop.range.join(', ')}`);
      } else {
        const vt = ((v['@type'] as string[] | undefined) ?? []).map(local);
        if (!vt.some((t) => [...ancestors(t)].some((a) => range.has(a))))
          out.push(`${at}: a ${vt.join('/')} where the range is ${prop.range.join(', ')}`);
        out.push(...problems(v, at));
      }
    }
  }
  return out;
}

// ---- one resource of each kind

const view = (type: ResourceView['type']): ResourceView => {
  const video = type === 'video_lesson' || type === 'tv_lesson';
  const audio = type === 'audio_lesson';
  return {
    id: 7,
    type,
    state: 'published',
    title: 'Kəsrlər',
    description: 'Toplama və çıxma.',
    language: 'az',
    level: 'general',
    grades: [4, 5],
    subject: 'mathematics',
    topics: [
      {
        id: 3,
        code: 'math.numbers.fractions',
        parentId: 1,
        subjectCode: 'mathematics',
        grades: [5],
        nameAz: 'Kəsrlər',
        nameRu: 'Дроби',
        nameEn: 'Fractions',
      },
    ],
    authors: ['Nəzakət Məmmədova'],
    publisher: 'Təhsil Nazirliyi',
    channel: type === 'tv_lesson' ? 'Mədəniyyət' : null,
    airDate: type === 'tv_lesson' ? '2026-09-01' : null,
    durationSeconds: video || audio ? 1500 : null,
    pages: video || audio ? null : 96,
    licence: 'cc_by_sa',
    accessibility: video ? ['captions'] : ['tagged_pdf'],
    createdBy: 1,
    createdAt: '2026-09-01T08:00:00.000Z',
    updatedAt: '2026-09-02T08:00:00.000Z',
    submittedBy: 1,
    reviewedBy: 2,
    publishedAt: '2026-09-02T08:00:00.000Z',
    files: [
      {
        id: 11,
        role: 'main',
        version: 1,
        sourceFileId: null,
        variant: null,
        contentType: video ? 'video/mp4' : audio ? 'audio/mpeg' : 'application/pdf',
        sizeBytes: 157_286_400,
        sha256: 'ab'.repeat(32),
        processingState: 'done',
        processingError: null,
        durationSeconds: video || audio ? 1500 : null,
        height: video ? 720 : null,
        url: '/api/library/files/11',
      },
      {
        id: 12,
        role: 'thumbnail',
        version: 1,
        sourceFileId: 11,
        variant: 'thumbnail',
        contentType: 'image/jpeg',
        sizeBytes: 20_000,
        sha256: null,
        processingState: 'not_needed',
        processingError: null,
        durationSeconds: null,
        height: null,
        url: '/api/library/files/12',
      },
    ],
    processing: { available: true, state: 'done', error: null },
    views: 0,
    completions: 0,
  };
};
const subject = { code: 'mathematics', nameAz: 'Riyaziyyat', nameRu: 'Математика', nameEn: 'Mathematics' };
const BASE = 'https://maktab.edu.az';

describe('LRMI against schema.org: expanded by the jsonld package with its context, checked against its vocabulary', () => {
  const expand = async (doc: Record<string, unknown>) =>
    (await jsonld.expand(doc, {
      documentLoader: documentLoader as never,
    })) as unknown as Expanded[];

  it.each([...RESOURCE_TYPES])('%s: every type, property and value is schema.org’s', async (type) => {
    const doc = learningResource(view(type), { baseUrl: BASE, subject });
    const expanded = await expand(doc);
    expect(expanded).toHaveLength(1);
    expect(problems(expanded[0]!, type)).toEqual([]);
  });

  it('types a video as VideoObject with what video results ask for, a textbook as Book with its pages', async () => {
    const video = (await expand(learningResource(view('video_lesson'), { baseUrl: BASE, subject })))[0]!;
    const S = 'http://schema.org/';
    expect(video['@type']).toEqual([`${S}VideoObject`, `${S}LearningResource`]);
    for (const p of ['uploadDate', 'thumbnailUrl', 'contentUrl', 'duration', 'name', 'description'])
      expect(video, p).toHaveProperty([`${S}${p}`]);
    const book = (await expand(learningResource(view('e_textbook'), { baseUrl: BASE, subject })))[0]!;
    expect(book['@type']).toEqual([`${S}Book`, `${S}LearningResource`]);
    expect(book[`${S}numberOfPages`]).toEqual([{ '@value': 96 }]);
  });

  it('checks the vocabulary of kinds too', async () => {
    const expanded = await expand(resourceTypeSet(BASE));
    expect(problems(expanded[0]!, 'set')).toEqual([]);
  });

  it('finds what schema.org does not allow: the check can fail', async () => {
    const doc = learningResource(view('worksheet'), { baseUrl: BASE, subject });
    const wrong = {
      ...doc,
      numberOfPages: 3, // Book's, not a LearningResource's
      encoding: [{ '@type': 'MediaObject', height: 720, contentUrl: `${BASE}/x` }], // a bare number
      educationalLevel: 5, // neither DefinedTerm, Text nor URL
      colour: 'red', // no such term
    };
    const found = problems((await expand(wrong))[0]!, 'worksheet');
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringContaining('numberOfPages is not a property of LearningResource'),
        expect.stringContaining('height[0]: 720 is not in the range'),
        expect.stringContaining('educationalLevel[0]: 5 is not in the range'),
        expect.stringMatching(/colour is not a schema.org property/),
      ]),
    );
  });
});
