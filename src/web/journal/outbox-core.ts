import type { EntriesResult, EntryInput, Theirs } from '@/web/journal/types';

/**
 * The journal's outbox, as pure data: marks a teacher saved that the server has not confirmed yet, and the
 * cells someone else changed meanwhile. The browser side (`outbox.ts`) keeps this in localStorage and sends
 * it; everything that decides what happens to a cell is here, so it can be tested without a browser.
 */

/** Which journal a change belongs to: one request carries one group. */
export interface GroupKey {
  classId: number;
  subjectCode: string;
  term: string;
}

/** A cell waiting to be sent; `stamp` tells a later edit of the same cell from the one that was sent. */
export interface PendingCell extends EntryInput {
  stamp: number;
}

/** Why a group cannot be sent as it is: the term was closed (a reason is needed), or the server refused it. */
export interface GroupProblem {
  status: number;
  code: string;
  message: string;
}

/** The pending cells of one journal. */
export interface PendingGroup extends GroupKey {
  cells: PendingCell[];
  correctionReason?: string;
  problem?: GroupProblem;
}

/** A cell the server did not write because someone else changed it after the teacher's page loaded it. */
export interface Conflict extends GroupKey {
  mine: EntryInput;
  theirs: Theirs;
}

/** Everything waiting on this device. */
export interface OutboxState {
  groups: PendingGroup[];
  conflicts: Conflict[];
}

export const EMPTY: OutboxState = { groups: [], conflicts: [] };

export const sameGroup = (a: GroupKey, b: GroupKey): boolean =>
  a.classId === b.classId && a.subjectCode === b.subjectCode && a.term === b.term;

export const sameCell = (a: { studentId: number; key: string }, b: { studentId: number; key: string }) =>
  a.studentId === b.studentId && a.key === b.key;

/** A later edit of a pending cell: its fields replace the pending ones; the version it was based on stays. */
function merge(old: PendingCell, next: PendingCell): PendingCell {
  const merged: PendingCell = { ...old, stamp: next.stamp };
  if ('attendance' in next) merged.attendance = next.attendance;
  if ('mark' in next) merged.mark = next.mark;
  return merged;
}

/** Adds a teacher's saved changes to the outbox. A conflict on a cell the teacher edits again is settled by the new edit. */
export function enqueue(
  state: OutboxState,
  key: GroupKey,
  entries: EntryInput[],
  stamp: number,
  correctionReason?: string,
): OutboxState {
  const existing = state.groups.find((g) => sameGroup(g, key));
  const cells = [...(existing?.cells ?? [])];
  for (const entry of entries) {
    const next: PendingCell = { ...entry, stamp };
    const at = cells.findIndex((c) => sameCell(c, entry));
    if (at >= 0) cells[at] = merge(cells[at]!, next);
    else cells.push(next);
  }
  const group: PendingGroup = {
    classId: key.classId,
    subjectCode: key.subjectCode,
    term: key.term,
    cells,
    ...(correctionReason
      ? { correctionReason }
      : existing?.correctionReason
        ? { correctionReason: existing.correctionReason }
        : {}),
  };
  return {
    groups: [...state.groups.filter((g) => !sameGroup(g, key)), group],
    conflicts: state.conflicts.filter(
      (c) => !(sameGroup(c, key) && entries.some((e) => sameCell(e, c.mine))),
    ),
  };
}

/** What one request sends for a group. */
export function requestOf(group: PendingGroup): {
  term: string;
  entries: EntryInput[];
  correctionReason?: string;
} {
  return {
    term: group.term,
    entries: group.cells.map(({ stamp: _stamp, ...entry }) => entry),
    ...(group.correctionReason ? { correctionReason: group.correctionReason } : {}),
  };
}

/**
 * Applies the server's answer to what was sent. Saved cells leave the outbox, unless they were edited again
 * while the request was on its way: those stay, now based on the version just saved. Conflicting cells leave
 * it too and wait for the teacher's choice.
 */
export function settle(state: OutboxState, sent: PendingGroup, result: EntriesResult): OutboxState {
  const group = state.groups.find((g) => sameGroup(g, sent));
  const sentStamp = (cell: { studentId: number; key: string }) =>
    sent.cells.find((c) => sameCell(c, cell))?.stamp;
  let cells = group?.cells ?? [];
  for (const saved of result.saved) {
    cells = cells.flatMap((c) => {
      if (!sameCell(c, saved)) return [c];
      return c.stamp === sentStamp(c) ? [] : [{ ...c, baseVersion: saved.version }];
    });
  }
  const conflicts: Conflict[] = [];
  for (const conflict of result.conflicts) {
    const mine = cells.find((c) => sameCell(c, conflict)) ?? sent.cells.find((c) => sameCell(c, conflict));
    cells = cells.filter((c) => !sameCell(c, conflict));
    if (!mine) continue;
    const { stamp: _stamp, ...entry } = mine;
    conflicts.push({
      classId: sent.classId,
      subjectCode: sent.subjectCode,
      term: sent.term,
      mine: entry,
      theirs: conflict.theirs,
    });
  }
  const others = state.groups.filter((g) => !sameGroup(g, sent));
  const rest = group && cells.length > 0 ? [...others, { ...group, cells, problem: undefined }] : others;
  return {
    groups: rest,
    conflicts: [
      ...state.conflicts.filter((c) => !conflicts.some((n) => sameGroup(c, n) && sameCell(c.mine, n.mine))),
      ...conflicts,
    ],
  };
}

/** Marks a group as refused, so it is not sent again until the teacher acts. */
export function refuse(state: OutboxState, key: GroupKey, problem: GroupProblem): OutboxState {
  return {
    ...state,
    groups: state.groups.map((g) => (sameGroup(g, key) ? { ...g, problem } : g)),
  };
}

/** Gives a refused group a correction reason (a closed term) and lets it be sent again. */
export function withReason(state: OutboxState, key: GroupKey, reason: string): OutboxState {
  return {
    ...state,
    groups: state.groups.map((g) =>
      sameGroup(g, key) ? { ...g, correctionReason: reason, problem: undefined } : g,
    ),
  };
}

/** Drops a group's pending cells (the teacher gave them up). */
export function discard(state: OutboxState, key: GroupKey): OutboxState {
  return { ...state, groups: state.groups.filter((g) => !sameGroup(g, key)) };
}

/**
 * The teacher's choice on a conflict. "theirs" forgets mine; "mine" queues it again, now based on their
 * version, so the server accepts it unless the cell changed yet again.
 */
export function resolve(
  state: OutboxState,
  conflict: Conflict,
  choice: 'mine' | 'theirs',
  stamp: number,
): OutboxState {
  const rest: OutboxState = {
    ...state,
    conflicts: state.conflicts.filter((c) => !(sameGroup(c, conflict) && sameCell(c.mine, conflict.mine))),
  };
  if (choice === 'theirs') return rest;
  return enqueue(rest, conflict, [{ ...conflict.mine, baseVersion: conflict.theirs.version }], stamp);
}

/** Reads a stored outbox, accepting only what has the expected shape. */
export function parse(text: string | null): OutboxState {
  if (!text) return EMPTY;
  try {
    const value = JSON.parse(text) as Partial<OutboxState>;
    if (!Array.isArray(value.groups) || !Array.isArray(value.conflicts)) return EMPTY;
    return { groups: value.groups, conflicts: value.conflicts };
  } catch {
    return EMPTY;
  }
}
