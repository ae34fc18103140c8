import type { Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import { unblockRequests } from '@/modules/safety/safety.tables';

/**
 * Unblock requests for the route × role walk: for each caller a pending request of its own to approve, to
 * reject and to withdraw (a request is decided once), at the school and at the other school; one to read.
 */
export interface SafetyRequestsWorld {
  readId: number;
  approve: Record<string, number>;
  reject: Record<string, number>;
  withdraw: Record<string, number>;
  outsideApprove: Record<string, number>;
}

const CALLERS = [
  'anonymous',
  'admin',
  'bureau',
  'regional',
  'director',
  'teacher',
  'student',
  'parent',
  'editor',
];

export async function safetyRequestsWorld(
  db: Db,
  w: { schoolId: number; otherSchoolId: number; ids: Record<Role, number> },
): Promise<SafetyRequestsWorld> {
  const at = Date.now();
  const pending = async (institutionId: number, requestedBy: number) => {
    const [row] = await db
      .insert(unblockRequests)
      .values({
        institutionId,
        domain: 'walk.example',
        reason: 'Walk',
        startsAt: new Date(at),
        endsAt: new Date(at + 7 * 86_400_000),
        requestedBy,
      })
      .returning();
    return row!.id;
  };
  const pool = async (institutionId: number) => {
    const out: Record<string, number> = {};
    for (const caller of CALLERS) {
      const asker = caller === 'director' ? w.ids.director : w.ids.teacher;
      out[caller] = await pending(institutionId, asker);
    }
    return out;
  };
  return {
    readId: await pending(w.schoolId, w.ids.teacher),
    approve: await pool(w.schoolId),
    reject: await pool(w.schoolId),
    withdraw: await pool(w.schoolId),
    outsideApprove: await pool(w.otherSchoolId),
  };
}
