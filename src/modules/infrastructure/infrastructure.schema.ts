import { Type, type Static } from 'typebox';
import { DateString, Nullable, StringEnum } from '@/server/schema';
import { VersionField, VersionOut } from '@/server/versions';
import {
  DEVICE_CONDITIONS,
  DEVICE_EVENTS,
  DEVICE_KINDS,
  DEVICE_PURPOSES,
  DEVICE_STATUSES,
  ELECTRICITY_SOURCES,
  LINK_PURPOSES,
  LINK_TYPES,
  MEASUREMENT_SOURCES,
  RECORD_STATES,
  SEXES,
} from '@/modules/infrastructure/infrastructure.tables';

const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
const Count = (description: string) => Type.Integer({ minimum: 0, maximum: 1_000_000, description });
const Mbps = (description: string) => Type.Number({ minimum: 0, maximum: 100_000, description });
const Day = (description: string) => DateString({ description });

export const Purpose = StringEnum(LINK_PURPOSES, { description: 'Teaching or administration' });
export const DevicePurpose = StringEnum(DEVICE_PURPOSES, {
  description: 'Teaching, administration, or both (a device shared between them)',
});
export const DeviceKind = StringEnum(DEVICE_KINDS, { description: 'Kind of device' });

export const SchoolYearParams = Type.Object({
  id: Id,
  yearId: Id,
});

export const StudentCount = Type.Object(
  {
    /** A level code from the country pack (e.g. primary). */
    level: Type.String({ minLength: 1, maxLength: 40, description: 'Education level code' }),
    sex: StringEnum(SEXES, { description: 'Sex' }),
    shift: Type.Integer({ minimum: 1, maximum: 3, description: 'Shift' }),
    students: Count('Number of students'),
  },
  { additionalProperties: false },
);

export const InternetLink = Type.Object(
  {
    purpose: Purpose,
    type: StringEnum(LINK_TYPES, { description: 'Connection type' }),
    educationNetwork: Type.Boolean({ description: 'On the national education network' }),
    provider: Nullable(Type.String({ maxLength: 200, description: 'Provider' })),
    downloadMbps: Nullable(Mbps('Contracted download speed, Mbit/s')),
    uploadMbps: Nullable(Mbps('Contracted upload speed, Mbit/s')),
  },
  { additionalProperties: false },
);

export const DeviceCount = Type.Object(
  {
    kind: DeviceKind,
    purpose: DevicePurpose,
    total: Count('Devices of this kind'),
    working: Count('Of which working'),
  },
  { additionalProperties: false },
);

export const Participation = Type.Object(
  {
    projectId: Id,
    evidence: Nullable(Type.String({ maxLength: 2000, description: 'A link or a note that shows it' })),
  },
  { additionalProperties: false },
);

/**
 * The school's facts of the year that Giga's schema asks for (`registry-import.md`, "Giga"), on the form too.
 * Left out of a save: kept as they are.
 */
const giga = {
  water: Nullable(Type.Boolean({ description: 'Drinking water at the school' })),
  latrines: Nullable(Count('Latrines (toilets)')),
  studentsGirls: Nullable(Count('Pupils: girls')),
  studentsBoys: Nullable(Count('Pupils: boys')),
  studentsOther: Nullable(Count('Pupils: other or not stated')),
  refugeePupils: Nullable(Type.Boolean({ description: 'Hosts refugee pupils' })),
  refugeeStudents: Nullable(Count('Refugee pupils')),
  admPersonnel: Nullable(Count('Administrative staff')),
  computersDesired: Nullable(Count('Computers the school should have by the national standard')),
};

/** What a school reports for a year; saving it replaces the year's record. */
export const SchoolYearBody = Type.Object(
  {
    version: VersionField,
    teachers: Nullable(Count('Teachers')),
    teachersIctTrained: Nullable(Count('Teachers trained in ICT')),
    classrooms: Nullable(Count('Classrooms')),
    hasComputerLab: Nullable(Type.Boolean({ description: 'Has a computer lab' })),
    electricity: Nullable(Type.Boolean({ description: 'Has electricity' })),
    electricitySource: Nullable(
      StringEnum(ELECTRICITY_SOURCES, { description: 'Main source of electricity' }),
    ),
    electricityHours: Nullable(
      Type.Number({ minimum: 0, maximum: 24, description: 'Hours of electricity a day' }),
    ),
    /** Left out: not answered (null). */
    pupilsInternet: Type.Optional(
      Nullable(
        Type.Boolean({ description: 'Pupils themselves can use the internet at school for learning' }),
      ),
    ),
    ...Type.Partial(Type.Object(giga)).properties,
    students: Type.Array(StudentCount, { maxItems: 200 }),
    links: Type.Array(InternetLink, { maxItems: 20 }),
    /** The devices the school counts, not item records (with an item inventory: those not in it). */
    deviceCounts: Type.Array(DeviceCount, { maxItems: 50 }),
    participations: Type.Array(Participation, { maxItems: 50 }),
  },
  { additionalProperties: false },
);
export type SchoolYearInput = Static<typeof SchoolYearBody>;

export const SchoolYearRecord = Type.Object({
  institutionId: Type.Integer(),
  academicYearId: Type.Integer(),
  /** False when nothing was saved for this year yet: the values are last year's, to start from. */
  saved: Type.Boolean(),
  state: StringEnum(RECORD_STATES),
  reviewNote: Nullable(Type.String()),
  verifiedAt: Nullable(Type.String({ format: 'date-time' })),
  updatedAt: Nullable(Type.String({ format: 'date-time' })),
  /** Whether the school keeps an item inventory (its device counts then come from the items). */
  hasInventory: Type.Boolean(),
  /**
   * People of the school with ICT training records, when it has any and the year is the current one: the
   * registry's ICT-trained count is then taken from them (at most the teachers), not from the form.
   */
  ictTrainedFromRecords: Nullable(Type.Integer({ minimum: 1 })),
  ...Type.Omit(SchoolYearBody, ['participations', 'version', 'pupilsInternet']).properties,
  pupilsInternet: Nullable(Type.Boolean()),
  ...giga,
  /** 0 while nothing is saved for this year; a save sends it back (see `staleVersion`). */
  version: VersionOut,
  /** Of the totals in `deviceCounts`, those counted without an item record: what the form edits. */
  countedDevices: Type.Array(DeviceCount),
  participations: Type.Array(
    Type.Object({
      projectId: Type.Integer(),
      evidence: Nullable(Type.String()),
      verified: Type.Boolean(),
    }),
  ),
  /** Where the numbers do not add up or are missing: warnings, not refusals. */
  warnings: Type.Array(Type.Object({ field: Type.String(), code: Type.String(), message: Type.String() })),
});

/** Sending a saved draft: the version it was read at, refused with 409 `stale_version` when it changed since. */
export const SubmitBody = Type.Object({ version: VersionField }, { additionalProperties: false });

export const ReviewBody = Type.Object(
  {
    decision: StringEnum(['verify', 'return'], { description: 'Verify the record, or send it back' }),
    note: Type.Optional(Type.String({ maxLength: 2000, description: 'Why it is sent back' })),
  },
  { additionalProperties: false },
);

const deviceFields = {
  serial: Nullable(Type.String({ maxLength: 100, description: 'Serial number' })),
  kind: DeviceKind,
  model: Nullable(Type.String({ maxLength: 200, description: 'Model' })),
  status: StringEnum(DEVICE_STATUSES, { description: 'Status' }),
  condition: StringEnum(DEVICE_CONDITIONS, { description: 'Condition' }),
  purpose: DevicePurpose,
  fundingProgramme: Nullable(Type.String({ maxLength: 200, description: 'Programme that paid for it' })),
  acquiredOn: Nullable(Day('Acquired on')),
  endOfLifeOn: Nullable(Day('End of life')),
  lastAuditOn: Nullable(Day('Last audit')),
  nextAuditOn: Nullable(Day('Next audit')),
};

export const CreateDeviceBody = Type.Object(
  {
    assetTag: Type.String({
      minLength: 1,
      maxLength: 60,
      pattern: '^[A-Za-z0-9._/-]+$',
      description: 'Asset tag',
    }),
    ...deviceFields,
    note: Type.Optional(Type.String({ maxLength: 2000, description: 'A note for the delivery event' })),
  },
  { additionalProperties: false },
);

export const PatchDeviceBody = Type.Object(
  {
    ...Type.Partial(Type.Object(deviceFields)).properties,
    /** What happened, for the history: repaired, audited, assigned (or disposed, with status disposed). */
    event: StringEnum(['assigned', 'repaired', 'audited', 'disposed'], { description: 'What happened' }),
    note: Type.Optional(Type.String({ maxLength: 2000, description: 'A note for the history' })),
  },
  { additionalProperties: false },
);

export const MoveDeviceBody = Type.Object(
  {
    toInstitutionId: Id,
    note: Type.Optional(Type.String({ maxLength: 2000, description: 'Why it moved' })),
  },
  { additionalProperties: false },
);

export const Device = Type.Object({
  id: Type.Integer(),
  institutionId: Type.Integer(),
  assetTag: Type.String(),
  ...deviceFields,
  updatedAt: Type.String({ format: 'date-time' }),
});

export const DeviceEvent = Type.Object({
  id: Type.Integer(),
  kind: StringEnum(DEVICE_EVENTS),
  at: Type.String({ format: 'date-time' }),
  institutionId: Type.Integer(),
  fromInstitutionId: Nullable(Type.Integer()),
  note: Nullable(Type.String()),
  actorId: Nullable(Type.Integer()),
});

export const DeviceParams = Type.Object({ deviceId: Id });

export const MeasurementBody = Type.Object(
  {
    downloadMbps: Mbps('Measured download, Mbit/s'),
    uploadMbps: Nullable(Mbps('Measured upload, Mbit/s')),
    latencyMs: Nullable(Type.Number({ minimum: 0, maximum: 600_000, description: 'Round-trip time, ms' })),
  },
  { additionalProperties: false },
);

export const ConnectivityStatus = StringEnum(['good', 'moderate', 'bad', 'unknown'], {
  description: 'Against the national benchmark speed',
});

export const Connectivity = Type.Object({
  benchmarkMbps: Type.Number(),
  status: ConnectivityStatus,
  /** Weekly roll-up, newest first: medians of the week's measurements. */
  weeks: Type.Array(
    Type.Object({
      week: Type.String({ format: 'date', description: 'Monday of the week' }),
      measurements: Type.Integer(),
      downloadMbps: Type.Number(),
      uploadMbps: Nullable(Type.Number()),
      latencyMs: Nullable(Type.Number()),
      status: ConnectivityStatus,
    }),
  ),
  latest: Type.Array(
    Type.Object({
      measuredAt: Type.String({ format: 'date-time' }),
      downloadMbps: Type.Number(),
      uploadMbps: Nullable(Type.Number()),
      latencyMs: Nullable(Type.Number()),
      source: StringEnum(MEASUREMENT_SOURCES),
    }),
  ),
});

export const Project = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  nameAz: Type.String(),
  nameRu: Type.String(),
  nameEn: Type.String(),
  active: Type.Boolean(),
  version: VersionOut,
});

/** A new project. */
export const NewProjectBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z0-9_-]+$', description: 'Code' }),
    nameAz: Type.String({ minLength: 1, maxLength: 200 }),
    nameRu: Type.String({ minLength: 1, maxLength: 200 }),
    nameEn: Type.String({ minLength: 1, maxLength: 200 }),
    active: Type.Boolean(),
  },
  { additionalProperties: false },
);

/** A project saved whole, from the version read in the project list. */
export const ProjectBody = Type.Object(
  {
    version: VersionField,
    code: Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z0-9_-]+$', description: 'Code' }),
    nameAz: Type.String({ minLength: 1, maxLength: 200 }),
    nameRu: Type.String({ minLength: 1, maxLength: 200 }),
    nameEn: Type.String({ minLength: 1, maxLength: 200 }),
    active: Type.Boolean(),
  },
  { additionalProperties: false },
);

const BenchmarkMbps = Type.Number({
  minimum: 1,
  maximum: 10_000,
  description: 'Download speed a school should have, Mbit/s (good at or above it)',
});

/** The national settings, one record: its version is the highest of its rows' (0: never saved). */
export const Settings = Type.Object({ version: VersionOut, benchmarkMbps: BenchmarkMbps });

/** The national settings saved whole, from the version read. */
export const SettingsBody = Type.Object(
  { version: VersionField, benchmarkMbps: BenchmarkMbps },
  { additionalProperties: false },
);

export const SchoolStateQuery = Type.Object(
  {
    areaId: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'Only this area and below' }),
    ),
    state: Type.Optional(
      StringEnum([...RECORD_STATES, 'none'], { description: 'Only records in this state; none: not saved' }),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
    offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
  },
  { additionalProperties: false },
);

export const SchoolStateList = Type.Object({
  total: Type.Integer(),
  items: Type.Array(
    Type.Object({
      institutionId: Type.Integer(),
      code: Type.String(),
      nameAz: Type.String(),
      nameRu: Type.String(),
      nameEn: Type.String(),
      areaId: Type.Integer(),
      state: Nullable(StringEnum(RECORD_STATES)),
      updatedAt: Nullable(Type.String({ format: 'date-time' })),
    }),
  ),
});
