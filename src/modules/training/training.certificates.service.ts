import { feedIctTrained } from '@/modules/infrastructure/ict-trained.store';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { letOthersIn } from '@/server/db/database';
import * as clock from '@/server/clock';
import { AppError, notFound, type FieldProblem } from '@/server/errors';
import { translate, type Locale } from '@/server/i18n';
import type { Storage } from '@/server/storage';
import { staleVersion } from '@/server/versions';
import { enqueueOnce, type JobHandler } from '@/server/jobs';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import { notifyEach } from '@/modules/notifications/notifications.service';
import { KINDS, identifyBuffer, type FileKind } from '@/modules/library/library.files';
import { addDays, schoolToday } from '@/modules/classroom/classroom.service';
import { schoolInstant } from '@/modules/journal/journal.summary';
import * as credentials from '@/modules/training/credentials';
import type { EXTERNAL_KINDS } from '@/modules/training/training.tables';
import * as store from '@/modules/training/training.certificates.store';
import { certificatePdf } from '@/modules/training/training.certificates.pdf';
import '@/modules/training/training.certificates.messages';

/**
 * Training certificates (`docs/training.md`, "Certificates"): Open Badges 3.0 credentials signed by the
 * platform's key, revocable through a Bitstring Status List, verified publicly by number or as a pasted
 * credential; their PDFs and ZIPs; the expiry reminder; and certificates from outside, verified by the district.
 */

// ------------------------------------------------------------------------------------------- settings

/** The platform's public address: the issuer, status lists and verification pages live under it. */
let publicUrl = 'http://localhost:3000';

/** Set once by the routes plugin from the configuration. */
export function configureCertificates(options: { publicUrl: string }): void {
  publicUrl = options.publicUrl.replace(/\/+$/, '');
}

/** The issuer's id: an https URL whose document (the controller document with the keys) is served there. */
export const issuerId = () => `${publicUrl}/api/training/issuer`;
export const statusListUrl = (listId: number) => `${publicUrl}/api/training/status-lists/${listId}`;
export const verifyPageUrl = (id: string) => `${publicUrl}/verify/${id}`;
const achievementId = (programmeId: number) => `${publicUrl}/training/programmes/${programmeId}`;
const issuerName = () => translate('az', 'training.certificates.issuer_name');

// ------------------------------------------------------------------------------------------- keys

/** The keys this process knows, by id: what the document loader resolves `<issuer>#<id>` with. */
const knownKeys = new Map<string, store.IssuerKeyRow>();
let controller: ReturnType<typeof credentials.controllerDocument> | null = null;

function rememberKeys(keys: store.IssuerKeyRow[]): void {
  for (const key of keys) knownKeys.set(key.id, key);
  controller = null;
}

function controllerDoc() {
  controller ??= credentials.controllerDocument(
    issuerId(),
    [...knownKeys.values()].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()),
  );
  return controller;
}

/** The loader every signature and verification here uses: static contexts and the issuer's own documents. */
const documentLoader = credentials.makeDocumentLoader((url) => {
  if (url === issuerId() || url.startsWith(`${issuerId()}#`))
    return credentials.issuerResolver(controllerDoc())(url);
  return undefined;
});

/** Reads every key (a verification that names a key this process has not seen yet). */
async function refreshKeys(db: Db): Promise<void> {
  rememberKeys(await store.issuerKeysAll(db));
}

/**
 * The key that signs: the newest not retired, made on first need. Several app nodes may need it at once: an
 * advisory lock makes them take turns, and the second finds the first's key.
 */
async function signingKey(db: Db): Promise<store.IssuerKeyRow> {
  const current = (await store.issuerKeysAll(db)).find((k) => k.retiredAt === null);
  if (current) {
    if (!knownKeys.has(current.id)) rememberKeys([current]);
    return current;
  }
  const made = await db.transaction(async (tx) => {
    await store.lockCertificateSetup(tx, 'key');
    const again = (await store.issuerKeysAll(tx)).find((k) => k.retiredAt === null);
    if (again) return again;
    const key = await credentials.generateIssuerKey();
    await store.insertIssuerKey(tx, key);
    return (await store.issuerKeysAll(tx)).find((k) => k.id === key.id)!;
  });
  rememberKeys([made]);
  return made;
}

/** The issuer's controller document, as served publicly. */
export async function issuerDocument(db: Db) {
  await signingKey(db);
  await refreshKeys(db);
  return controllerDoc();
}

// ------------------------------------------------------------------------------------------- issuing

/** Takes `count` status indexes, opening a new list when the current one is full. */
async function takeIndexes(tx: Db, count: number): Promise<{ listId: number; first: number }> {
  const taken = await store.takeIndexes(tx, count);
  if (taken) return taken;
  await store.lockCertificateSetup(tx, 'list');
  const again = await store.takeIndexes(tx, count);
  if (again) return again;
  await store.insertStatusList(tx, credentials.STATUS_LIST_SIZE);
  return (await store.takeIndexes(tx, count))!;
}

function addMonths(at: Date, months: number): Date {
  const d = new Date(at);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d;
}

/** The unsigned credential and the row of a certificate about to be issued. */
function prepare(source: store.IssueSource, listId: number, index: number, now: Date) {
  const id = randomUUID();
  const issuedAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const validUntil = source.validMonths ? addMonths(issuedAt, source.validMonths) : null;
  const unsigned = credentials.openBadgeCredential({
    certificateId: id,
    issuerId: issuerId(),
    issuerName: issuerName(),
    holderName: source.holderName,
    achievementId: achievementId(source.programmeId),
    title: source.title,
    description: source.description.trim() || source.title,
    criteria: `${translate('az', 'training.certificates.pdf.completed')}: ${source.title} (${translate('az', 'training.certificates.pdf.hours', { hours: source.hours })}).`,
    validFrom: issuedAt,
    validUntil,
    statusListUrl: statusListUrl(listId),
    statusIndex: index,
  });
  const row = {
    id,
    userId: source.userId,
    programmeId: source.programmeId,
    enrolmentId: source.enrolmentId,
    title: source.title,
    issuedAt,
    validUntil,
    statusListId: listId,
    statusIndex: index,
  };
  return { unsigned, row };
}

const SYSTEM: ChangeContext = { actorId: null, ip: null };

/**
 * Issues the certificate of a completed enrolment, in the caller's transaction (the integrator calls it where
 * an enrolment becomes `completed`): an OpenBadgeCredential signed with the platform's key, with the next index
 * of the open status list (taken with `update … set next_index = next_index + 1 returning`, so concurrent
 * issuers each get their own; the list's row stays locked until the caller commits). An enrolment that already
 * has its certificate gets that one back (`created: false`). 404 for an unknown enrolment, 409 for one not
 * completed.
 */
export async function issueForEnrolment(
  tx: Db,
  enrolmentId: number,
  ctx: ChangeContext = SYSTEM,
): Promise<{ id: string; created: boolean }> {
  const source = await store.issueSource(tx, enrolmentId);
  if (!source) throw new AppError(404, 'training.certificates.enrolment_unknown');
  if (source.certificateId) return { id: source.certificateId, created: false };
  if (source.status !== 'completed') throw new AppError(409, 'training.certificates.not_completed');
  const key = await signingKey(tx);
  const { listId, first } = await takeIndexes(tx, 1);
  const { unsigned, row } = prepare(source, listId, first, clock.now());
  const credential = await credentials.signCredential(unsigned, issuerId(), key, documentLoader);
  const [id] = await store.insertCertificates(tx, [{ ...row, credential }]);
  if (!id) {
    // Issued meanwhile by another transaction: that one stands.
    const again = await store.issueSource(tx, enrolmentId);
    return { id: again!.certificateId!, created: false };
  }
  // Signed here a moment ago: its proof holds, so its first check by number needs no signature check.
  rememberChecked(id, credential);
  await audit(tx, ctx, {
    action: 'issue',
    entity: 'training_certificate',
    entityId: id,
    after: { enrolmentId, title: row.title, statusListId: listId, statusIndex: first },
  });
  return { id, created: true };
}

/** How many certificates `issueForProgramme` signs and stores at a time. */
export const ISSUE_BATCH = 250;

/**
 * Issues the certificates of every completed enrolment of a finished programme that has none, in batches: a
 * batch's indexes are taken in a short transaction of their own (a gap is harmless), its credentials signed
 * (while the previous batch is written) and stored in one transaction with one audit entry. Returns how many
 * were issued.
 */
export async function issueForProgramme(
  db: Db,
  programmeId: number,
  ctx: ChangeContext = SYSTEM,
): Promise<{ issued: number }> {
  const programme = await store.findProgramme(db, programmeId);
  if (!programme) throw notFound('programme');
  if (programme.status !== 'finished')
    throw new AppError(409, 'training.certificates.programme_not_finished');
  const key = await signingKey(db);
  let issued = 0;
  let afterId = 0;
  let writing: Promise<void> = Promise.resolve();
  for (;;) {
    const batch = await store.uncertifiedOfProgramme(db, programmeId, afterId, ISSUE_BATCH);
    if (batch.length === 0) break;
    afterId = batch[batch.length - 1]!.enrolmentId;
    const { listId, first } = await db.transaction((tx) => takeIndexes(tx, batch.length));
    const now = clock.now();
    const prepared = batch.map((source, i) => prepare(source, listId, first + i, now));
    const signed = await Promise.all(
      prepared.map(async (p) => ({
        ...p.row,
        credential: await credentials.signCredential(p.unsigned, issuerId(), key, documentLoader),
      })),
    );
    await writing;
    writing = db.transaction(async (tx) => {
      const kept = await store.insertCertificates(tx, signed);
      issued += kept.length;
      const keptIds = new Set(kept);
      for (const c of signed) if (keptIds.has(c.id)) rememberChecked(c.id, c.credential);
      await audit(tx, ctx, {
        action: 'issue',
        entity: 'training_programme_certificates',
        entityId: programmeId,
        after: { certificates: kept.length, statusListId: listId },
      });
    });
    await letOthersIn();
  }
  await writing;
  return { issued };
}

// ------------------------------------------------------------------------------------------- status lists

/** Signed list credentials and their decoded bits, per list and version. */
const lists = new Map<
  number,
  { version: number; credential: Record<string, unknown>; bits: { get(i: number): boolean } }
>();

/**
 * A status list's current BitstringStatusListCredential: signed again when a revocation changed the list
 * since (its version), else the stored one; kept in memory per version.
 */
export async function statusListCredential(db: Db, listId: number) {
  const state = await store.statusListVersion(db, listId);
  if (!state) throw notFound('status_list');
  const cached = lists.get(listId);
  if (cached && cached.version === state.version) return cached;
  const row = (await store.findStatusList(db, listId))!;
  let credential = row.credential as Record<string, unknown> | null;
  let version = row.signedVersion;
  if (!credential || version !== row.version) {
    version = row.version;
    const key = await signingKey(db);
    credential = await credentials.statusListCredential({
      url: statusListUrl(listId),
      size: row.size,
      revoked: await store.revokedIndexes(db, listId),
      issuerId: issuerId(),
      key: { ...key },
      documentLoader,
      validFrom: clock.now(),
    });
    await store.saveSignedList(db, listId, version, credential);
  }
  const subject = credential.credentialSubject as { encodedList: string };
  const entry = { version, credential, bits: await credentials.decodeStatusList(subject.encodedList) };
  if (version === state.version) lists.set(listId, entry);
  return entry;
}

// ------------------------------------------------------------------------------------------- verification

export type VerifyStatus = 'valid' | 'revoked' | 'expired' | 'not_yet_valid' | 'tampered' | 'unknown';

export interface VerifyResult {
  status: VerifyStatus;
  reasons: { code: string; message: string }[];
  certificateId: string | null;
  issuer: { id: string; name: string } | null;
  holder: string | null;
  title: string | null;
  validFrom: string | null;
  validUntil: string | null;
  revokedAt: string | null;
}

/** Certificates whose stored credential's proof was checked, with the hash of what was checked. */
const checkedProofs = new Map<string, string>();
const CHECKED_MAX = 50_000;

/** JSON with every object's keys sorted: the same text for a credential as built and as read from jsonb. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}
const hashOf = (value: unknown) => createHash('sha256').update(stableJson(value)).digest('base64');

function rememberChecked(id: string, credential: unknown): void {
  if (checkedProofs.size >= CHECKED_MAX) checkedProofs.delete(checkedProofs.keys().next().value!);
  checkedProofs.set(id, hashOf(credential));
}

/** Forgets every proof checked or signed here: as a node that has not seen the certificates (benchmarks). */
export function forgetProofChecks(): void {
  checkedProofs.clear();
}

const dayOf = (locale: Locale, iso: string) =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'Asia/Baku' }).format(new Date(iso));

function reason(locale: Locale, code: string, date?: string) {
  return {
    code,
    message: translate(
      locale,
      `training.certificates.reason.${code}`,
      date ? { date: dayOf(locale, date) } : {},
    ),
  };
}

interface Claimed {
  id?: unknown;
  issuer?: unknown;
  validFrom?: unknown;
  validUntil?: unknown;
  name?: unknown;
  credentialSubject?: { name?: unknown; achievement?: { name?: unknown } };
  credentialStatus?: unknown;
  proof?: unknown;
}

const text = (value: unknown) => (typeof value === 'string' ? value : null);
const issuerOf = (c: Claimed) =>
  text(typeof c.issuer === 'object' && c.issuer ? (c.issuer as { id?: unknown }).id : c.issuer);

function unknownResult(
  locale: Locale,
  code: 'unknown' | 'unknown_issuer' | 'not_a_certificate',
  id: string | null,
): VerifyResult {
  return {
    status: 'unknown',
    reasons: [reason(locale, code)],
    certificateId: id,
    issuer: null,
    holder: null,
    title: null,
    validFrom: null,
    validUntil: null,
    revokedAt: null,
  };
}

/** The dates' verdict and what the credential says, once its proof held. */
function judge(
  locale: Locale,
  claimed: Claimed,
  id: string | null,
  revokedAt: string | null,
  revoked: boolean,
): VerifyResult {
  const now = clock.nowMs();
  const validFrom = text(claimed.validFrom);
  const validUntil = text(claimed.validUntil);
  const reasons = [];
  let status: VerifyStatus = 'valid';
  if (revoked) {
    status = 'revoked';
    reasons.push(
      revokedAt
        ? reason(locale, 'revoked', revokedAt)
        : { code: 'revoked', message: translate(locale, 'training.certificates.reason.revoked_undated') },
    );
  }
  if (validUntil && Date.parse(validUntil) < now) {
    if (status === 'valid') status = 'expired';
    reasons.push(reason(locale, 'expired', validUntil));
  }
  if (validFrom && Date.parse(validFrom) > now + 300_000) {
    if (status === 'valid') status = 'not_yet_valid';
    reasons.push(reason(locale, 'not_yet_valid', validFrom));
  }
  if (status === 'valid') reasons.push(reason(locale, 'valid'));
  return {
    status,
    reasons,
    certificateId: id,
    issuer: {
      id: issuerId(),
      name: text((claimed.issuer as { name?: unknown } | null)?.name) ?? issuerName(),
    },
    holder: text(claimed.credentialSubject?.name),
    title: text(claimed.credentialSubject?.achievement?.name) ?? text(claimed.name),
    validFrom,
    validUntil,
    revokedAt,
  };
}

function tampered(locale: Locale, id: string | null): VerifyResult {
  return {
    ...unknownResult(locale, 'unknown', id),
    status: 'tampered',
    reasons: [reason(locale, 'signature')],
  };
}

/** Makes sure the key a proof names is known to this process (a key made on another node). */
async function knowKeyOf(db: Db, claimed: Claimed): Promise<void> {
  const proofs = Array.isArray(claimed.proof) ? claimed.proof : [claimed.proof];
  const method = text((proofs[0] as { verificationMethod?: unknown } | undefined)?.verificationMethod);
  const prefix = `${issuerId()}#`;
  if (method?.startsWith(prefix) && !knownKeys.has(method.slice(prefix.length))) await refreshKeys(db);
}

/**
 * Verifies a certificate by its number: its stored credential's proof (checked once per content, then
 * remembered), whether it was revoked, and its dates. Shows only what the credential shows publicly: the
 * holder's name, the title, the dates.
 */
export async function verifyById(db: Db, locale: Locale, id: string): Promise<VerifyResult> {
  const row = await store.findForVerify(db, id);
  if (!row) return unknownResult(locale, 'unknown', id);
  const claimed = row.credential as Claimed;
  const hash = hashOf(row.credential);
  if (checkedProofs.get(id) !== hash) {
    await knowKeyOf(db, claimed);
    const proof = await credentials.verifyProof(row.credential, documentLoader, controllerDoc());
    if (!proof.verified) return tampered(locale, id);
    rememberChecked(id, row.credential);
  }
  const revokedAt = row.revokedAt?.toISOString() ?? null;
  return judge(locale, claimed, id, revokedAt, row.revokedAt !== null);
}

/** The shape of the credentials we issue: exactly our contexts, an OpenBadgeCredential, a status entry. */
function ourCertificateShape(credential: unknown): boolean {
  const c = credential as { '@context'?: unknown; type?: unknown; credentialStatus?: unknown };
  const contexts = c['@context'];
  return (
    Array.isArray(contexts) &&
    contexts.length === 2 &&
    contexts[0] === credentials.VC_V2_CONTEXT &&
    contexts[1] === credentials.OB_CONTEXT &&
    Array.isArray(c.type) &&
    c.type.includes('OpenBadgeCredential') &&
    typeof c.credentialStatus === 'object' &&
    c.credentialStatus !== null &&
    !Array.isArray(c.credentialStatus)
  );
}

/**
 * Verifies a credential as a holder hands it over: the issuer must be this platform; the proof is checked by
 * the library; the revocation bit is read from our status list credential (decoded once per version); then
 * the dates. A changed credential fails its proof.
 */
export async function verifyCredential(db: Db, locale: Locale, credential: unknown): Promise<VerifyResult> {
  const claimed = credential as Claimed;
  const rawId = text(claimed.id);
  const id = rawId?.startsWith('urn:uuid:') ? rawId.slice('urn:uuid:'.length) : null;
  if (issuerOf(claimed) !== issuerId()) return unknownResult(locale, 'unknown_issuer', id);
  // Only what we issue is worth canonicalising: our two contexts, an OpenBadgeCredential, a status entry
  // (our own status list credentials, signed by the same key, are no certificates).
  if (!ourCertificateShape(credential)) return unknownResult(locale, 'not_a_certificate', id);
  await knowKeyOf(db, claimed);
  const proof = await credentials.verifyProof(credential, documentLoader, controllerDoc());
  if (!proof.verified) return tampered(locale, id);
  const entry = claimed.credentialStatus as
    | { type?: unknown; statusListCredential?: unknown; statusListIndex?: unknown; statusPurpose?: unknown }
    | undefined;
  let revoked = false;
  let revokedAt: string | null = null;
  if (entry) {
    const listUrl = text(entry.statusListCredential) ?? '';
    const prefix = `${publicUrl}/api/training/status-lists/`;
    const listId = listUrl.startsWith(prefix) ? Number(listUrl.slice(prefix.length)) : NaN;
    const index = Number(text(entry.statusListIndex) ?? entry.statusListIndex);
    if (!Number.isInteger(listId) || listId < 1 || listId > 2_147_483_647 || !Number.isInteger(index)) {
      return {
        ...judge(locale, claimed, id, null, false),
        status: 'unknown',
        reasons: [reason(locale, 'status_unknown')],
      };
    }
    let list;
    try {
      list = await statusListCredential(db, listId);
    } catch {
      return {
        ...judge(locale, claimed, id, null, false),
        status: 'unknown',
        reasons: [reason(locale, 'status_unknown')],
      };
    }
    revoked = index >= 0 && list.bits.get(index);
    if (revoked && id && /^[0-9a-f-]{36}$/.test(id)) {
      revokedAt = (await store.findForVerify(db, id))?.revokedAt?.toISOString() ?? null;
    }
  }
  return judge(locale, claimed, id, revokedAt, revoked);
}

// ------------------------------------------------------------------------------------------- access

const isNational = (actor: Actor) => actor.grants.some((g) => g.role === 'admin' || g.role === 'bureau');
const regionalAreas = (actor: Actor) =>
  actor.grants.filter((g) => g.role === 'regional' && g.areaId !== null).map((g) => g.areaId!);
const schoolsAs = (actor: Actor, roles: string[]) => [
  ...new Set(
    actor.grants
      .filter((g) => roles.includes(g.role) && g.institutionId !== null)
      .map((g) => g.institutionId!),
  ),
];
const inMyAreas = (actor: Actor, areaPath: number[] | null) =>
  areaPath !== null && regionalAreas(actor).some((a) => areaPath.includes(a));

/** Who manages a certificate: national staff, and the regional office of the holder's school. */
const manages = (actor: Actor, c: { areaPath: number[] | null }) =>
  isNational(actor) || inMyAreas(actor, c.areaPath);

/** Who may read a certificate's documents: its holder, their director, its managers. */
const reads = (actor: Actor, c: store.CertificateDetail) =>
  c.userId === actor.userId ||
  manages(actor, c) ||
  (c.institutionId !== null && schoolsAs(actor, ['director']).includes(c.institutionId));

const schoolName = (
  locale: Locale,
  r: { schoolAz: string | null; schoolRu: string | null; schoolEn: string | null },
) => (locale === 'az' ? r.schoolAz : locale === 'ru' ? r.schoolRu : r.schoolEn) ?? null;

function presentCertificate(actor: Actor, locale: Locale, c: store.CertificateDetail) {
  return {
    id: c.id,
    title: c.title,
    holderName: c.holderName,
    school: schoolName(locale, c),
    programmeId: c.programmeId,
    hours: c.hours,
    issuedAt: c.issuedAt.toISOString(),
    validUntil: c.validUntil?.toISOString() ?? null,
    revokedAt: c.revokedAt?.toISOString() ?? null,
    revokeReason: c.revokeReason,
    verifyUrl: verifyPageUrl(c.id),
    mine: c.userId === actor.userId,
    canRevoke: manages(actor, c) && c.revokedAt === null,
  };
}

async function readable(db: Db, actor: Actor, id: string): Promise<store.CertificateDetail> {
  const c = await store.findDetail(db, id);
  if (!c || !reads(actor, c)) throw notFound('certificate');
  return c;
}

export async function myCertificates(db: Db, actor: Actor, locale: Locale) {
  const found = await store.certificatesOfUser(db, actor.userId);
  return { items: found.map((c) => presentCertificate(actor, locale, c)) };
}

/** Certificates for those who manage or oversee them: national staff all, a region its schools', a director theirs. */
export async function listCertificates(
  db: Db,
  actor: Actor,
  locale: Locale,
  query: { programmeId?: number; q?: string; after?: string },
) {
  const base = {
    programmeId: query.programmeId,
    q: query.q?.trim() || undefined,
    limit: 200,
    afterId: query.after,
  };
  let found: store.CertificateDetail[];
  if (isNational(actor)) found = await store.listCertificates(db, { ...base, areaIds: null });
  else {
    const areas = regionalAreas(actor);
    const byArea = areas.length > 0 ? await store.listCertificates(db, { ...base, areaIds: areas }) : [];
    const byschool = [];
    for (const institutionId of schoolsAs(actor, ['director']))
      byschool.push(...(await store.listCertificates(db, { ...base, areaIds: null, institutionId })));
    const seen = new Set<string>();
    found = [...byArea, ...byschool].filter((c) => !seen.has(c.id) && seen.add(c.id));
  }
  return { items: found.map((c) => presentCertificate(actor, locale, c)) };
}

export async function certificatePdfOf(db: Db, actor: Actor, locale: Locale, id: string) {
  const c = await readable(db, actor, id);
  return { body: await pdfOf(c, locale), name: `certificate-${c.id}.pdf` };
}

function pdfOf(c: store.CertificateDetail, locale: Locale) {
  const credential = c.credential as { issuer?: { name?: string } };
  return certificatePdf(
    {
      id: c.id,
      issuerName: credential.issuer?.name ?? issuerName(),
      holderName: c.holderName,
      title: c.title,
      hours: c.hours,
      issuedAt: c.issuedAt,
      validUntil: c.validUntil,
      revoked: c.revokedAt !== null,
      verifyUrl: verifyPageUrl(c.id),
    },
    locale,
  );
}

/** The signed credential, for its holder alone. */
export async function credentialOf(db: Db, actor: Actor, id: string) {
  const c = await store.findDetail(db, id);
  if (!c || c.userId !== actor.userId) throw notFound('certificate');
  return { body: c.credential, name: `certificate-${c.id}.json` };
}

/**
 * Revokes a certificate with a reason: its bit in the status list is set (the list's version bumped, so its
 * credential is signed again when next asked for), with the audit entry, in one transaction. Revoking a
 * revoked certificate changes nothing.
 */
export async function revoke(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  locale: Locale,
  id: string,
  body: { reason: string },
) {
  await db.transaction(async (tx) => {
    const c = await store.findDetail(tx, id);
    if (!c || !manages(actor, c)) throw notFound('certificate');
    const changed = await store.revokeCertificate(tx, id, {
      revokedAt: clock.now(),
      revokedBy: actor.userId,
      revokeReason: body.reason.trim(),
    });
    if (!changed) return;
    await store.bumpStatusList(tx, changed.statusListId);
    await audit(tx, ctx, {
      action: 'revoke',
      entity: 'training_certificate',
      entityId: id,
      before: { revokedAt: null },
      after: { revokedAt: changed.revokedAt, reason: changed.revokeReason },
    });
  });
  return presentCertificate(actor, locale, (await store.findDetail(db, id))!);
}

/** Issues a finished programme's missing certificates (the bureau). */
export async function issueProgramme(db: Db, ctx: ChangeContext, programmeId: number) {
  return issueForProgramme(db, programmeId, ctx);
}

/**
 * A programme's certificates as one ZIP (a PDF and the signed credential per certificate), written as it is
 * read: certificates a page at a time, each PDF made when the stream wants more, so memory stays bounded
 * whatever the programme's size. National staff get all; a regional office its schools'.
 */
export async function programmeZip(
  db: Db,
  actor: Actor,
  locale: Locale,
  programmeId: number,
): Promise<{ stream: Readable; name: string }> {
  const programme = await store.findProgramme(db, programmeId);
  if (!programme) throw notFound('programme');
  const areaIds = isNational(actor) ? null : regionalAreas(actor);
  const out = new PassThrough();
  const zip = new Zip((error, chunk, final) => {
    if (error) {
      out.destroy(error);
      return;
    }
    if (!out.destroyed) out.write(Buffer.from(chunk));
    if (final) out.end();
  });
  const add = async (name: string, data: Uint8Array, deflate: boolean) => {
    const file = deflate ? new ZipDeflate(name, { level: 6 }) : new ZipPassThrough(name);
    zip.add(file);
    file.push(data, true);
    // Waits for the reader; one who went away ends the work.
    if (out.writableNeedDrain) await Promise.race([once(out, 'drain'), once(out, 'close')]);
    if (out.destroyed) throw new Error('the reader went away');
  };
  void (async () => {
    let afterId: string | undefined;
    for (;;) {
      const page = await store.listCertificates(db, { programmeId, areaIds, limit: 50, afterId });
      if (page.length === 0) break;
      afterId = page[page.length - 1]!.id;
      for (const c of page) {
        const base = `${c.holderName.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '') || 'certificate'}-${c.id.slice(0, 8)}`;
        await add(`${base}.pdf`, await pdfOf(c, locale), false);
        await add(`${base}.json`, Buffer.from(JSON.stringify(c.credential, null, 2)), true);
      }
    }
    zip.end();
  })().catch((error: unknown) => {
    if (!out.destroyed) out.destroy(error as Error);
  });
  return { stream: out, name: `certificates-programme-${programmeId}.zip` };
}

// ------------------------------------------------------------------------------------------- expiry reminders

export const EXPIRY_QUEUE = 'training.certificate-expiry';
/** When the day's reminders go out, school time. */
export const EXPIRY_TIME = '09:00';
/** How long before a certificate ends its holder is told. */
export const REMIND_DAYS = 30;

export async function scheduleExpiryReminders(db: Db, day: string = schoolToday(clock.now())): Promise<void> {
  await enqueueOnce(db, EXPIRY_QUEUE, { day }, { runAt: schoolInstant(day, EXPIRY_TIME), maxAttempts: 5 });
}

/**
 * Tells each holder whose certificate ends within 30 days, once (`reminded_at`), in pages; the reminder and
 * the mark are written in one transaction. Returns how many were told.
 */
export async function remindExpiring(db: Db, now: Date = clock.now()): Promise<number> {
  let told = 0;
  for (;;) {
    const due = await store.expiringUnreminded(
      db,
      now,
      new Date(now.getTime() + REMIND_DAYS * 86_400_000),
      500,
    );
    if (due.length === 0) return told;
    await db.transaction(async (tx) => {
      const marked = new Set(
        await store.markReminded(
          tx,
          due.map((d) => d.id),
          now,
        ),
      );
      const notices = due
        .filter((d) => marked.has(d.id))
        .map((d) => ({
          userId: d.userId,
          payload: {
            certificateId: d.id,
            title: d.title,
            expiresOn: schoolToday(d.validUntil!),
          },
        }));
      await notifyEach(tx, 'training_certificate_expiring', notices);
      told += notices.length;
    });
    if (due.length < 500) return told;
  }
}

/** The daily job: schedules tomorrow's run, then reminds. */
export function expiryJob(db: Db): JobHandler {
  return {
    run: async (job) => {
      const { day } = job.payload as { day: string };
      await scheduleExpiryReminders(db, addDays(day, 1));
      await remindExpiring(db);
      // Once a day the registry's ICT-trained counts are fed again from the records, for every school: a
      // count given before the school's record for the year was saved, or changed by hand, is set right.
      await feedIctTrained(db, null);
    },
  };
}

// ------------------------------------------------------------------------------------------- external

export const EVIDENCE_MAX_BYTES = 5 * 1024 * 1024;
const EVIDENCE_KINDS: readonly FileKind[] = ['pdf', 'jpeg', 'png'];

const rule = (locale: Locale, field: string, code: string): FieldProblem => ({
  field,
  reason: code,
  message: `${field}: ${translate(locale, `training.certificates.rule.${code}`)}`,
});
const refuseIf = (problems: FieldProblem[]) => {
  if (problems.length > 0) throw new AppError(422, 'training.certificates.invalid', {}, problems);
};

const decides = (actor: Actor, e: store.ExternalDetail) =>
  actor.grants.some((g) => g.role === 'admin') || inMyAreas(actor, e.areaPath);
const seesExternal = (actor: Actor, e: store.ExternalDetail) =>
  e.userId === actor.userId ||
  isNational(actor) ||
  inMyAreas(actor, e.areaPath) ||
  schoolsAs(actor, ['director']).includes(e.institutionId);

function presentExternal(actor: Actor, locale: Locale, e: store.ExternalDetail) {
  return {
    id: e.id,
    kind: e.kind,
    title: e.title,
    provider: e.provider,
    issuedOn: e.issuedOn,
    expiresOn: e.expiresOn,
    reference: e.reference,
    evidenceName: e.evidenceName,
    status: e.status,
    note: e.note,
    decidedAt: e.decidedAt?.toISOString() ?? null,
    holderName: e.holderName,
    school: schoolName(locale, e) ?? '',
    mine: e.userId === actor.userId,
    canDecide: decides(actor, e),
    version: e.version,
    createdAt: e.createdAt.toISOString(),
  };
}

export interface ExternalInput {
  kind: (typeof EXTERNAL_KINDS)[number];
  title: string;
  provider: string;
  issuedOn: string;
  expiresOn?: string | null;
  reference?: string;
  institutionId?: number;
}

export async function createExternal(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  locale: Locale,
  input: ExternalInput,
) {
  const schools = schoolsAs(actor, ['teacher', 'director']);
  const problems: FieldProblem[] = [];
  const institutionId = input.institutionId ?? schools[0];
  if (institutionId === undefined || !schools.includes(institutionId))
    problems.push(rule(locale, 'institutionId', 'not_staff'));
  if (input.issuedOn > schoolToday(clock.now())) problems.push(rule(locale, 'issuedOn', 'in_future'));
  if (input.expiresOn && input.expiresOn < input.issuedOn)
    problems.push(rule(locale, 'expiresOn', 'before_issue'));
  refuseIf(problems);
  const id = await db.transaction(async (tx) => {
    const row = await store.insertExternal(tx, {
      userId: actor.userId,
      institutionId: institutionId!,
      kind: input.kind,
      title: input.title.trim(),
      provider: input.provider.trim(),
      issuedOn: input.issuedOn,
      expiresOn: input.expiresOn ?? null,
      reference: input.reference?.trim() ?? '',
    });
    await audit(tx, ctx, { action: 'create', entity: 'training_external', entityId: row.id, after: row });
    return row.id;
  });
  return presentExternal(actor, locale, (await store.findExternal(db, id))!);
}

export async function myExternal(db: Db, actor: Actor, locale: Locale) {
  const found = await store.listExternal(db, { userId: actor.userId, limit: 500 });
  return { items: found.map((e) => presentExternal(actor, locale, e)) };
}

/** External certificates to review or see: national staff all, a region its schools', a director theirs. */
export async function listExternal(db: Db, actor: Actor, locale: Locale, query: { status?: string }) {
  let found: store.ExternalDetail[];
  if (isNational(actor)) found = await store.listExternal(db, { status: query.status, limit: 500 });
  else {
    const areas = regionalAreas(actor);
    const schools = schoolsAs(actor, ['director']);
    const byArea =
      areas.length > 0
        ? await store.listExternal(db, { areaIds: areas, status: query.status, limit: 500 })
        : [];
    const bySchool =
      schools.length > 0
        ? await store.listExternal(db, { institutionIds: schools, status: query.status, limit: 500 })
        : [];
    const seen = new Set<number>();
    found = [...byArea, ...bySchool].filter((e) => !seen.has(e.id) && seen.add(e.id));
  }
  return { items: found.map((e) => presentExternal(actor, locale, e)) };
}

/** The owner uploads the evidence (PDF, JPEG or PNG, at most 5 MB) while it waits for a decision. */
export async function uploadEvidence(
  db: Db,
  storage: Storage,
  actor: Actor,
  ctx: ChangeContext,
  locale: Locale,
  id: number,
  name: string | null,
  body: unknown,
) {
  const e = await store.findExternal(db, id);
  if (!e || e.userId !== actor.userId) throw notFound('external_certificate');
  if (e.status !== 'submitted') throw new AppError(409, 'training.certificates.evidence_locked');
  if (!Buffer.isBuffer(body)) throw new AppError(415, 'unsupported_media_type', { type: 'application/json' });
  if (body.length === 0) throw new AppError(422, 'training.certificates.evidence_empty');
  if (body.length > EVIDENCE_MAX_BYTES)
    throw new AppError(413, 'training.certificates.evidence_too_large', { limit: '5 MB' });
  const kind = await identifyBuffer(body);
  if (kind === null || !EVIDENCE_KINDS.includes(kind))
    throw new AppError(415, 'training.certificates.evidence_kind');
  const key = `training/external/${e.id}/${randomBytes(12).toString('hex')}`;
  const temp = path.join(os.tmpdir(), `maktab-evidence-${randomBytes(8).toString('hex')}`);
  await writeFile(temp, body);
  await storage.putFile(key, temp);
  const fileName = (name?.trim() || `evidence.${kind === 'jpeg' ? 'jpg' : kind}`).slice(0, 200);
  try {
    await db.transaction(async (tx) => {
      const changed = await store.updateExternal(tx, e.id, e.version, {
        evidenceKey: key,
        evidenceName: fileName,
      });
      if (!changed) {
        const current = await store.findExternal(tx, e.id);
        if (!current) throw notFound('external_certificate');
        throw staleVersion({ version: e.version }, presentExternal(actor, locale, current));
      }
      await audit(tx, ctx, {
        action: 'upload',
        entity: 'training_external',
        entityId: e.id,
        before: { evidenceName: e.evidenceName },
        after: { evidenceName: fileName, size: body.length, contentType: KINDS[kind].contentType },
      });
    });
  } catch (error) {
    await storage.deletePrefix(key);
    throw error;
  }
  if (e.evidenceKey) await storage.deletePrefix(e.evidenceKey).catch(() => undefined);
  return presentExternal(actor, locale, (await store.findExternal(db, id))!);
}

export async function evidenceOf(db: Db, storage: Storage, actor: Actor, id: number) {
  const e = await store.findExternal(db, id);
  if (!e || !seesExternal(actor, e)) throw notFound('external_certificate');
  if (!e.evidenceKey) throw new AppError(404, 'training.certificates.no_evidence');
  let head: Buffer;
  try {
    head = await storage.readBytes(e.evidenceKey, 0, 16);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new AppError(404, 'training.certificates.evidence_missing');
  }
  const kind = (await identifyBuffer(head)) ?? 'pdf';
  return {
    stream: storage.read(e.evidenceKey),
    name: e.evidenceName ?? 'evidence',
    contentType: KINDS[kind].contentType,
  };
}

/** The district's regional officer verifies or rejects, with a note, at the version they read. */
export async function decideExternal(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  locale: Locale,
  id: number,
  body: { decision: 'verified' | 'rejected'; note?: string; version: number },
) {
  await db.transaction(async (tx) => {
    const e = await store.findExternal(tx, id);
    if (!e || !seesExternal(actor, e)) throw notFound('external_certificate');
    if (!decides(actor, e)) throw new AppError(403, 'forbidden');
    // A regional officer who also teaches does not verify their own certificate.
    if (e.userId === actor.userId) throw new AppError(403, 'training.certificates.decide_own');
    if (e.status !== 'submitted')
      throw new AppError(409, 'training.certificates.invalid', {}, [rule(locale, 'decision', 'decided')]);
    const changed = await store.updateExternal(tx, id, body.version, {
      status: body.decision,
      note: body.note?.trim() ?? '',
      decidedBy: actor.userId,
      decidedAt: clock.now(),
    });
    if (!changed) throw staleVersion({ version: body.version }, { version: e.version });
    if (body.decision === 'verified' && e.institutionId !== null) await feedIctTrained(tx, [e.institutionId]);
    await audit(tx, ctx, {
      action: body.decision === 'verified' ? 'verify' : 'reject',
      entity: 'training_external',
      entityId: id,
      before: { status: e.status, note: e.note },
      after: { status: changed.status, note: changed.note },
    });
  });
  return presentExternal(actor, locale, (await store.findExternal(db, id))!);
}
