import { sql } from 'drizzle-orm';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { buildApp } from '@/server/app';
import { rows, type Database } from '@/server/db/database';
import * as credentials from '@/modules/training/credentials';
import * as service from '@/modules/training/training.certificates.service';
import { createAreas, createInstitution, createUserWithRole } from '@test/factories';
import { finishedProgramme } from '@test/certificates-world';
import { testConfig } from '@test/harness';
import { percentile, withDatabase } from './support';

/**
 * Training certificates:
 * - issuing a finished programme's 10,000 certificates through `issueForProgramme` (each an Open Badges 3.0
 *   credential signed with eddsa-rdfc-2022, its status index taken, stored with the audit entry), in
 *   certificates per second, against signing the same payloads with the library alone (`vc.issue`, the same
 *   concurrency, no database; half before and half after the service's run) in the same run; goal: at least 0.8 of the library alone;
 * - verifying a certificate by its number through the API (`GET /api/training/certificates/:id/verify`) on the
 *   node that issued it (it knows the proofs it made), and as another node would: the first check of each (its
 *   proof verified by the library) and a repeated one (the result kept); goal p95 under 20 ms on PostgreSQL
 *   (PGlite reported too).
 *
 * BENCH_CERTIFICATES sets how many are issued (default 10,000); BENCH_RUNS how many are verified (default 500).
 */

const COUNT = Number(process.env.BENCH_CERTIFICATES ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 500);
const ISSUE_GOAL = 0.8;
const VERIFY_GOAL_MS = 20;

if (!Number.isInteger(COUNT) || COUNT < 1) {
  throw new Error(`BENCH_CERTIFICATES must be a whole number, not ${process.env.BENCH_CERTIFICATES}`);
}
if (!Number.isInteger(RUNS) || RUNS < 1) {
  throw new Error(`BENCH_RUNS must be a whole number of requests, not ${process.env.BENCH_RUNS}`);
}

const fmt = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

/** Signs the payloads with the library alone, in batches of the same size and concurrency as the service. */
async function bareLibrary(payloads: Record<string, unknown>[], issuerId: string): Promise<number> {
  const pair = await Ed25519Multikey.generate({ id: `${issuerId}#bench`, controller: issuerId });
  const suite = new DataIntegrityProof({ signer: pair.signer(), cryptosuite });
  const documentLoader = credentials.makeDocumentLoader(() => undefined);
  // Warmed up first (the code paths, the contexts' caches), as the service is by the same run.
  await Promise.all(
    payloads.slice(0, 200).map((credential) => vc.issue({ credential, suite, documentLoader })),
  );
  const started = performance.now();
  for (let i = 0; i < payloads.length; i += service.ISSUE_BATCH) {
    await Promise.all(
      payloads
        .slice(i, i + service.ISSUE_BATCH)
        .map((credential) => vc.issue({ credential, suite, documentLoader })),
    );
  }
  return (performance.now() - started) / 1000;
}

async function measure(database: Database): Promise<string[]> {
  const db = database.db;
  const app = await buildApp(testConfig(), database);
  await app.ready();
  try {
    const areas = await createAreas(db);
    const school = await createInstitution(db, areas.district);
    const bureau = await createUserWithRole(db, 'bureau', {});
    const programmeId = await finishedProgramme(db, bureau.id, { title: 'Rəqəmsal təhsil: İKT əsasları' });
    // The programme's 10,000 completed teachers, written in bulk.
    await db.execute(sql`
      insert into identity_user (username, display_name)
      select 'bench-teacher-' || n, 'Müəllim ' || n || ' Həsənova' from generate_series(1, ${COUNT}) n`);
    await db.execute(sql`
      insert into training_enrolment (programme_id, user_id, institution_id, status, origin, requested_by, completed_at)
      select ${programmeId}, u.id, ${school.id}, 'completed', 'self', u.id, now()
      from identity_user u where u.username like 'bench-teacher-%'`);

    // The same payloads as the service signs: the credential of each enrolment, with its index.
    const people = await rows<{ name: string }>(
      db,
      sql`select display_name as name from identity_user where username like 'bench-teacher-%' order by id`,
    );
    const now = new Date();
    const payloads = people.map((p, i) =>
      credentials.openBadgeCredential({
        certificateId: crypto.randomUUID(),
        issuerId: service.issuerId(),
        issuerName: 'Azərbaycan Respublikasının Elm və Təhsil Nazirliyi',
        holderName: p.name,
        achievementId: `${service.issuerId()}/achievements/1`,
        title: 'Rəqəmsal təhsil: İKT əsasları',
        description: 'Müəllimlər üçün İKT bacarıqları',
        criteria: 'Proqramı başa vurub (36 saat).',
        validFrom: now,
        validUntil: new Date(now.getTime() + 730 * 86_400_000),
        statusListUrl: service.statusListUrl(1),
        statusIndex: i,
      }),
    );

    // The library alone signs half the payloads before the service's run and half after, so that a machine
    // growing busier or quieter during the run weighs on both.
    const half = Math.ceil(payloads.length / 2);
    const before = await bareLibrary(payloads.slice(0, half), service.issuerId());
    const started = performance.now();
    const { issued } = await service.issueForProgramme(db, programmeId);
    const ourSeconds = (performance.now() - started) / 1000;
    const after = await bareLibrary(payloads.slice(half), service.issuerId());
    const bareSeconds = before + after;
    if (issued !== COUNT) throw new Error(`issued ${issued} of ${COUNT}`);
    const ours = COUNT / ourSeconds;
    const bare = COUNT / bareSeconds;
    const ratio = ours / bare;

    // Verification by number through the API: first checks, then the same again.
    const ids = (
      await rows<{ id: string }>(
        db,
        sql`select id from training_certificate where programme_id = ${programmeId} order by random() limit ${RUNS}`,
      )
    ).map((r) => r.id);
    const time = async (id: string) => {
      const t0 = performance.now();
      const res = await app.inject({ url: `/api/training/certificates/${id}/verify` });
      const ms = performance.now() - t0;
      if (res.statusCode !== 200 || res.json<{ status: string }>().status !== 'valid')
        throw new Error(`verify ${id}: ${res.statusCode} ${res.body}`);
      return ms;
    };
    const sample = async (list: string[]) => {
      const ms: number[] = [];
      for (const id of list) ms.push(await time(id));
      return ms.sort((a, b) => a - b);
    };
    const warm = ids.slice(0, 20);
    const measured = ids.slice(20);
    for (const id of warm) await time(id);
    // On the node that issued them: their proofs were made here, nothing is checked again.
    const issuing = await sample(measured);
    // On a node that has not seen them: each one's proof is checked by the library the first time…
    service.forgetProofChecks();
    for (const id of warm) await time(id);
    const first = await sample(measured);
    // …and its result kept for the next.
    const again = await sample(measured);
    const onPg = database.driver === 'postgres';
    const goal = onPg ? ` (goal p95 < ${VERIFY_GOAL_MS} ms)` : ' (goal on PostgreSQL)';
    const line = (what: string, ms: number[]) => {
      const p95 = percentile(ms, 0.95);
      return (
        `certificates verify-by-id ${database.driver}, ${what}: p50 ${fmt.format(percentile(ms, 0.5))} ms, ` +
        `p95 ${fmt.format(p95)} ms${goal}${onPg && p95 >= VERIFY_GOAL_MS ? ' MISSED' : ''}`
      );
    };
    return [
      `certificates issue ${database.driver}: ${COUNT} in ${fmt.format(ourSeconds)} s, ${fmt.format(ours)}/s; ` +
        `library alone ${fmt.format(bare)}/s; ratio ${ratio.toFixed(2)} (goal >= ${ISSUE_GOAL})` +
        (ratio >= ISSUE_GOAL ? '' : ' MISSED'),
      line('on the issuing node', issuing),
      line('another node, first check (proof verified)', first),
      line('another node, again', again),
    ];
  } finally {
    await app.close();
  }
}

/** PGlite always; PostgreSQL too when DATABASE_URL is set. */
export async function run(report: (line: string) => void): Promise<void> {
  for (const line of await withDatabase(undefined, measure)) report(line);
  const url = process.env.DATABASE_URL;
  if (url) for (const line of await withDatabase(url, measure)) report(line);
}
