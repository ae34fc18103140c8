import { Type } from 'typebox';
import { DateString, Nullable, StringEnum } from '@/server/schema';

/** Request and response schemas of distance-learning monitoring. */

const Id = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });
const Day = (description: string) => DateString({ description });

export const DistanceQuery = Type.Object(
  {
    areaId: Type.Optional(
      Id('An area: rows for its sub-areas, or its schools for a district (default: the nation)'),
    ),
    institutionId: Type.Optional(Id('A school: rows for its classes')),
    from: Type.Optional(Day('First day (default: six days before `to`)')),
    to: Type.Optional(Day('Last day (default: today at school)')),
  },
  { additionalProperties: false },
);

const Figures = {
  students: Type.Integer({ description: 'Students enrolled this year' }),
  activeStudents: Type.Integer({ description: 'Of them, active in the seven days to `to`' }),
  lessonsScheduled: Type.Integer({ description: 'Lessons scheduled in the range, up to today' }),
  lessonsDelivered: Type.Integer({
    description: 'Of them, filled in by their teacher (topic, homework or materials)',
  }),
  assignmentsExpected: Type.Integer({ description: 'Hand-ins due in the range (assignments × students)' }),
  assignmentsOnTime: Type.Integer({ description: 'Of them, handed in on time' }),
  contestParticipants: Type.Integer({ description: 'Students who started a contest in the range' }),
  attendanceRecorded: Type.Integer({ description: 'Journal cells with attendance in the range' }),
  attendancePresent: Type.Integer({ description: 'Of them, counting as present (the pack’s codes)' }),
  marksGiven: Type.Integer({ description: 'Marks given in the range' }),
  marksSum: Type.Integer({ description: 'Their sum: the average is marksSum / marksGiven' }),
};

export const DistanceReport = Type.Object({
  scope: Type.Object({
    kind: StringEnum(['nation', 'area', 'school'] as const),
    id: Nullable(Type.Integer()),
    name: Type.String(),
  }),
  from: Type.String(),
  to: Type.String(),
  rowKind: StringEnum(['area', 'school', 'class'] as const, { description: 'What each row counts' }),
  rows: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), ...Figures })),
  total: Type.Object(Figures),
});
