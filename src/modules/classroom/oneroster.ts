import { Unzip, UnzipInflate, zipSync, strToU8 } from 'fflate';
import { AppError } from '@/server/errors';
import { csvText } from '@/server/csv';

/**
 * The OneRoster 1.2 CSV binding as far as the classroom uses it: the column headers of each file in the
 * spec's order, building the zip of a bulk export, and reading an uploaded zip safely (a size limit on what
 * it unpacks to, counted while unpacking, so that a zip bomb is refused before it fills the memory). Nothing
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

/** A zip's CSV files by name (the name without any folder, as some tools zip the folder too), unread. */
export type RosterFiles = Map<string, Buffer>;

const isZip = (bytes: Uint8Array) =>
  bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;

/**
 * Unpacks an uploaded OneRoster zip: only its `.csv` files (the service reads each, naming it). The zip
 * is unpacked in small steps and the bytes it really produces are counted, whatever its headers claim: over
 * ONEROSTER_MAX_UNPACKED, or more than ONEROSTER_MAX_ENTRIES entries, it is refused (413).
 */
export function readRosterZip(bytes: Uint8Array): RosterFiles {
  if (bytes.length > ONEROSTER_MAX_BYTES) {
    throw new AppError(413, 'import_too_large', { limit: `${ONEROSTER_MAX_BYTES / 1024 / 1024} MB` });
  }
  if (!isZip(bytes)) throw new AppError(422, 'oneroster.not_zip');
  const tooBig = () =>
    new AppError(413, 'oneroster.too_big', {
      limit: `${ONEROSTER_MAX_UNPACKED / 1024 / 1024} MB`,
      entries: ONEROSTER_MAX_ENTRIES,
    });
  const chunks = new Map<string, Uint8Array[]>();
  let entries = 0;
  let unpacked = 0;
  let failure: unknown = null;
  let over = false;
  const unzip = new Unzip((file) => {
    entries += 1;
    if (entries > ONEROSTER_MAX_ENTRIES) over = true;
    if (over) return;
    const name = file.name.split('/').pop() ?? '';
    if (!name.toLowerCase().endsWith('.csv') || file.name.startsWith('__MACOSX/')) return;
    const parts: Uint8Array[] = [];
    chunks.set(name, parts);
    file.ondata = (error, data) => {
      if (error) failure = error;
      unpacked += data.length;
      if (unpacked > ONEROSTER_MAX_UNPACKED) over = true;
      if (!over) parts.push(data);
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  // Small steps: one step of deflate cannot unpack to much more than a thousand times its size.
  const STEP = 16 * 1024;
  try {
    for (let at = 0; at < bytes.length; at += STEP) {
      unzip.push(bytes.subarray(at, at + STEP), at + STEP >= bytes.length);
      if (failure || over) break;
    }
  } catch {
    throw new AppError(422, 'oneroster.bad_zip');
  }
  if (over) throw tooBig();
  if (failure) throw new AppError(422, 'oneroster.bad_zip');
  const files: RosterFiles = new Map();
  for (const [name, parts] of chunks) {
    files.set(name, Buffer.concat(parts));
  }
  return files;
}
