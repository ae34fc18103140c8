import { Type } from 'typebox';
import { DateString, Nullable, StringEnum } from '@/server/schema';
import { VersionField, VersionOut } from '@/server/versions';
import { AnswerValue } from '@/modules/contests/contests.schema';
import { QUESTION_KINDS } from '@/modules/contests/contests.tables';
import { SAFETY_TOPICS } from '@/modules/portal/portal.courses.tables';

/** Request and response schemas of the internet-safety courses and Safer Internet Day (docs/portal.md). */

const Id = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });

export const CourseParams = Type.Object({ courseId: Id('Course') });
export const LessonParams = Type.Object({ lessonId: Id('Lesson') });
export const CampaignParams = Type.Object({ campaignId: Id('Safer Internet Day campaign') });

export const CourseList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      code: Type.String(),
      gradeFrom: Type.Integer(),
      gradeTo: Type.Integer(),
      title: Type.String(),
      summary: Type.String(),
      lessons: Type.Integer(),
    }),
  ),
});

const ShownQuestion = Type.Object({
  index: Type.Integer({ description: 'Its place in the quiz: answers are sent in this order' }),
  kind: StringEnum(QUESTION_KINDS),
  prompt: Type.String(),
  points: Type.Integer(),
  options: Type.Optional(Type.Array(Type.String())),
  left: Type.Optional(Type.Array(Type.String())),
  right: Type.Optional(Type.Array(Type.String())),
  items: Type.Optional(Type.Array(Type.String())),
});

export const Course = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  gradeFrom: Type.Integer(),
  gradeTo: Type.Integer(),
  title: Type.String(),
  summary: Type.String(),
  canTake: Type.Boolean({ description: 'The caller is a pupil and may take the quizzes' }),
  lessons: Type.Array(
    Type.Object({
      id: Type.Integer(),
      position: Type.Integer(),
      topic: StringEnum(SAFETY_TOPICS),
      title: Type.String(),
      body: Type.String(),
      resources: Type.Array(Type.Object({ id: Type.Integer(), title: Type.String(), type: Type.String() })),
      questions: Type.Array(ShownQuestion),
      result: Nullable(
        Type.Object({ score: Type.Integer(), maxScore: Type.Integer(), tries: Type.Integer() }),
      ),
    }),
  ),
  classes: Type.Array(
    Type.Object({
      id: Type.Integer(),
      name: Type.String(),
      grade: Type.Integer(),
      run: Nullable(Type.Object({ id: Type.Integer(), pupils: Type.Integer(), lessonsDone: Type.Integer() })),
    }),
    { description: "The classes a teacher or director may start the course for, with each class's progress" },
  ),
});

export const RunBody = Type.Object(
  { classId: Id('The class that takes the course with its teacher') },
  { additionalProperties: false },
);
export const Run = Type.Object({
  id: Type.Integer(),
  courseId: Type.Integer(),
  classId: Type.Integer(),
  className: Type.String(),
  created: Type.Boolean({ description: 'False when the class had started the course already' }),
});

export const QuizBody = Type.Object(
  {
    answers: Type.Array(AnswerValue, {
      minItems: 1,
      maxItems: 10,
      description: "One answer per question, in the quiz's order; indexes as shown",
    }),
  },
  { additionalProperties: false },
);
export const QuizResult = Type.Object({
  lessonId: Type.Integer(),
  score: Type.Integer(),
  maxScore: Type.Integer(),
  correct: Type.Array(Type.Boolean()),
  best: Type.Integer({ description: 'The best score kept' }),
  tries: Type.Integer(),
  withClass: Type.Boolean({
    description: "Counted for the pupil's class, which takes the course with its teacher",
  }),
});

export const ReportQuery = Type.Object(
  {
    areaId: Type.Optional(Id('An area (region or district) in the caller’s scope')),
    institutionId: Type.Optional(Id('A school in the caller’s scope')),
    courseId: Type.Optional(Id('Only this course')),
  },
  { additionalProperties: false },
);
const Figures = {
  suppressed: Type.Boolean({ description: 'Fewer pupils than the small-cell limit: no figures shown' }),
  pupils: Nullable(Type.Integer()),
  lessonsDone: Nullable(Type.Integer()),
  completions: Nullable(Type.Integer({ description: 'Pupils who did every lesson of a course' })),
  averagePercent: Nullable(Type.Integer()),
};
const Scope = Type.Object({
  level: StringEnum(['nation', 'area', 'school'] as const),
  areaId: Nullable(Type.Integer()),
  institutionId: Nullable(Type.Integer()),
  name: Type.String(),
});
export const CourseReport = Type.Object({
  scope: Scope,
  smallCell: Type.Integer(),
  total: Type.Object(Figures),
  rows: Type.Array(
    Type.Object({
      kind: StringEnum(['area', 'school', 'class'] as const),
      id: Type.Integer(),
      name: Type.String(),
      ...Figures,
    }),
  ),
});

export const CampaignQuery = Type.Object(
  { year: Type.Optional(Type.Integer({ minimum: 2004, maximum: 2200, description: 'The campaign’s year' })) },
  { additionalProperties: false },
);
const SidEvent = Type.Object({
  id: Type.Integer(),
  version: VersionOut,
  institutionId: Type.Integer(),
  title: Type.String(),
  heldOn: Type.String({ format: 'date' }),
  participants: Type.Integer(),
  activityIds: Type.Array(Type.Integer()),
});
export const Campaign = Type.Object({
  campaign: Nullable(
    Type.Object({
      id: Type.Integer(),
      year: Type.Integer(),
      day: Type.String({ format: 'date' }),
      theme: Type.String(),
      summary: Type.String(),
      closed: Type.Boolean({ description: 'A past year’s campaign: closed to registrations and changes' }),
      activities: Type.Array(
        Type.Object({
          id: Type.Integer(),
          gradeFrom: Type.Integer(),
          gradeTo: Type.Integer(),
          title: Type.String(),
          description: Type.String(),
        }),
      ),
    }),
  ),
  schools: Type.Array(
    Type.Object({ institutionId: Type.Integer(), name: Type.String(), event: Nullable(SidEvent) }),
    { description: "A director's schools with their registered event" },
  ),
  seesParticipation: Type.Boolean(),
});
export const SidEventBody = Type.Object(
  {
    institutionId: Id('The school'),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    heldOn: DateString({ description: 'The day of the event' }),
    participants: Type.Integer({ minimum: 1, maximum: 100_000, description: 'Pupils and staff taking part' }),
    activityIds: Type.Array(Id('An activity of the campaign'), { maxItems: 20 }),
    version: Type.Optional(VersionField),
  },
  { additionalProperties: false },
);
export { SidEvent };
export const ParticipationQuery = Type.Object(
  { areaId: Type.Optional(Id('An area in the caller’s scope')) },
  { additionalProperties: false },
);
export const Participation = Type.Object({
  year: Type.Integer(),
  scope: Scope,
  total: Type.Object({ schools: Type.Integer(), participants: Type.Integer() }),
  rows: Type.Array(
    Type.Object({
      kind: StringEnum(['area', 'school'] as const),
      id: Type.Integer(),
      name: Type.String(),
      schools: Type.Integer(),
      participants: Type.Integer(),
    }),
  ),
});
