import type { Db } from '@/server/db/database';
import { updateInstitution } from '@/modules/institutions/institutions.service';
import * as allocation from '@/modules/allocation/allocation.service';
import type { PlanInput } from '@/modules/allocation/allocation.schema';
import type { Session } from '@test/harness';

/**
 * Distribution plans in each state a route needs, built through the distribution's own service: for the tests
 * that walk every route (a state change must succeed for each caller the policy admits).
 */

/**
 * Saves a plan as its page does: with the `editVersion` read just before (0 for one who may not read it, to
 * meet the refusal of the write itself).
 */
export async function savePlanAsRead(session: Session, planId: number, payload: object) {
  const url = `/api/allocation/plans/${planId}`;
  const read = await session.inject({ url });
  const editVersion = read.statusCode === 200 ? read.json<{ editVersion: number }>().editVersion : 0;
  return session.inject({ method: 'PUT', url, payload: { editVersion, ...payload } });
}

/** Applies (or changes the application) as the school's page does: with the application's version read (0: none). */
export async function applyAsRead(session: Session, planId: number, schoolId: number, payload: object) {
  const page = `/api/allocation/plans/${planId}/schools/${schoolId}`;
  const read = await session.inject({ url: page });
  const version =
    read.statusCode === 200
      ? (read.json<{ application: { version: number } | null }>().application?.version ?? 0)
      : 0;
  return session.inject({ method: 'PUT', url: `${page}/application`, payload: { version, ...payload } });
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** A plan of projectors in lots of one, its application window open today. */
export const allocationPlanBody = (yearId: number, name = 'Test distribution'): PlanInput => ({
  academicYearId: yearId,
  name,
  rules: {
    units: { desktop: 0, laptop: 0, tablet: 0, projector: 100, interactive_board: 0 },
    unitPrices: {},
    budget: null,
    norm: 15,
    lotSize: 1,
    regionalMinimums: [],
    weights: { ratioGap: 1, shifts: 1, connection: 1, projects: 1, equity: 1 },
    recentYears: 2,
  },
  applicationsOpenOn: day(-1),
  applicationsCloseOn: day(5),
  appealsCloseOn: day(10),
});

/** The plans: open (no application yet), examining (the school's application registered), to approve, approved. */
export interface AllocationWorld {
  openPlanId: number;
  examinedApplicationId: number;
  approvablePlanId: number;
  approvedPlanId: number;
  /** A batch of the approved plan, sent to the school and not yet confirmed. */
  batchId: number;
}

/** Builds the plans for `schoolId` (which gets 300 students, so that it needs devices). */
export async function createAllocationWorld(
  db: Db,
  yearId: number,
  schoolId: number,
): Promise<AllocationWorld> {
  const ctx = { actorId: null, ip: null };
  await updateInstitution(db, ctx, schoolId, { studentCount: 300 });
  const published = async (name: string) => {
    const plan = await allocation.createPlan(db, ctx, allocationPlanBody(yearId, name), 'en');
    return allocation.publishPlan(db, ctx, plan.id);
  };
  const request = {
    version: 0,
    requested: { projector: 10 },
    justification: 'Sinif otaqlarında proyektor yoxdur',
  };

  const open = await published('Open plan');
  const examining = await published('Plan in examination');
  const examined = await allocation.apply(db, ctx, examining.id, schoolId, request, 'en');
  await allocation.registerApplication(db, ctx, examined.id, 'en');
  const approvable = await published('Plan to approve');

  const approved = await published('Approved plan');
  const application = await allocation.apply(db, ctx, approved.id, schoolId, request, 'en');
  await allocation.registerApplication(db, ctx, application.id, 'en');
  const gates = { complete: true, electricity: true, secureRoom: true, audited: true };
  await allocation.examineApplication(db, ctx, application.id, { gates }, 'en');
  await allocation.approvePlan(db, ctx, approved.id);
  const batch = await allocation.createBatch(
    db,
    ctx,
    approved.id,
    { institutionId: schoolId, items: [{ kind: 'projector', units: 1 }] },
    'en',
  );
  return {
    openPlanId: open.id,
    examinedApplicationId: examined.id,
    approvablePlanId: approvable.id,
    approvedPlanId: approved.id,
    batchId: batch.id,
  };
}
