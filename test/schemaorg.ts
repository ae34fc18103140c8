import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import jsonld from 'jsonld';

/**
 * JSON-LD checked against schema.org without the network: expanded by the `jsonld` package with schema.org's
 * own context and checked against its own vocabulary (both vendored in test/schemaorg, release 29.4) — every
 * type a schema.org class, every property one whose domain includes its node's types, every value within the
 * property's range. The same rules as src/modules/library/library.lrmi.schemaorg.test.ts, for other modules.
 */

const DIR = path.resolve('test/schemaorg');
const readGz = (name: string): unknown =>
  JSON.parse(gunzipSync(fs.readFileSync(path.join(DIR, name))).toString('utf8')) as unknown;
const CONTEXT_DOC = readGz('schemaorgcontext.jsonld.gz') as { '@context': Record<string, unknown> };
const VOCAB = readGz('schemaorg-current-https.jsonld.gz') as { '@graph': Record<string, unknown>[] };

export type Expanded = Record<string, unknown>;

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
export function problems(nodeValue: Expanded, where: string): string[] {
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

/** A JSON-LD document's problems against schema.org ("path: problem"); none when it is all schema.org's. */
export async function schemaOrgProblems(doc: Record<string, unknown>): Promise<string[]> {
  const expanded = (await jsonld.expand(doc, {
    documentLoader: documentLoader as never,
  })) as unknown as Expanded[];
  if (expanded.length !== 1) return [`expands to ${expanded.length} nodes`];
  return problems(expanded[0]!, 'doc');
}
