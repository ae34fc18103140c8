import { Type, type Static } from 'typebox';
import { DateTimeString, Nullable, StringEnum } from '@/server/schema';
import { VersionField, VersionOut } from '@/server/versions';
import { Id, LocalisedIn, LocalisedOut } from '@/modules/safety/safety.catalogue.schema';
import { NETWORK_KINDS } from '@/modules/safety/safety.networks.schema';

/** Request and response schemas of the content filter's schedules (docs/safety.md). */

export const WINDOWS = ['lessons', 'after_school', 'always'] as const;
export const AssignmentParams = Type.Object({ assignmentId: Id('Assignment') });
export const WindowParams = Type.Object({ windowId: Id('Lesson window') });
export const ExamParams = Type.Object({ examId: Id('Exam') });

const scope = {
  areaId: Nullable(Id('A region or district; null for national or a school')),
  institutionId: Nullable(Id('A school; null for national or an area')),
};

export const AssignmentBody = Type.Object(
  {
    version: VersionField,
    ...scope,
    networkKind: StringEnum(NETWORK_KINDS),
    window: StringEnum(WINDOWS),
    policyId: Id('The policy'),
  },
  { additionalProperties: false },
);
export type AssignmentBody = Static<typeof AssignmentBody>;

const Minute = (description: string) => Type.Integer({ minimum: 0, maximum: 1439, description });
export const WindowBody = Type.Object(
  {
    ...scope,
    weekdays: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
      minItems: 1,
      maxItems: 7,
      uniqueItems: true,
      description: '1 Monday … 7 Sunday',
    }),
    startMinute: Minute('Minutes after midnight, school time'),
    endMinute: Minute('Minutes after midnight; below the start crosses midnight'),
  },
  { additionalProperties: false },
);
export type WindowBody = Static<typeof WindowBody>;

export const ExamBody = Type.Object(
  {
    name: LocalisedIn(100, 'The name in az/ru/en; at least one'),
    startsAt: DateTimeString({ description: 'When exam mode starts' }),
    endsAt: DateTimeString({ description: 'When it ends' }),
    allowListId: Id('The allow list of the sites reachable during the exam'),
    institutionIds: Type.Array(Id('A school'), { minItems: 1, maxItems: 5000, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type ExamBody = Static<typeof ExamBody>;

export const ExamEndBody = Type.Object(
  {
    version: VersionField,
    endsAt: DateTimeString({ description: 'The new end; now or later, after the start' }),
  },
  { additionalProperties: false },
);
export type ExamEndBody = Static<typeof ExamEndBody>;

const ScopeOut = {
  areaId: Nullable(Type.Integer()),
  institutionId: Nullable(Type.Integer()),
  scopeName: Nullable(LocalisedOut),
};
export const AssignmentOut = Type.Object({
  id: Type.Integer(),
  ...ScopeOut,
  networkKind: Type.String(),
  window: Type.String(),
  policyId: Type.Integer(),
  version: VersionOut,
});
export const WindowOut = Type.Object({
  id: Type.Integer(),
  ...ScopeOut,
  weekdays: Type.Array(Type.Integer()),
  startMinute: Type.Integer(),
  endMinute: Type.Integer(),
  version: VersionOut,
});
export const ExamOut = Type.Object({
  id: Type.Integer(),
  name: LocalisedOut,
  startsAt: Type.String(),
  endsAt: Type.String(),
  allowListId: Type.Integer(),
  institutionIds: Type.Array(Type.Integer()),
  version: VersionOut,
});
export const Schedules = Type.Object({
  assignments: Type.Array(AssignmentOut),
  windows: Type.Array(WindowOut),
  exams: Type.Array(ExamOut),
});
