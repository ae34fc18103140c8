import type { Actor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { AppError, forbidden, notFound, type FieldProblem } from '@/server/errors';
import { defineMessages, translate, type Locale } from '@/server/i18n';
import { staleVersion } from '@/server/versions';
import { audit, type ChangeContext } from '@/modules/identity/identity.service';
import * as identityStore from '@/modules/identity/identity.store';
import { schoolToday } from '@/modules/classroom/classroom.service';
import type { DecisionState } from '@/modules/councils/councils.tables';
import * as store from '@/modules/councils/councils.store';

/**
 * Pedagogical councils: a school's staff meetings with agenda, attendance, minutes and decisions. Only that
 * school's staff (its director and teachers) see them; the director keeps them, and a decision's owner
 * reports its progress. Every change runs in one transaction with its audit entry.
 */

defineMessages({
  en: {
    'councils.invalid': 'The council cannot be saved as it is.',
    'councils.rule.not_staff': 'is not on the staff of this school',
    'councils.rule.duplicate': 'is listed twice',
    'councils.owner_only_status': 'As the owner of a decision you may change only its status.',
  },
  az: {
    'councils.invalid': 'Şuranı bu şəkildə saxlamaq olmur.',
    'councils.rule.not_staff': 'bu məktəbin işçisi deyil',
    'councils.rule.duplicate': 'iki dəfə göstərilib',
    'councils.owner_only_status': 'Qərarın icraçısı kimi yalnız onun vəziyyətini dəyişə bilərsiniz.',
  },
  ru: {
    'councils.invalid': 'Совет нельзя сохранить в таком виде.',
    'councils.rule.not_staff': 'не работает в этой школе',
    'councils.rule.duplicate': 'указан дважды',
    'councils.owner_only_status': 'Как ответственный за решение вы можете менять только его статус.',
  },
});

/** The roles that make up a school's staff for its councils. */
const STAFF_ROLES = ['director', 'teacher'] as const;

const problem = (locale: Locale, field: string, rule: string): FieldProblem => ({
  field,
  reason: rule,
  message: `${field}: ${translate(locale, `councils.rule.${rule}`)}`,
});
const refuseIf = (problems: FieldProblem[]) => {
  if (problems.length > 0) throw new AppError(422, 'councils.invalid', {}, problems);
};

const directs = (actor: Actor, institutionId: number) =>
  actor.grants.some((g) => g.role === 'director' && g.institutionId === institutionId);

/** The institution a meeting belongs to, for the route's scope. */
export async function institutionOfMeeting(db: Db, meetingId: number): Promise<number> {
  const id = await store.institutionOfMeeting(db, meetingId);
  if (id === undefined) throw notFound('council');
  return id;
}

/** The institution a decision belongs to, for the route's scope. */
export async function institutionOfDecision(db: Db, decisionId: number): Promise<number> {
  const decision = await store.findDecision(db, decisionId);
  if (!decision) throw notFound('decision');
  return institutionOfMeeting(db, decision.meetingId);
}

/** Which of `ids` are not on the school's staff. */
async function notStaff(db: Db, institutionId: number, ids: number[]): Promise<Set<number>> {
  const staff = await identityStore.roleHoldersAt(db, 'teacher', institutionId, { ids });
  const directors = await identityStore.roleHoldersAt(db, 'director', institutionId, { ids });
  const known = new Set([...staff, ...directors].map((p) => p.id));
  return new Set(ids.filter((id) => !known.has(id)));
}

export async function listMeetings(db: Db, institutionId: number, range: { from?: string; to?: string }) {
  const rows = await store.listMeetings(db, institutionId, range, schoolToday());
  return {
    items: rows.map((r) => ({
      id: r.id,
      heldOn: r.heldOn,
      title: r.title,
      attendance: { present: r.present, recorded: r.recorded },
      decisions: { open: r.open, overdue: r.overdue },
    })),
  };
}

/** A meeting with its attendance, decisions and the staff who may be recorded or given a decision. */
export async function getMeeting(db: Db, actor: Actor, meetingId: number) {
  const meeting = await store.findMeeting(db, meetingId);
  if (!meeting) throw notFound('council');
  const attendance = await store.attendanceOf(db, meetingId);
  const decisions = await store.decisionsOf(db, meetingId);
  const staff = await identityStore.peopleWithRolesAt(db, [...STAFF_ROLES], meeting.institutionId);
  return {
    id: meeting.id,
    institutionId: meeting.institutionId,
    heldOn: meeting.heldOn,
    title: meeting.title,
    agenda: meeting.agenda,
    minutes: meeting.minutes,
    attendance,
    decisions,
    staff: staff.map((s) => ({ id: s.id, displayName: s.displayName })),
    canManage: directs(actor, meeting.institutionId),
    version: meeting.version,
    updatedAt: meeting.updatedAt.toISOString(),
  };
}

export interface MeetingInput {
  heldOn: string;
  title: string;
  agenda?: string;
}

export async function createMeeting(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  institutionId: number,
  input: MeetingInput,
) {
  const id = await db.transaction(async (tx) => {
    const row = await store.insertMeeting(tx, {
      institutionId,
      heldOn: input.heldOn,
      title: input.title.trim(),
      agenda: input.agenda ?? '',
      createdBy: actor.userId,
    });
    await audit(tx, ctx, { action: 'create', entity: 'council', entityId: row.id, after: row });
    return row.id;
  });
  return getMeeting(db, actor, id);
}

export interface MeetingChange extends MeetingInput {
  /** The version the change was made from (see `staleVersion`). */
  version: number;
  minutes?: string;
  attendance?: { userId: number; present: boolean }[];
}

/** Saves a meeting's details, minutes and (when given) its attendance list, all checked against the staff. */
export async function updateMeeting(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  locale: Locale,
  meetingId: number,
  input: MeetingChange,
) {
  await db.transaction(async (tx) => {
    const before = await store.findMeeting(tx, meetingId);
    if (!before) throw notFound('council');
    const list = input.attendance;
    if (list) {
      const outsiders = await notStaff(
        tx,
        before.institutionId,
        list.map((a) => a.userId),
      );
      const seen = new Set<number>();
      const problems: FieldProblem[] = [];
      list.forEach((a, i) => {
        if (outsiders.has(a.userId)) problems.push(problem(locale, `attendance.${i}.userId`, 'not_staff'));
        else if (seen.has(a.userId)) problems.push(problem(locale, `attendance.${i}.userId`, 'duplicate'));
        seen.add(a.userId);
      });
      refuseIf(problems);
    }
    const after =
      before.version === input.version
        ? await store.updateMeeting(tx, meetingId, input.version, {
            heldOn: input.heldOn,
            title: input.title.trim(),
            agenda: input.agenda ?? before.agenda,
            minutes: input.minutes ?? before.minutes,
          })
        : undefined;
    if (!after) throw staleVersion(input, await getMeeting(tx, actor, meetingId));
    const attendanceBefore = list ? await store.attendanceOf(tx, meetingId) : undefined;
    if (list) await store.replaceAttendance(tx, meetingId, list);
    await audit(tx, ctx, {
      action: 'update',
      entity: 'council',
      entityId: meetingId,
      before: { ...before, attendance: attendanceBefore },
      after: { ...after, attendance: list },
    });
  });
  return getMeeting(db, actor, meetingId);
}

export interface DecisionInput {
  text: string;
  ownerId: number;
  dueOn: string;
}

export async function addDecision(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  locale: Locale,
  meetingId: number,
  input: DecisionInput,
) {
  await db.transaction(async (tx) => {
    const meeting = await store.findMeeting(tx, meetingId);
    if (!meeting) throw notFound('council');
    if ((await notStaff(tx, meeting.institutionId, [input.ownerId])).size > 0)
      refuseIf([problem(locale, 'ownerId', 'not_staff')]);
    const row = await store.insertDecision(tx, { meetingId, ...input, text: input.text.trim() });
    await audit(tx, ctx, { action: 'create', entity: 'council_decision', entityId: row.id, after: row });
  });
  return getMeeting(db, actor, meetingId);
}

export interface DecisionChange {
  text?: string;
  ownerId?: number;
  dueOn?: string;
  status?: DecisionState;
}

/** The director changes anything of a decision; its owner only reports its status. */
export async function updateDecision(
  db: Db,
  actor: Actor,
  ctx: ChangeContext,
  locale: Locale,
  decisionId: number,
  input: DecisionChange,
) {
  return db.transaction(async (tx) => {
    const before = await store.findDecision(tx, decisionId);
    if (!before) throw notFound('decision');
    const meeting = (await store.findMeeting(tx, before.meetingId))!;
    if (!directs(actor, meeting.institutionId)) {
      if (before.ownerId !== actor.userId) throw forbidden();
      if (input.text !== undefined || input.ownerId !== undefined || input.dueOn !== undefined)
        throw new AppError(403, 'councils.owner_only_status');
    }
    if (input.ownerId !== undefined && (await notStaff(tx, meeting.institutionId, [input.ownerId])).size > 0)
      refuseIf([problem(locale, 'ownerId', 'not_staff')]);
    const after = await store.updateDecision(tx, decisionId, {
      ...input,
      ...(input.text !== undefined ? { text: input.text.trim() } : {}),
    });
    await audit(tx, ctx, {
      action: 'update',
      entity: 'council_decision',
      entityId: decisionId,
      before,
      after,
    });
    const [row] = (await store.decisionsOf(tx, before.meetingId)).filter((d) => d.id === decisionId);
    return row!;
  });
}

/** A school's decisions: all, or the caller's own (`mine`), by status. */
export async function listDecisions(
  db: Db,
  actor: Actor,
  institutionId: number,
  filter: { status?: DecisionState; mine?: boolean },
) {
  const items = await store.listDecisions(db, institutionId, {
    status: filter.status,
    ownerId: filter.mine ? actor.userId : undefined,
  });
  return { items };
}
