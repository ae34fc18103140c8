import type { Static } from 'typebox';
import type {
  AttendanceCode as AttendanceCodeSchema,
  Cell as CellSchema,
  Column as ColumnSchema,
  Entry,
  EntriesResult as EntriesResultSchema,
  HistoryEntry,
  JournalPage,
  LinkCode as LinkCodeSchema,
  Linked,
  Overview,
  Result,
  SchoolSummary as SchoolSummarySchema,
  TermClosed as TermClosedSchema,
} from '@/modules/journal/journal.schema';

/**
 * The class journal's API answers and requests, as the server's own schemas define them (type-only imports:
 * nothing of the server reaches the bundle).
 */

/** One attendance code of the country pack, in the caller's language. */
export type AttendanceCode = Static<typeof AttendanceCodeSchema>;
/** One filled cell (student × column). */
export type Cell = Static<typeof CellSchema>;
/** A cell's attendance. */
export type Attendance = NonNullable<Cell['attendance']>;
/** A cell's mark. */
export type Mark = NonNullable<Cell['mark']>;
/** One column of the journal: a lesson occurrence or a summative assessment. */
export type Column = Static<typeof ColumnSchema>;
/** A student's term result: computed, and the teacher's override with who and why. */
export type TermResult = Static<typeof Result>;
/** The journal of a class, subject and term. */
export type JournalView = Static<typeof JournalPage>;
/** One cell to write: attendance and mark are left as they are when absent, cleared when null. */
export type EntryInput = Static<typeof Entry>;
/** The answer to a batch of entries: what was saved, and what someone else changed meanwhile. */
export type EntriesResult = Static<typeof EntriesResultSchema>;
/** What someone else wrote in a cell meanwhile. */
export type Theirs = EntriesResult['conflicts'][number]['theirs'];
/** One step of a cell's history. */
export type HistoryStep = Static<typeof HistoryEntry>;
/** A new one-time code that links a parent to a student. */
export type LinkCode = Static<typeof LinkCodeSchema>;
/** The child a code linked. */
export type LinkedChild = Static<typeof Linked>;
/** A student's overview for a term. */
export type StudentOverview = Static<typeof Overview>;
/** A school's term summary, by class. */
export type SchoolSummary = Static<typeof SchoolSummarySchema>;
/** A closed term. */
export type TermClosed = Static<typeof TermClosedSchema>;
