import { Type } from 'typebox';
import { Nullable, StringEnum } from '@/server/schema';

export const InstitutionKind = StringEnum(
  ['general_school', 'vocational_college', 'university', 'kindergarten', 'other'],
  {
    description: 'Kind of institution',
  },
);

const editable = {
  /** The names in the three languages. */
  nameAz: Type.String({ minLength: 1, maxLength: 300, description: 'Name in Azerbaijani' }),
  nameRu: Type.String({ minLength: 1, maxLength: 300, description: 'Name in Russian' }),
  nameEn: Type.String({ minLength: 1, maxLength: 300, description: 'Name in English' }),
  latitude: Nullable(Type.Number({ minimum: -90, maximum: 90, description: 'Latitude, WGS 84' })),
  longitude: Nullable(Type.Number({ minimum: -180, maximum: 180, description: 'Longitude, WGS 84' })),
  levels: Type.Array(Type.String({ minLength: 1, maxLength: 40 }), {
    maxItems: 10,
    description: 'Education levels taught',
  }),
  shifts: Type.Integer({ minimum: 1, maximum: 3, description: 'Number of shifts the school runs' }),
  /** Giga's facts of the school a director knows (`registry-import.md`, "Giga"); left out: kept. */
  address: Type.Optional(Nullable(Type.String({ maxLength: 500, description: 'Address' }))),
  establishedYear: Type.Optional(
    Nullable(Type.Integer({ minimum: 1000, maximum: 2100, description: 'Year the school was founded' })),
  ),
  refugeeCamp: Type.Optional(Nullable(Type.Boolean({ description: 'In a refugee camp' }))),
};

const masterData = {
  code: Type.String({
    minLength: 1,
    maxLength: 40,
    pattern: '^[A-Za-z0-9-]+$',
    description: 'National code',
  }),
  kind: InstitutionKind,
  areaId: Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'Area (district or city)' }),
  ownership: StringEnum(['public', 'private'], { description: 'Ownership' }),
  locality: StringEnum(['urban', 'rural'], { description: 'Urban or rural' }),
  status: StringEnum(['active', 'closed', 'planned'], { description: 'Status' }),
};

export const Institution = Type.Object({
  id: Type.Integer(),
  ...masterData,
  ...editable,
  studentCount: Type.Integer(),
  teacherCount: Type.Integer(),
  /** Giga's other facts of the school (`registry-import.md`, "Giga"): set by a registry file, read here. */
  gigaId: Type.Optional(Nullable(Type.String({ description: "Giga's id of the school" }))),
  codeType: Type.Optional(Nullable(Type.String({ description: 'What the national code is' }))),
  dataSource: Type.Optional(Nullable(Type.String({ description: "Who owns and shares the school's data" }))),
  dataCollectionYear: Type.Optional(Nullable(Type.Integer({ description: 'Year the facts were collected' }))),
  dataCollectionModality: Type.Optional(Nullable(Type.String({ description: 'How they were collected' }))),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const CreateInstitutionBody = Type.Object(
  { ...masterData, ...editable },
  { additionalProperties: false },
);

/** What a school director may change of their own school; national staff may also change the master data. */
export const PatchInstitutionBody = Type.Partial(Type.Object({ ...masterData, ...editable }), {
  additionalProperties: false,
  minProperties: 1,
});
export const DIRECTOR_FIELDS = Object.keys(editable);

export const InstitutionListQuery = Type.Object(
  {
    areaId: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: 'Only this area and below' }),
    ),
    kind: Type.Optional(InstitutionKind),
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Part of a name, or the start of a code' })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
  },
  { additionalProperties: false },
);

export const Area = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  parentId: Type.Union([Type.Integer(), Type.Null()]),
  kind: Type.String(),
  nameAz: Type.String(),
  nameRu: Type.String(),
  nameEn: Type.String(),
  path: Type.Array(Type.Integer()),
});

const Names = { nameAz: Type.String(), nameRu: Type.String(), nameEn: Type.String() };

export const CountryPack = Type.Object({
  levels: Type.Array(Type.Object({ code: Type.String(), position: Type.Integer(), ...Names })),
  grades: Type.Array(Type.Object({ number: Type.Integer(), levelCode: Type.String() })),
  subjects: Type.Array(Type.Object({ code: Type.String(), ...Names, grades: Type.Array(Type.Integer()) })),
  gradingScales: Type.Array(
    Type.Object({ code: Type.String(), ...Names, isDefault: Type.Boolean(), marks: Type.Unknown() }),
  ),
  calendar: Type.Array(
    Type.Object({
      academicYearId: Type.Integer(),
      kind: Type.String(),
      code: Type.String(),
      ...Names,
      startsOn: Type.String(),
      endsOn: Type.String(),
    }),
  ),
});

export const AcademicYear = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  startsOn: Type.String(),
  endsOn: Type.String(),
  isCurrent: Type.Boolean(),
});
