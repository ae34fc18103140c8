import { zipSync, strToU8 } from 'fflate';
import { readCsv, type ReadFile } from '@/modules/infrastructure/registry-import.files';
import { bufferSource, isZip, unpack, type ArchiveLimits } from '@/server/archive';
import { AppError } from '@/server/errors';
import { csvText } from '@/server/csv';
import { runInWorker } from '@/server/worker-pool';

/**
 * The OneRoster 1.2 CSV binding as far as the classroom uses it: the column headers of each file in the
 * spec's order, building the zip of a bulk export, and reading an uploaded zip safely (bounded unpacking,
 * src/server/archive.ts, in a worker thread, so that a zip bomb is refused before it fills the memory). Nothing
 * here knows the database; oneroster.service.ts maps our classes and people onto these files.
 */

/** The largest zip accepted, as uploaded. */
export const ONEROSTER_MAX_BYTES = 10 * 1024 * 1024;
/** The most a zip may unpack to, all its files together. */
export const ONEROSTER_MAX_UNPACKED = 50 * 1024 * 1024;
/** The most entries a zip may hold (the binding has fewer than thirty files). */
export const ONEROSTER_MAX_ENTRIES = 40;

/** Headers of the files we write and read, in the order of the OneRoster 1.2 CSV binding. */
export const HEADERS = {
  manifest: ['propertyName', 'value'],
  orgs: ['sourcedId', 'status', 'dateLastModified', 'name', 'type', 'identifier', 'parentSourcedId'],
  academicSessions: [
    'sourcedId',
    'status',
    'dateLastModified',
    'title',
    'type',
    'startDate',
    'endDate',
    'parentSourcedId',
    'schoolYear',
  ],
  courses: [
    'sourcedId',
    'status',
    'dateLastModified',
    'schoolYearSourcedId',
    'title',
    'courseCode',
    'grades',
    'orgSourcedId',
    'subjects',
    'subjectCodes',
  ],
  classes: [
    'sourcedId',
    'status',
    'dateLastModified',
    'title',
    'grades',
    'courseSourcedId',
    'classCode',
    'classType',
    'location',
    'schoolSourcedId',
    'termSourcedIds',
    'subjects',
    'subjectCodes',
    'periods',
  ],
  users: [
    'sourcedId',
    'status',
    'dateLastModified',
    'enabledUser',
    'username',
    'userIds',
    'givenName',
    'familyName',
    'middleName',
    'identifier',
    'email',
    'sms',
    'phone',
    'agentSourcedIds',
    'grades',
    'password',
    'userMasterIdentifier',
    'resourceSourcedIds',
    'preferredGivenName',
    'preferredMiddleName',
    'preferredFamilyName',
    'primaryOrgSourcedId',
    'pronouns',
  ],
  roles: [
    'sourcedId',
    'status',
    'dateLastModified',
    'userSourcedId',
    'roleType',
    'role',
    'beginDate',
    'endDate',
    'orgSourcedId',
    'userProfileSourcedId',
  ],
  enrollments: [
    'sourcedId',
    'status',
    'dateLastModified',
    'classSourcedId',
    'schoolSourcedId',
    'userSourcedId',
    'role',
    'primary',
    'beginDate',
    'endDate',
  ],
} as const;

/** A data file of the binding that we write. */
export type RosterFile = Exclude<keyof typeof HEADERS, 'manifest'>;

/** Every data file the manifest of 1.2 lists, in its order; those we do not write are declared absent. */
const MANIFEST_FILES = [
  'academicSessions',
  'categories',
  'classes',
  'classResources',
  'courses',
  'courseResources',
  'demographics',
  'enrollments',
  'lineItemLearningObjectiveIds',
  'lineItems',
  'lineItemScoreScales',
  'orgs',
  'resources',
  'resultLearningObjectiveIds',
  'results',
  'resultScoreScales',
  'roles',
  'scoreScales',
  'userProfiles',
  'userResources',
  'users',
] as const;

/** A row of a file, by column name; columns not given are written empty. */
export type RosterRow = Partial<Record<string, string>>;

/** A file's text: the header and the rows in the binding's column order, UTF-8 without a byte-order mark. */
export function rosterCsv(file: keyof typeof HEADERS, rows: RosterRow[]): string {
  const header = HEADERS[file];
  return csvText(
    header,
    rows.map((row) => header.map((column) => row[column] ?? '')),
  ).replace(/^\uFEFF/, '');
}

/**
 * The zip of a bulk export: manifest.csv and the given files, all at the top level. Bulk files leave
 * `status` and `dateLastModified` empty, as the binding asks.
 */
export function buildRosterZip(files: Partial<Record<RosterFile, RosterRow[]>>, system: string): Uint8Array {
  const manifest: RosterRow[] = [
    { propertyName: 'manifest.version', value: '1.0' },
    { propertyName: 'oneroster.version', value: '1.2' },
    ...MANIFEST_FILES.map((name) => ({
      propertyName: `file.${name}`,
      value: name in files ? 'bulk' : 'absent',
    })),
    { propertyName: 'source.systemName', value: system },
    { propertyName: 'source.systemCode', value: system.toLowerCase() },
  ];
  const entries: Record<string, Uint8Array> = { 'manifest.csv': strToU8(rosterCsv('manifest', manifest)) };
  for (const [name, rows] of Object.entries(files) as [RosterFile, RosterRow[]][]) {
    entries[`${name}.csv`] = strToU8(rosterCsv(name, rows));
  }
  return zipSync(entries, { level: 6 });
}

/** A zip's CSV files by name (the name without any folder, as some tools zip the folder too), each read, or why not. */
export type RosterFiles = Map<
  string,
  { file: ReadFile } | { error: { code: string; params: Record<string, unknown> } }
>;

/** What an uploaded zip may hold and unpack to (see src/server/archive.ts). */
export const ONEROSTER_LIMITS: ArchiveLimits = {
  maxEntries: ONEROSTER_MAX_ENTRIES,
  maxEntryBytes: ONEROSTER_MAX_UNPACKED,
  maxTotalBytes: ONEROSTER_MAX_UNPACKED,
  maxRatio: 100,
};

/**
 * Unpacks and reads an uploaded OneRoster zip in a worker thread: only its `.csv` files, within
 * ONEROSTER_LIMITS (refused with 413 while unpacking, never unpacked whole first), each parsed as CSV.
 */
export async function readRosterZip(bytes: Uint8Array): Promise<RosterFiles> {
  if (bytes.length > ONEROSTER_MAX_BYTES) {
    throw new AppError(413, 'import_too_large', { limit: `${ONEROSTER_MAX_BYTES / 1024 / 1024} MB` });
  }
  if (!isZip(bytes)) throw new AppError(422, 'oneroster.not_zip');
  const copy = new Uint8Array(bytes); // handed over to the worker thread, not cloned (see readUpload)
  return runInWorker<RosterFiles>(import.meta.url, 'readRosterZipHere', [copy], [copy.buffer]);
}

/** The worker's side of `readRosterZip`. */
export async function readRosterZipHere(bytes: Uint8Array): Promise<RosterFiles> {
  const wanted = (name: string) => name.toLowerCase().endsWith('.csv') && !name.startsWith('__MACOSX/');
  const unpacked = await unpack(bufferSource(bytes), ONEROSTER_LIMITS, wanted).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'archive.corrupt')
      throw new AppError(422, 'oneroster.bad_zip');
    throw error;
  });
  const files: RosterFiles = new Map();
  for (const [path, data] of unpacked) {
    const name = path.split('/').pop() ?? '';
    try {
      files.set(name, { file: readCsv(Buffer.from(data.buffer, data.byteOffset, data.byteLength)) });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      files.set(name, { error: { code: error.code, params: error.params } });
    }
  }
  return files;
}
