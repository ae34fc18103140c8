import { Type } from 'typebox';
import { StringEnum } from '@/server/schema';
import { VersionField, VersionOut } from '@/server/versions';
import { SAFETY_TOPICS } from '@/modules/portal/portal.courses.tables';

/** Request and response schemas of the content staff's editor of the internet-safety courses (docs/portal.md). */

const Id = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });

/** The question kinds the course quizzes use (the contests engine's kinds that fit a short quiz). */
export const EDIT_KINDS = ['single', 'multiple', 'true_false', 'matching', 'ordering'] as const;

const TextIn = (max: number, description: string) =>
  Type.Object(
    {
      az: Type.String({ maxLength: max }),
      ru: Type.String({ maxLength: max }),
      en: Type.String({ maxLength: max }),
    },
    { additionalProperties: false, description },
  );
const ListsIn = (description: string) =>
  Type.Object(
    {
      az: Type.Array(Type.String({ maxLength: 300 }), { maxItems: 8 }),
      ru: Type.Array(Type.String({ maxLength: 300 }), { maxItems: 8 }),
      en: Type.Array(Type.String({ maxLength: 300 }), { maxItems: 8 }),
    },
    { additionalProperties: false, description },
  );
const TextOut = Type.Object({ az: Type.String(), ru: Type.String(), en: Type.String() });
const ListsOut = Type.Object({
  az: Type.Array(Type.String()),
  ru: Type.Array(Type.String()),
  en: Type.Array(Type.String()),
});
const Indexes = (description: string) =>
  Type.Array(Type.Integer({ minimum: 0, maximum: 7 }), { maxItems: 8, description });

export const QuestionIn = Type.Object(
  {
    kind: StringEnum(EDIT_KINDS),
    points: Type.Integer({ minimum: 1, maximum: 10 }),
    prompt: TextIn(500, 'The question in each language (plain text)'),
    options: Type.Optional(ListsIn('single, multiple: the options in each language, in the same order')),
    correct: Type.Optional(Indexes('single, multiple: the indexes of the right options')),
    truth: Type.Optional(Type.Boolean({ description: 'true_false: whether the statement is true' })),
    left: Type.Optional(ListsIn('matching: the left column in each language')),
    right: Type.Optional(ListsIn('matching: the right column in each language')),
    pairs: Type.Optional(Indexes('matching: for each left item, the index of its right item')),
    items: Type.Optional(ListsIn('ordering: the items in their right order, in each language')),
  },
  { additionalProperties: false },
);
const QuestionOut = Type.Object({
  kind: StringEnum(EDIT_KINDS),
  points: Type.Integer(),
  prompt: TextOut,
  options: Type.Optional(ListsOut),
  correct: Type.Optional(Type.Array(Type.Integer())),
  truth: Type.Optional(Type.Boolean()),
  left: Type.Optional(ListsOut),
  right: Type.Optional(ListsOut),
  pairs: Type.Optional(Type.Array(Type.Integer())),
  items: Type.Optional(ListsOut),
});

const lessonFields = {
  topic: StringEnum(SAFETY_TOPICS),
  title: TextIn(200, 'The title in each language (plain text)'),
  body: TextIn(4000, 'The lesson’s text in each language (plain text)'),
  resourceIds: Type.Array(Id('A published library resource'), { maxItems: 10 }),
  questions: Type.Array(QuestionIn, { minItems: 1, maxItems: 10, description: 'The quiz' }),
};
export const NewLessonBody = Type.Object(lessonFields, { additionalProperties: false });
export const LessonBody = Type.Object(
  {
    version: VersionField,
    ...lessonFields,
    retired: Type.Optional(
      Type.Boolean({ description: 'Hidden from pupils (attempts kept); false brings it back' }),
    ),
  },
  { additionalProperties: false },
);
export const CourseBody = Type.Object(
  {
    version: VersionField,
    title: TextIn(200, 'The title in each language (plain text)'),
    summary: TextIn(1000, 'The summary in each language (plain text)'),
    lessonIds: Type.Optional(
      Type.Array(Id('A lesson of the course'), {
        maxItems: 60,
        description: 'Every lesson of the course (retired ones too) in the new order; left out: order kept',
      }),
    ),
  },
  { additionalProperties: false },
);
export const RemoveQuery = Type.Object(
  {
    version: Type.Integer({
      minimum: 0,
      maximum: 2_147_483_647,
      description: 'The lesson’s version as read',
    }),
  },
  { additionalProperties: false },
);
export const Removed = Type.Object({
  outcome: StringEnum(['removed', 'retired'] as const, {
    description: 'removed: no pupil had attempted it; retired: hidden, its attempts kept',
  }),
});

export const EditLesson = Type.Object({
  id: Type.Integer(),
  courseId: Type.Integer(),
  version: VersionOut,
  position: Type.Integer(),
  topic: StringEnum(SAFETY_TOPICS),
  retired: Type.Boolean(),
  attempts: Type.Integer({ description: 'Pupils who took its quiz' }),
  title: TextOut,
  body: TextOut,
  resources: Type.Array(Type.Object({ id: Type.Integer(), title: Type.String(), type: Type.String() }), {
    description: 'The lesson’s library resources that are published',
  }),
  questions: Type.Array(QuestionOut),
});
export const EditCourse = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  version: VersionOut,
  gradeFrom: Type.Integer(),
  gradeTo: Type.Integer(),
  title: TextOut,
  summary: TextOut,
  editedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lessons: Type.Array(EditLesson),
});
