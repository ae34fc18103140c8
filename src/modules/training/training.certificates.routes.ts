import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireActor, type Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import { JobWorker } from '@/server/jobs';
import type { LocalStorage } from '@/server/storage';
import { changeContext } from '@/modules/identity/identity.routes';
import * as service from '@/modules/training/training.certificates.service';
import {
  CertificateList,
  CertificateParams,
  CertificateQuery,
  Certificate,
  DecisionBody,
  EvidenceQuery,
  External,
  ExternalBody,
  ExternalList,
  ExternalParams,
  ExternalQuery,
  IssueResult,
  IssuerDocument,
  ProgrammeParams,
  RevokeBody,
  SignedCredential,
  StatusListParams,
  VerifyBody,
  VerifyResult,
} from '@/modules/training/training.certificates.schema';

/** National staff and the regional offices manage certificates; a director sees the school's. */
const MANAGERS: Role[] = ['admin', 'bureau', 'regional'];
const READERS: Role[] = ['admin', 'bureau', 'regional', 'director', 'teacher'];
const STAFF: Role[] = ['director', 'teacher'];

/**
 * Training certificates: the public face (the issuer's keys, status lists, verification), a holder's
 * certificates and their documents, revocation and ZIPs for those who manage them, and certificates from
 * outside. Routes that name a certificate leave the scope to the service: it answers 404 to whoever may not
 * see it.
 */
export default async function certificatesRoutes(
  app: FastifyInstance,
  opts: { db: Db; storage: LocalStorage; publicUrl: string; runJobs: boolean; verifyPerMinute: number },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db, storage } = opts;
  const tags = ['training'];
  service.configureCertificates({ publicUrl: opts.publicUrl });

  if (opts.runJobs) {
    const worker = new JobWorker(
      db,
      { [service.EXPIRY_QUEUE]: service.expiryJob(db) },
      {
        onError: (job, error) => app.log.warn({ err: error, jobId: job.id }, 'certificate reminders failed'),
      },
    );
    app.addHook('onReady', async () => {
      await service
        .scheduleExpiryReminders(db)
        .catch((error: unknown) => app.log.warn({ err: error }, 'certificate reminders not scheduled'));
      worker.start();
    });
    app.addHook('onClose', async () => worker.stop());
  }

  // Evidence travels as the raw body; its kind is told by its bytes.
  app.addContentTypeParser(
    ['application/octet-stream', 'application/pdf', 'image/jpeg', 'image/png'],
    { parseAs: 'buffer', bodyLimit: service.EVIDENCE_MAX_BYTES },
    (_request, body, done) => done(null, body),
  );

  const file = (reply: FastifyReply, body: Buffer | string, type: string, name: string) => {
    reply.header('content-type', type);
    reply.header('content-disposition', `attachment; filename="${encodeURIComponent(name)}"`);
    reply.header('cache-control', 'no-store');
    return reply.send(body);
  };

  // ---------------------------------------------------------------------------------------------- public

  r.get(
    '/training/issuer',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The certificates’ issuer: its controller document with the public keys that sign',
        response: { 200: IssuerDocument },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return service.issuerDocument(db);
    },
  );

  r.get(
    '/training/status-lists/:listId',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A revocation list: a signed BitstringStatusListCredential',
        params: StatusListParams,
        response: { 200: SignedCredential },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'public, max-age=60');
      return (await service.statusListCredential(db, request.params.listId)).credential;
    },
  );

  r.get(
    '/training/certificates/:certificateId/verify',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Verify a certificate by its number: valid, revoked, expired, tampered or unknown, and why',
        params: CertificateParams,
        response: { 200: VerifyResult },
      },
    },
    async (request) => service.verifyById(db, request.locale, request.params.certificateId),
  );

  r.post(
    '/training/verify',
    {
      // A real certificate is 3–4 KB; the route is public, and each check costs a canonicalisation.
      bodyLimit: 32 * 1024,
      config: { access: 'public', rateLimit: { max: opts.verifyPerMinute, timeWindow: 60_000 } },
      schema: {
        tags,
        summary: 'Verify a credential as its holder gives it (the signed JSON): proof, revocation, dates',
        body: VerifyBody,
        response: { 200: VerifyResult },
      },
    },
    async (request) => service.verifyCredential(db, request.locale, request.body),
  );

  // ---------------------------------------------------------------------------------------------- certificates

  r.get(
    '/training/certificates/mine',
    {
      config: { access: 'authenticated' },
      schema: { tags, summary: 'The caller’s certificates', response: { 200: CertificateList } },
    },
    async (request) => service.myCertificates(db, requireActor(request), request.locale),
  );

  r.get(
    '/training/certificates',
    {
      config: { access: { roles: [...MANAGERS, 'director'] } },
      schema: {
        tags,
        summary:
          'Certificates: the nation’s (national staff), an area’s schools’ (regional), a school’s (director)',
        querystring: CertificateQuery,
        response: { 200: CertificateList },
      },
    },
    async (request) => service.listCertificates(db, requireActor(request), request.locale, request.query),
  );

  r.get(
    '/training/certificates/:certificateId/pdf',
    {
      // Open to anyone signed in: a holder keeps their documents whatever their role now; the service answers
      // 404 to whoever is neither the holder nor one who manages them.
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'A certificate as a printable PDF with a QR code, in the caller’s language',
        params: CertificateParams,
      },
    },
    async (request, reply) => {
      const pdf = await service.certificatePdfOf(
        db,
        requireActor(request),
        request.locale,
        request.params.certificateId,
      );
      return file(reply, pdf.body, 'application/pdf', pdf.name);
    },
  );

  r.get(
    '/training/certificates/:certificateId/credential',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'The signed credential (Open Badges 3.0, JSON-LD), for its holder',
        params: CertificateParams,
        response: { 200: SignedCredential },
      },
    },
    async (request, reply) => {
      const found = await service.credentialOf(db, requireActor(request), request.params.certificateId);
      reply.header('content-disposition', `attachment; filename="${found.name}"`);
      reply.header('cache-control', 'no-store');
      return found.body as Record<string, unknown>;
    },
  );

  r.post(
    '/training/certificates/:certificateId/revocation',
    {
      config: { access: { roles: MANAGERS } },
      schema: {
        tags,
        summary: 'Revoke a certificate with a reason (revoking again changes nothing)',
        params: CertificateParams,
        body: RevokeBody,
        response: { 200: Certificate },
      },
    },
    async (request) =>
      service.revoke(
        db,
        requireActor(request),
        changeContext(request),
        request.locale,
        request.params.certificateId,
        request.body,
      ),
  );

  r.post(
    '/training/programmes/:programmeId/certificates',
    {
      config: { access: { roles: ['admin', 'bureau'] } },
      schema: {
        tags,
        summary: 'Issue the certificates a finished programme’s completed enrolments lack',
        params: ProgrammeParams,
        response: { 200: IssueResult },
      },
    },
    async (request) => service.issueProgramme(db, changeContext(request), request.params.programmeId),
  );

  r.get(
    '/training/programmes/:programmeId/certificates.zip',
    {
      config: { access: { roles: MANAGERS } },
      schema: {
        tags,
        summary: 'A programme’s certificates as one ZIP (PDF and signed JSON each), streamed',
        params: ProgrammeParams,
      },
    },
    async (request, reply) => {
      const zip = await service.programmeZip(
        db,
        requireActor(request),
        request.locale,
        request.params.programmeId,
      );
      reply.header('content-type', 'application/zip');
      reply.header('content-disposition', `attachment; filename="${zip.name}"`);
      reply.header('cache-control', 'no-store');
      return reply.send(zip.stream);
    },
  );

  // ---------------------------------------------------------------------------------------------- external

  r.get(
    '/training/external/mine',
    {
      config: { access: { roles: STAFF } },
      schema: { tags, summary: 'The caller’s certificates from outside', response: { 200: ExternalList } },
    },
    async (request) => service.myExternal(db, requireActor(request), request.locale),
  );

  r.get(
    '/training/external',
    {
      config: { access: { roles: [...MANAGERS, 'director'] } },
      schema: {
        tags,
        summary: 'Certificates from outside, to review (regional) or see (national staff, a director)',
        querystring: ExternalQuery,
        response: { 200: ExternalList },
      },
    },
    async (request) => service.listExternal(db, requireActor(request), request.locale, request.query),
  );

  r.post(
    '/training/external',
    {
      config: { access: { roles: STAFF } },
      schema: {
        tags,
        summary: 'Record a certificate from outside (ECDL/ICDL, Intel, other), for the district to verify',
        body: ExternalBody,
        response: { 200: External },
      },
    },
    async (request) =>
      service.createExternal(db, requireActor(request), changeContext(request), request.locale, request.body),
  );

  r.put(
    '/training/external/:externalId/evidence',
    {
      bodyLimit: service.EVIDENCE_MAX_BYTES,
      config: { access: { roles: STAFF } },
      schema: {
        tags,
        summary: 'Upload its evidence (PDF, JPEG or PNG, at most 5 MB) as the raw body',
        params: ExternalParams,
        querystring: EvidenceQuery,
        response: { 200: External },
      },
    },
    async (request) =>
      service.uploadEvidence(
        db,
        storage,
        requireActor(request),
        changeContext(request),
        request.locale,
        request.params.externalId,
        request.query.name ?? null,
        request.body,
      ),
  );

  r.get(
    '/training/external/:externalId/evidence',
    {
      config: { access: { roles: READERS } },
      schema: { tags, summary: 'Its evidence file', params: ExternalParams },
    },
    async (request, reply) => {
      const found = await service.evidenceOf(db, storage, requireActor(request), request.params.externalId);
      reply.header('content-type', found.contentType);
      reply.header('content-disposition', `attachment; filename="${encodeURIComponent(found.name)}"`);
      reply.header('cache-control', 'no-store');
      return reply.send(found.stream);
    },
  );

  r.put(
    '/training/external/:externalId/decision',
    {
      config: { access: { roles: ['admin', 'regional'] } },
      schema: {
        tags,
        summary: 'Verify or reject it with a note (the regional office of the school’s district)',
        params: ExternalParams,
        body: DecisionBody,
        response: { 200: External },
      },
    },
    async (request) =>
      service.decideExternal(
        db,
        requireActor(request),
        changeContext(request),
        request.locale,
        request.params.externalId,
        request.body,
      ),
  );
}
