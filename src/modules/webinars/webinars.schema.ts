import { Type } from 'typebox';
import { DateString, DateTimeString, Nullable } from '@/server/schema';
import { VersionField, VersionOut } from '@/server/versions';

/** Request and response schemas of webinars. */

const Id = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });
const Day = (description: string) => DateString({ description });

export const WebinarParams = Type.Object({ webinarId: Id('Webinar id') });
export const ListQuery = Type.Object({
  from: Type.Optional(Day('Starting on or after (default: a week ago)')),
  to: Type.Optional(Day('Starting before (default: 120 days after `from`)')),
});
export const TotalsQuery = Type.Object({
  yearId: Type.Optional(Id('Academic year (default: the current one)')),
  areaId: Type.Optional(Id('Area (default: the nation, or a regional office’s own area)')),
});

const webinarFields = {
  title: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
  description: Type.Optional(Type.String({ maxLength: 5000 })),
  areaId: Nullable(Id('Area whose schools it is for; null for a national webinar')),
  startsAt: DateTimeString({ description: 'Start, with its time zone' }),
  durationMinutes: Type.Integer({ minimum: 5, maximum: 600 }),
  url: Type.String({ format: 'uri', pattern: '^https?://', maxLength: 500, description: 'Meeting link' }),
  capacity: Nullable(
    Type.Integer({ minimum: 1, maximum: 100_000, description: 'Places; null for no limit' }),
  ),
  cancelled: Type.Optional(Type.Boolean()),
};

export const WebinarBody = Type.Object(webinarFields, { additionalProperties: false });

/** A webinar's whole record as saved by its organisers: with the version it was read at. */
export const WebinarChangeBody = Type.Object(
  { version: VersionField, ...webinarFields },
  { additionalProperties: false },
);

export const AttendanceBody = Type.Object(
  {
    version: VersionField,
    attended: Type.Array(Id('A registered person'), { maxItems: 100_000, uniqueItems: true }),
  },
  { additionalProperties: false },
);

export const Webinar = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  description: Type.String(),
  area: Nullable(Type.Object({ id: Type.Integer(), name: Type.String() })),
  startsAt: Type.String(),
  durationMinutes: Type.Integer(),
  capacity: Nullable(Type.Integer()),
  cancelled: Type.Boolean(),
  registered: Type.Integer({ description: 'People registered' }),
  mine: Type.Boolean({ description: 'Whether the caller is registered' }),
  attended: Type.Boolean({ description: 'Whether the caller attended' }),
  url: Nullable(Type.String({ description: 'The link, for those registered and the organisers' })),
  canManage: Type.Boolean(),
  version: VersionOut,
});
export const WebinarList = Type.Object({ items: Type.Array(Webinar) });

export const RegistrationList = Type.Object({
  /** The attendance's version: a save of who attended sends it back. */
  version: VersionOut,
  items: Type.Array(
    Type.Object({
      userId: Type.Integer(),
      displayName: Type.String(),
      institution: Type.Object({ id: Type.Integer(), name: Type.String() }),
      registeredAt: Type.String(),
      attended: Type.Boolean(),
    }),
  ),
});

export const Totals = Type.Object({
  yearId: Type.Integer(),
  areaId: Nullable(Type.Integer()),
  webinars: Type.Integer({ description: 'Held (not cancelled) in the year' }),
  national: Type.Integer({ description: 'Of which national' }),
  hours: Type.Number(),
  registrations: Type.Integer(),
  attended: Type.Integer(),
  teachersReached: Type.Integer({ description: 'Different people who attended at least one' }),
  schoolsReached: Type.Integer(),
});
