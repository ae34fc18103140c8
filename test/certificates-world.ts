import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Db } from '@/server/db/database';
import { LocalStorage } from '@/server/storage';
import {
  certificates,
  enrolments,
  externalCertificates,
  frameworks,
  programmes,
} from '@/modules/training/training.tables';
import { issueForEnrolment } from '@/modules/training/training.certificates.service';
import { PDF } from '@test/assignments-world';

/**
 * Training rows for the certificates' tests and benchmarks, written directly (the programmes' own use case makes
 * them through its API): a framework, a finished programme, completed enrolments.
 */

export async function trainingFramework(db: Db, id = 'test-framework'): Promise<string> {
  const text = { az: 'Çərçivə', ru: 'Рамка', en: 'Framework' };
  await db
    .insert(frameworks)
    .values({ id, position: 1, name: text, description: text, levels: [] })
    .onConflictDoNothing();
  return id;
}

let counter = 0;

export async function finishedProgramme(
  db: Db,
  createdBy: number,
  overrides: Partial<typeof programmes.$inferInsert> = {},
): Promise<number> {
  const frameworkId = await trainingFramework(db);
  const [row] = await db
    .insert(programmes)
    .values({
      title: `Rəqəmsal dərs: İKT əsasları ${++counter}`,
      description: 'Müəllimlər üçün İKT bacarıqları',
      mode: 'blended',
      frameworkId,
      hours: 36,
      validMonths: 24,
      status: 'finished',
      createdBy,
      ...overrides,
    })
    .returning({ id: programmes.id });
  return row!.id;
}

/** Completed enrolments of people at a school; returns their ids in order. */
export async function completedEnrolments(
  db: Db,
  programmeId: number,
  people: { userId: number; institutionId: number }[],
  status: (typeof enrolments.$inferInsert)['status'] = 'completed',
): Promise<number[]> {
  if (people.length === 0) return [];
  const found = await db
    .insert(enrolments)
    .values(
      people.map((p) => ({
        programmeId,
        userId: p.userId,
        institutionId: p.institutionId,
        status,
        origin: 'self' as const,
        requestedBy: p.userId,
        attended: true,
        score: 90,
        completedAt: status === 'completed' ? new Date() : null,
      })),
    )
    .returning({ id: enrolments.id });
  return found.map((r) => r.id);
}

/** What the route × role walk needs of the certificates (see test/routes.test.ts). */
export interface CertificatesWorld {
  programmeId: number;
  /** The walk's teacher's certificate (their school, the walk's district), and the director's own. */
  certificateId: string;
  directorCertificateId: string;
  /** One the managers revoke, and one at the other school (another district). */
  revocableId: string;
  otherCertificateId: string;
  statusListId: number;
  /** A certificate of each holder given (by role): their documents are theirs whatever their role. */
  ownCertificateIds: Record<string, string>;
  /** The teacher's signed credential, as a holder would paste it. */
  credential: Record<string, unknown>;
  /** External certificates: with evidence, the teacher's and the director's own (to upload to); one to decide. */
  externalId: number;
  directorExternalId: number;
  decisionExternalId: number;
  /** Another to decide, for the regional office (a certificate is decided once). */
  regionalDecisionExternalId: number;
  otherExternalId: number;
}

export async function certificatesWorld(
  db: Db,
  storageRoot: string,
  people: {
    bureauId: number;
    teacherId: number;
    directorId: number;
    schoolId: number;
    otherTeacherId: number;
    otherSchoolId: number;
    /** People, by role, who hold a certificate each (enrolled from the school). */
    holders?: Record<string, number>;
  },
): Promise<CertificatesWorld> {
  const programmeId = await finishedProgramme(db, people.bureauId);
  const revocable = await finishedProgramme(db, people.bureauId);
  const [teacherE, directorE, otherE] = await completedEnrolments(db, programmeId, [
    { userId: people.teacherId, institutionId: people.schoolId },
    { userId: people.directorId, institutionId: people.schoolId },
    { userId: people.otherTeacherId, institutionId: people.otherSchoolId },
  ]);
  const [revocableE] = await completedEnrolments(db, revocable, [
    { userId: people.teacherId, institutionId: people.schoolId },
  ]);
  const issue = (id: number) => db.transaction((tx) => issueForEnrolment(tx, id));
  const certificateId = (await issue(teacherE!)).id;
  const [row] = await db.select().from(certificates).where(eq(certificates.id, certificateId));
  const external = async (userId: number, institutionId: number, withEvidence: boolean) => {
    const [e] = await db
      .insert(externalCertificates)
      .values({
        userId,
        institutionId,
        kind: 'ecdl',
        title: 'ECDL Core',
        provider: 'ECDL Foundation',
        issuedOn: '2007-05-10',
      })
      .returning();
    if (withEvidence) {
      const key = `training/external/${e!.id}/walk`;
      const temp = path.join(os.tmpdir(), `walk-evidence-${e!.id}-${Date.now()}`);
      fs.writeFileSync(temp, PDF);
      await new LocalStorage(storageRoot).putFile(key, temp);
      await db
        .update(externalCertificates)
        .set({ evidenceKey: key, evidenceName: 'ecdl.pdf' })
        .where(eq(externalCertificates.id, e!.id));
    }
    return e!.id;
  };
  const held = await finishedProgramme(db, people.bureauId);
  const holders = Object.entries(people.holders ?? {});
  const heldEnrolments = await completedEnrolments(
    db,
    held,
    holders.map(([, userId]) => ({ userId, institutionId: people.schoolId })),
  );
  const ownCertificateIds: Record<string, string> = {};
  for (const [i, [role]] of holders.entries()) ownCertificateIds[role] = (await issue(heldEnrolments[i]!)).id;
  return {
    programmeId,
    ownCertificateIds,
    certificateId,
    directorCertificateId: (await issue(directorE!)).id,
    revocableId: (await issue(revocableE!)).id,
    otherCertificateId: (await issue(otherE!)).id,
    statusListId: row!.statusListId,
    credential: row!.credential as Record<string, unknown>,
    externalId: await external(people.teacherId, people.schoolId, true),
    directorExternalId: await external(people.directorId, people.schoolId, false),
    decisionExternalId: await external(people.teacherId, people.schoolId, false),
    regionalDecisionExternalId: await external(people.teacherId, people.schoolId, false),
    otherExternalId: await external(people.otherTeacherId, people.otherSchoolId, true),
  };
}
