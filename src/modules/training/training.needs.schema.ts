import { Type } from 'typebox';
import { Nullable, StringEnum } from '@/server/schema';
import { VersionField, VersionOut } from '@/server/versions';

/** Schemas of yearly needs, targets, the history import and the training indicators. */

const Id = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });
export const YearCode = Type.String({
  minLength: 1,
  maxLength: 20,
  pattern: '^[0-9A-Za-z-]+$',
  description: 'Academic year code, e.g. 2026-2027 (the current year when not given)',
});
const FrameworkAreaId = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^[0-9A-Za-z._-]+$',
  description: 'A framework area id, e.g. digcompedu.2',
});
const Level = Type.Integer({ minimum: 0, maximum: 20, description: "An index into the framework's levels" });
export const FileFormat = StringEnum(['csv', 'xlsx'], { description: 'File format' });

const LevelOut = Type.Object({ code: Type.String(), name: Type.String() });
const FrameworkOut = Type.Object({ id: Type.String(), name: Type.String(), levels: Type.Array(LevelOut) });

export const TargetsQuery = Type.Object({ year: Type.Optional(YearCode) }, { additionalProperties: false });

export const Targets = Type.Object({
  year: Type.Object({ id: Type.Integer(), code: Type.String() }),
  framework: Type.Union([FrameworkOut, Type.Null()]),
  areas: Type.Array(
    Type.Object({
      areaId: Type.String(),
      name: Type.String(),
      level: Nullable(Type.Integer()),
      version: VersionOut,
    }),
  ),
});

export const TargetsBody = Type.Object(
  {
    year: YearCode,
    targets: Type.Array(
      Type.Object(
        { areaId: FrameworkAreaId, level: Level, version: VersionField },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
  },
  { additionalProperties: false },
);

export const NEEDS_BY = ['area', 'district', 'school', 'subject', 'level'] as const;

export const NeedsQuery = Type.Object(
  {
    year: Type.Optional(YearCode),
    areaId: Type.Optional({ ...Id, description: 'Only schools in this area and below' }),
    by: Type.Optional(
      StringEnum(NEEDS_BY, {
        description:
          'Groups: the areas directly under the selection (area), districts, schools, subjects taught or education levels taught',
      }),
    ),
  },
  { additionalProperties: false },
);

export const NeedsExportQuery = Type.Object(
  { ...NeedsQuery.properties, format: Type.Optional(FileFormat) },
  { additionalProperties: false },
);

const NeedsRow = Type.Object({
  key: Nullable(Type.String()),
  /** The group's area, for drill-down (area and district groupings). */
  areaId: Nullable(Type.Integer()),
  schoolId: Nullable(Type.Integer()),
  code: Nullable(Type.String()),
  name: Type.String(),
  teachers: Type.Integer({ description: 'Teachers the platform knows (teacher accounts of the schools)' }),
  assessed: Type.Integer({ description: 'Teachers with a level from the self-assessment' }),
  notAssessed: Type.Integer(),
  below: Type.Array(Type.Integer(), { description: 'Teachers below the target, in the order of `areas`' }),
});

export const NeedsReport = Type.Object({
  year: Type.Object({ id: Type.Integer(), code: Type.String() }),
  framework: Type.Union([FrameworkOut, Type.Null()]),
  areas: Type.Array(
    Type.Object({ areaId: Type.String(), name: Type.String(), target: Nullable(Type.Integer()) }),
  ),
  by: StringEnum(NEEDS_BY),
  selection: Type.Object({ areaId: Nullable(Type.Integer()), name: Type.String() }),
  total: NeedsRow,
  groups: Type.Array(NeedsRow),
});

export const ProposalQuery = Type.Object(
  {
    year: Type.Optional(YearCode),
    areaId: Type.Optional({ ...Id, description: 'Only districts in this area and below' }),
    area: FrameworkAreaId,
    belowLevel: Type.Optional({
      ...Level,
      description: "Teachers below this level (the year's target when not given)",
    }),
    seats: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Seats to share out' })),
    budget: Type.Optional(Type.Number({ minimum: 0, maximum: 1e12, description: 'Money available' })),
    costPerSeat: Type.Optional(
      Type.Number({ minimum: 0.01, maximum: 1e9, description: 'What one seat costs' }),
    ),
  },
  { additionalProperties: false },
);

export const Proposal = Type.Object({
  year: Type.Object({ id: Type.Integer(), code: Type.String() }),
  area: Type.Object({ areaId: Type.String(), name: Type.String() }),
  belowLevel: Type.Integer(),
  belowLevelCode: Type.String(),
  below: Type.Integer({ description: 'Teachers below the level, all districts' }),
  seats: Type.Integer({ description: 'Seats proposed in all' }),
  limitedBy: StringEnum(['teachers', 'seats', 'budget']),
  cost: Nullable(Type.Number()),
  districts: Type.Array(
    Type.Object({
      areaId: Type.Integer(),
      code: Type.String(),
      name: Type.String(),
      below: Type.Integer(),
      seats: Type.Integer(),
    }),
  ),
  /** The programme form's address, prefilled. */
  /** The programme form of the plan's page, filled in with this proposal. */
  planLink: Type.String(),
});

const Problem = Type.Object({
  line: Type.Integer({ description: 'Line of the file (CSV) or row of the sheet (XLSX); 1 is the header' }),
  column: Type.String(),
  reason: Type.String(),
  message: Type.String(),
});

export const HistoryImportQuery = Type.Object(
  {
    dryRun: Type.Boolean({ default: false, description: 'Only check the file and report' }),
    name: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const HistoryReport = Type.Object({
  dryRun: Type.Boolean(),
  format: FileFormat,
  valid: Type.Boolean(),
  rows: Type.Integer(),
  linked: Type.Integer({ description: 'Rows linked to a known person by username' }),
  importId: Nullable(Type.Integer()),
  problemCount: Type.Integer(),
  problems: Type.Array(Problem),
});

export const HistoryImports = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      fileName: Type.String(),
      rows: Type.Integer(),
      importedAt: Type.String(),
      importedBy: Type.String(),
      firstOn: Nullable(Type.String()),
      lastOn: Nullable(Type.String()),
    }),
  ),
});

export const ImportParams = Type.Object({ importId: Id }, { additionalProperties: false });
export const TemplateQuery = Type.Object(
  { format: Type.Optional(FileFormat) },
  { additionalProperties: false },
);

export const IndicatorsQuery = Type.Object(
  {
    year: Type.Optional(YearCode),
    by: Type.Optional(StringEnum(['none', 'region', 'district'])),
    areaId: Type.Optional({ ...Id, description: 'Only this area and below' }),
    format: Type.Optional(StringEnum(['json', 'csv'])),
  },
  { additionalProperties: false },
);

const Figure = Type.Object({
  value: Nullable(Type.Number()),
  numerator: Type.Number(),
  denominator: Type.Number(),
});

const IndicatorGroup = Type.Object({
  key: Nullable(Type.String()),
  areaId: Nullable(Type.Integer()),
  code: Nullable(Type.String()),
  name: Type.String(),
  schools: Type.Integer(),
  teachers: Type.Integer(),
  ictTrainedCount: Type.Integer(),
  ictTrainedPersons: Type.Integer(),
  ictTrained: Figure,
  trainedLast12Months: Figure,
  schoolsFromRecords: Type.Integer(),
});

export const TrainingIndicators = Type.Object({
  year: Type.Object({ id: Type.Integer(), code: Type.String() }),
  referenceDay: Type.String(),
  by: StringEnum(['none', 'region', 'district']),
  total: IndicatorGroup,
  groups: Type.Array(IndicatorGroup),
  breakdowns: Type.Array(
    Type.Object({
      dimension: StringEnum(['sex', 'isced']),
      key: Nullable(Type.String()),
      name: Type.String(),
      teachers: Type.Integer(),
      ictTrained: Figure,
      trainedLast12Months: Figure,
      unlinkedIct: Type.Integer(),
      unlinkedTrained12: Type.Integer(),
    }),
  ),
  byYear: Type.Array(Type.Object({ year: Type.Integer(), persons: Type.Integer() })),
});

export const SchoolParams = Type.Object({ institutionId: Id }, { additionalProperties: false });
export const SchoolIctTrained = Type.Object({
  institutionId: Type.Integer(),
  teachers: Type.Integer({ description: 'People of the school with ICT training records' }),
});
