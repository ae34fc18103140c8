import { Type } from 'typebox';
import { DateString, StringEnum } from '@/server/schema';
import { VersionField, VersionOut } from '@/server/versions';
import { DECISION_STATES } from '@/modules/councils/councils.tables';

/** Request and response schemas of pedagogical councils. */

const Id = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });
const Day = (description: string) => DateString({ description });
const Title = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: '\\S',
  description: 'Title of the meeting',
});
const LongText = (description: string) => Type.String({ maxLength: 20_000, description });

export const InstitutionParams = Type.Object({ id: Id('Institution id') });
export const MeetingParams = Type.Object({ meetingId: Id('Council meeting id') });
export const DecisionParams = Type.Object({ decisionId: Id('Decision id') });

export const RangeQuery = Type.Object({
  from: Type.Optional(Day('Held on or after')),
  to: Type.Optional(Day('Held on or before')),
});

export const MeetingBody = Type.Object(
  { heldOn: Day('Date of the meeting'), title: Title, agenda: Type.Optional(LongText('Agenda')) },
  { additionalProperties: false },
);

export const MeetingChangeBody = Type.Object(
  {
    version: VersionField,
    heldOn: Day('Date of the meeting'),
    title: Title,
    agenda: Type.Optional(LongText('Agenda')),
    minutes: Type.Optional(LongText('Minutes')),
    attendance: Type.Optional(
      Type.Array(
        Type.Object(
          { userId: Id('A member of the staff'), present: Type.Boolean() },
          { additionalProperties: false },
        ),
        { maxItems: 500, description: 'The whole attendance list; replaces the one recorded' },
      ),
    ),
  },
  { additionalProperties: false },
);

const DecisionText = Type.String({
  minLength: 1,
  maxLength: 2000,
  pattern: '\\S',
  description: 'What is decided',
});

export const DecisionBody = Type.Object(
  { text: DecisionText, ownerId: Id('Who carries it out (staff)'), dueOn: Day('Due date') },
  { additionalProperties: false },
);

export const DecisionChangeBody = Type.Object(
  {
    text: Type.Optional(DecisionText),
    ownerId: Type.Optional(Id('Who carries it out (staff)')),
    dueOn: Type.Optional(Day('Due date')),
    status: Type.Optional(StringEnum(DECISION_STATES, { description: 'open, done or cancelled' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const DecisionQuery = Type.Object({
  status: Type.Optional(StringEnum(DECISION_STATES)),
  mine: Type.Optional(Type.Boolean({ description: "Only the caller's own decisions" })),
});

export const Decision = Type.Object({
  id: Type.Integer(),
  meetingId: Type.Integer(),
  text: Type.String(),
  ownerId: Type.Integer(),
  ownerName: Type.String(),
  dueOn: Type.String(),
  status: StringEnum(DECISION_STATES),
});

export const DecisionList = Type.Object({
  items: Type.Array(
    Type.Object({ ...Decision.properties, meetingTitle: Type.String(), heldOn: Type.String() }),
  ),
});

export const MeetingList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      heldOn: Type.String(),
      title: Type.String(),
      attendance: Type.Object({ present: Type.Integer(), recorded: Type.Integer() }),
      decisions: Type.Object({ open: Type.Integer(), overdue: Type.Integer() }),
    }),
  ),
});

export const Meeting = Type.Object({
  id: Type.Integer(),
  institutionId: Type.Integer(),
  heldOn: Type.String(),
  title: Type.String(),
  agenda: Type.String(),
  minutes: Type.String(),
  attendance: Type.Array(
    Type.Object({ userId: Type.Integer(), displayName: Type.String(), present: Type.Boolean() }),
  ),
  decisions: Type.Array(Decision),
  staff: Type.Array(Type.Object({ id: Type.Integer(), displayName: Type.String() })),
  canManage: Type.Boolean({ description: 'Whether the caller keeps this council (its director)' }),
  version: VersionOut,
  updatedAt: Type.String({ format: 'date-time' }),
});
