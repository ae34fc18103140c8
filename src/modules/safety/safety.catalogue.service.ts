import { lookup } from 'node:dns/promises';
import { isIP, isIPv4 } from 'node:net';
import { domainToASCII, domainToUnicode } from 'node:url';
import { allows, grantsOf, type Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError, notFound, type FieldProblem } from '@/server/errors';
import { translate, type Locale } from '@/server/i18n';
import { foldText } from '@/server/fold';
import { staleVersion } from '@/server/versions';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import type { Localised } from '@/modules/safety/safety.tables';
import * as store from '@/modules/safety/safety.catalogue.store';
import '@/modules/safety/safety.catalogue.messages';
import {
  IMPORT_MAX_BYTES,
  type CategoryBody,
  type CategoryChangeBody,
  type DomainsBody,
  type ImportBody,
  type KeywordBody,
  type ListBody,
} from '@/modules/safety/safety.catalogue.schema';

/**
 * The content filter's catalogue: categories (the country pack's and the ministry's own), their keywords in
 * az/ru/en (stored folded), block and allow lists with their domains (IDNs stored in punycode), imported in
 * UT1's format all or nothing. Every write is in one transaction, at the version read, audited; a change of a
 * list's domains bumps its `serial` (its RPZ zone's SOA serial).
 */

// ---------------------------------------------------------------------------------------------------------
// Shared by the admin part's services
// ---------------------------------------------------------------------------------------------------------

export const problem = (locale: Locale, field: string, rule: string, params = {}): FieldProblem => ({
  field,
  reason: rule,
  message: `${field}: ${translate(locale, `safetyAdmin.rule.${rule}`, params)}`,
});
export const refuseIf = (problems: FieldProblem[]) => {
  if (problems.length > 0) throw new AppError(422, 'safetyAdmin.invalid', {}, problems);
};
export const trimmed = (t: Localised): Localised => ({ az: t.az.trim(), ru: t.ru.trim(), en: t.en.trim() });
export const isBlank = (t: Localised) => !t.az.trim() && !t.ru.trim() && !t.en.trim();

// ---------------------------------------------------------------------------------------------------------
// Domains
// ---------------------------------------------------------------------------------------------------------

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * A domain as lists keep it: lower case, ASCII (an IDN in punycode, via `url.domainToASCII`), no trailing dot,
 * no leading `*.` (subdomains are covered anyway); or why it is not one.
 */
export function normaliseDomain(input: string): { domain: string } | { reason: 'domain' | 'ip_address' } {
  let s = input.trim().toLowerCase();
  if (s.startsWith('*.')) s = s.slice(2);
  if (s.endsWith('.')) s = s.slice(0, -1);
  if (IPV4.test(s) || s.includes(':')) return { reason: 'ip_address' };
  if (s === '' || /[\s/@]/.test(s)) return { reason: 'domain' };
  const ascii = domainToASCII(s);
  if (!ascii || ascii.length > 253) return { reason: 'domain' };
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || /^\d+$/.test(labels.at(-1)!))
    return { reason: 'domain' };
  return { domain: ascii };
}

/** A stored domain as people read it: an IDN in Unicode. */
export const readableDomain = (ascii: string) =>
  ascii.includes('xn--') ? domainToUnicode(ascii) || ascii : ascii;

// ---------------------------------------------------------------------------------------------------------
// Categories and keywords
// ---------------------------------------------------------------------------------------------------------

export async function listCategories(db: Db) {
  const [cats, words, lists] = await Promise.all([
    store.allCategories(db),
    store.allKeywords(db),
    store.allLists(db),
  ]);
  return {
    categories: cats.map((c) => ({
      id: c.id,
      code: c.code,
      name: c.name,
      description: c.description,
      origin: c.origin,
      version: c.version,
      keywords: words
        .filter((k) => k.categoryId === c.id)
        .map((k) => ({ id: k.id, keyword: k.keyword, language: k.language })),
      domainCount: lists
        .filter((l) => l.categoryId === c.id && l.kind === 'block')
        .reduce((s, l) => s + l.domainCount, 0),
    })),
  };
}

const categoryOut = async (db: Db, id: number) =>
  (await listCategories(db)).categories.find((c) => c.id === id)!;

export async function createCategory(db: Db, ctx: ChangeContext, locale: Locale, body: CategoryBody) {
  const p: FieldProblem[] = [];
  const code = body.code.trim();
  if (!/^[a-z][a-z0-9_]{1,39}$/.test(code)) p.push(problem(locale, 'code', 'code'));
  else if (await store.categoryByCode(db, code)) p.push(problem(locale, 'code', 'code_exists'));
  if (isBlank(body.name)) p.push(problem(locale, 'name', 'text_required'));
  refuseIf(p);
  const id = await db.transaction(async (tx) => {
    const row = await store.insertCategory(tx, {
      code,
      name: trimmed(body.name),
      description: trimmed(body.description),
      origin: 'own',
      sort: 1000,
    });
    await audit(tx, ctx, { action: 'create', entity: 'safety_category', entityId: row.id, after: row });
    return row.id;
  });
  return categoryOut(db, id);
}

export async function updateCategory(
  db: Db,
  ctx: ChangeContext,
  locale: Locale,
  id: number,
  body: CategoryChangeBody,
) {
  await db.transaction(async (tx) => {
    const before = await store.findCategory(tx, id, true);
    if (!before) throw notFound('safety_category');
    if (before.version !== body.version) throw staleVersion(body, await categoryOut(tx, id));
    if (isBlank(body.name)) refuseIf([problem(locale, 'name', 'text_required')]);
    const after = await store.updateCategory(tx, id, body.version, {
      name: trimmed(body.name),
      description: trimmed(body.description),
    });
    if (!after) throw staleVersion(body, await categoryOut(tx, id));
    await audit(tx, ctx, { action: 'update', entity: 'safety_category', entityId: id, before, after });
  });
  return categoryOut(db, id);
}

export async function addKeyword(
  db: Db,
  ctx: ChangeContext,
  locale: Locale,
  categoryId: number,
  body: KeywordBody,
) {
  const keyword = body.keyword.trim();
  const folded = foldText(keyword);
  if ([...folded].length < 2) refuseIf([problem(locale, 'keyword', 'keyword')]);
  await db.transaction(async (tx) => {
    if (!(await store.findCategory(tx, categoryId, true))) throw notFound('safety_category');
    const row = await store.insertKeyword(tx, {
      categoryId,
      keyword,
      language: body.language,
      folded,
      createdBy: ctx.actorId,
    });
    if (!row) refuseIf([problem(locale, 'keyword', 'keyword_exists')]);
    await audit(tx, ctx, { action: 'create', entity: 'safety_keyword', entityId: row!.id, after: row });
  });
  return categoryOut(db, categoryId);
}

export async function deleteKeyword(db: Db, ctx: ChangeContext, keywordId: number) {
  await db.transaction(async (tx) => {
    const before = await store.deleteKeyword(tx, keywordId);
    if (!before) throw notFound('safety_keyword');
    await audit(tx, ctx, { action: 'delete', entity: 'safety_keyword', entityId: keywordId, before });
  });
}

// ---------------------------------------------------------------------------------------------------------
// Lists
// ---------------------------------------------------------------------------------------------------------

const listOut = (l: store.ListRow) => ({
  id: l.id,
  kind: l.kind,
  categoryId: l.categoryId,
  name: l.name,
  source: l.source,
  sourceUrl: l.sourceUrl,
  domainCount: l.domainCount,
  serial: l.serial,
  version: l.version,
  updatedAt: l.updatedAt.toISOString(),
});

export async function listLists(db: Db) {
  return { lists: (await store.allLists(db)).map(listOut) };
}

export async function getList(db: Db, id: number) {
  const list = await store.findList(db, id);
  if (!list) throw notFound('safety_list');
  return { list: listOut(list), domains: (await store.listDomainsOf(db, id, 1000)).map(readableDomain) };
}

export async function createList(db: Db, ctx: ChangeContext, locale: Locale, body: ListBody) {
  const p: FieldProblem[] = [];
  if (isBlank(body.name)) p.push(problem(locale, 'name', 'text_required'));
  if (body.categoryId !== null && !(await store.findCategory(db, body.categoryId)))
    p.push(problem(locale, 'categoryId', 'unknown_category'));
  refuseIf(p);
  const id = await db.transaction(async (tx) => {
    const row = await store.insertList(tx, {
      kind: body.kind,
      categoryId: body.categoryId,
      name: trimmed(body.name),
      updatedBy: ctx.actorId,
    });
    await audit(tx, ctx, { action: 'create', entity: 'safety_list', entityId: row.id, after: row });
    return row.id;
  });
  return getList(db, id);
}

/** Adds and removes domains by hand; an invalid one refuses the whole change, naming it. */
export async function editDomains(db: Db, ctx: ChangeContext, locale: Locale, id: number, body: DomainsBody) {
  const p: FieldProblem[] = [];
  const add: string[] = [];
  body.add.forEach((d, i) => {
    const n = normaliseDomain(d);
    if ('domain' in n) add.push(n.domain);
    else p.push(problem(locale, `add[${i}]`, n.reason));
  });
  const remove = body.remove.map((d) => normaliseDomain(d)).flatMap((n) => ('domain' in n ? [n.domain] : []));
  refuseIf(p);
  await db.transaction(async (tx) => {
    const before = await store.findList(tx, id, true);
    if (!before) throw notFound('safety_list');
    if (before.version !== body.version) throw staleVersion(body, (await getList(tx, id)).list);
    await store.removeDomains(tx, id, remove);
    await store.addDomains(tx, id, add);
    const after = await store.touchList(tx, id, body.version, { updatedBy: ctx.actorId });
    await audit(tx, ctx, {
      action: 'update',
      entity: 'safety_list',
      entityId: id,
      before: { serial: before.serial, domainCount: before.domainCount },
      after: { serial: after!.serial, domainCount: after!.domainCount, added: add, removed: remove },
    });
  });
  return getList(db, id);
}

/** Reads a UT1 `domains` file: a domain a line, `#` comments and blank lines skipped; every bad line reported. */
export function parseDomainsFile(locale: Locale, text: string, echo = true) {
  const domains = new Set<string>();
  const rejected: FieldProblem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const n = normaliseDomain(line);
    if ('domain' in n) domains.add(n.domain);
    else
      rejected.push({
        field: `line.${i + 1}`,
        reason: n.reason,
        message: translate(locale, echo ? 'safetyAdmin.line' : 'safetyAdmin.line_fetched', {
          line: i + 1,
          text: line.slice(0, 100),
          reason: translate(locale, `safetyAdmin.rule.${n.reason}`),
        }),
      });
  });
  return { domains: [...domains], rejected };
}

const FETCH_TIMEOUT_MS = 30_000;

/**
 * Whether an address is one of the network's own (loopback, private, link-local, unique-local, unspecified):
 * a list is fetched from such an address only where the operator allows it (`SAFETY_LIST_FETCH_PRIVATE=true`),
 * so that the import cannot be used to read the servers' own network.
 */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ip = mapped ? mapped[1]! : address;
  if (isIPv4(ip)) {
    const [a, b] = ip.split('.').map(Number) as [number, number];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      a >= 224
    );
  }
  const v6 = ip.toLowerCase();
  return v6 === '::' || v6 === '::1' || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6) || /^ff/.test(v6);
}

/**
 * Fetches a list from the administrator's address, bounded in size and time. Redirects are not followed, and an
 * address of the servers' own network is refused unless allowed (above); why a fetch failed is told in the
 * caller's language, never with the remote answer's text.
 */
export async function fetchList(locale: Locale, url: string): Promise<string> {
  const fail = (reason: string) =>
    new AppError(422, 'safetyAdmin.fetch_failed', {
      reason: translate(locale, `safetyAdmin.fetch.${reason}`),
    });
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    throw fail('unreachable');
  }
  if (process.env.SAFETY_LIST_FETCH_PRIVATE !== 'true') {
    const addresses = isIP(host)
      ? [host]
      : await lookup(host, { all: true }).then(
          (found) => found.map((a) => a.address),
          () => null,
        );
    if (!addresses || addresses.length === 0) throw fail('unreachable');
    if (addresses.some(isPrivateAddress)) throw fail('private');
  }
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'manual' });
  } catch (error) {
    throw fail((error as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable');
  }
  if (response.status >= 300 && response.status < 400) throw fail('redirect');
  if (!response.ok || !response.body) throw fail('status');
  const tooLarge = () =>
    new AppError(422, 'safetyAdmin.too_large', { megabytes: IMPORT_MAX_BYTES / 1024 / 1024 });
  if (Number(response.headers.get('content-length') ?? 0) > IMPORT_MAX_BYTES) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > IMPORT_MAX_BYTES) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw fail((error as Error).name === 'TimeoutError' ? 'timeout' : 'unreachable');
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Imports a list in UT1's format from a file's text or from an address: all or nothing. Any line that is not a
 * domain refuses the import with the report of every such line; otherwise the file replaces the list's domains.
 */
export async function importList(db: Db, ctx: ChangeContext, locale: Locale, id: number, body: ImportBody) {
  const hasText = body.text !== undefined && body.text !== '';
  const hasUrl = body.url !== undefined && body.url.trim() !== '';
  if (hasText === hasUrl) refuseIf([problem(locale, 'text', 'source')]);
  if (hasUrl && !/^https?:\/\/[^\s/?#]+/i.test(body.url!.trim())) refuseIf([problem(locale, 'url', 'url')]);
  const current = await store.findList(db, id);
  if (!current) throw notFound('safety_list');
  if (current.version !== body.version)
    throw staleVersion({ version: body.version }, (await getList(db, id)).list);
  const text = hasText ? body.text! : await fetchList(locale, body.url!.trim());
  // Lines of a fetched file are not repeated back: only their numbers and why.
  const { domains, rejected } = parseDomainsFile(locale, text, hasText);
  if (rejected.length > 0)
    throw new AppError(
      422,
      'safetyAdmin.import_rejected',
      { count: rejected.length },
      rejected.slice(0, 500),
    );
  if (domains.length === 0) refuseIf([problem(locale, hasText ? 'text' : 'url', 'empty_file')]);
  await db.transaction(async (tx) => {
    const before = await store.findList(tx, id, true);
    if (!before) throw notFound('safety_list');
    if (before.version !== body.version)
      throw staleVersion({ version: body.version }, (await getList(tx, id)).list);
    await store.clearDomains(tx, id);
    await store.addDomains(tx, id, domains);
    const after = await store.touchList(tx, id, body.version, {
      updatedBy: ctx.actorId,
      source: hasText ? 'file' : 'url',
      sourceUrl: hasUrl ? body.url!.trim() : '',
    });
    await audit(tx, ctx, {
      action: 'import',
      entity: 'safety_list',
      entityId: id,
      before: { serial: before.serial, domainCount: before.domainCount },
      after: {
        serial: after!.serial,
        domainCount: after!.domainCount,
        source: after!.source,
        sourceUrl: after!.sourceUrl,
      },
    });
  });
  const list = await store.findList(db, id);
  return { list: listOut(list!), imported: domains.length };
}

// ---------------------------------------------------------------------------------------------------------
// Scope, shared by the admin part's services
// ---------------------------------------------------------------------------------------------------------

/** Whether the caller is the ministry's (its bureau or the administrator): national scope. */
export const isMinistry = (actor: Actor) => allows(actor, ['admin', 'bureau']);
/** Whether the caller may act on a place with this area path: the ministry, or a regional officer above it. */
export const coversPath = (actor: Actor, path: number[]) =>
  isMinistry(actor) ||
  grantsOf(actor, ['regional']).some((g) => g.areaId !== null && path.includes(g.areaId));
