import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Role, ScopeTarget } from '@/server/access';
import type { Db } from '@/server/db/database';
import { changeContext } from '@/modules/identity/identity.routes';
import * as edit from '@/modules/portal/portal.courses.edit.service';
import { CourseParams, LessonParams } from '@/modules/portal/portal.courses.schema';
import {
  CourseBody,
  EditCourse,
  EditLesson,
  LessonBody,
  NewLessonBody,
  RemoveQuery,
  Removed,
} from '@/modules/portal/portal.courses.edit.schema';

/** The ministry's content staff who edit the courses: the national publishers of the portal's news. */
export const COURSE_EDITORS: Role[] = ['admin', 'bureau', 'editor'];

/** The content staff's editor of the internet-safety courses (docs/portal.md, "Editing the courses"). */
export default async function portalCourseEditRoutes(app: FastifyInstance, opts: { db: Db }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['portal-safety'];
  // The courses are the nation's: only a grant held nation-wide edits them.
  const access = { roles: COURSE_EDITORS, scope: async (): Promise<ScopeTarget> => ({ kind: 'nation' }) };

  r.get(
    '/portal/manage/safety/courses/:courseId',
    {
      config: { access },
      schema: {
        tags,
        summary: 'A course in every language with all its lessons (retired ones too), for its editors',
        params: CourseParams,
        response: { 200: EditCourse },
      },
    },
    async (request) => edit.getEditableCourse(db, request.params.courseId),
  );
  r.put(
    '/portal/manage/safety/courses/:courseId',
    {
      config: { access },
      schema: {
        tags,
        summary: "Save a course's title and summary, and the order of its lessons, at the version read",
        params: CourseParams,
        body: CourseBody,
        response: { 200: EditCourse },
      },
    },
    async (request) =>
      edit.saveCourse(db, changeContext(request), request.locale, request.params.courseId, request.body),
  );
  r.post(
    '/portal/manage/safety/courses/:courseId/lessons',
    {
      config: { access },
      schema: {
        tags,
        summary: 'Add a lesson at the end of a course',
        params: CourseParams,
        body: NewLessonBody,
        response: { 200: EditLesson },
      },
    },
    async (request) =>
      edit.addLesson(db, changeContext(request), request.locale, request.params.courseId, request.body),
  );
  r.get(
    '/portal/manage/safety/lessons/:lessonId',
    {
      config: { access },
      schema: {
        tags,
        summary: 'A lesson in every language with its quiz and key, for its editors',
        params: LessonParams,
        response: { 200: EditLesson },
      },
    },
    async (request) => edit.getEditableLesson(db, request.params.lessonId),
  );
  r.put(
    '/portal/manage/safety/lessons/:lessonId',
    {
      config: { access },
      schema: {
        tags,
        summary:
          "Save a lesson's texts, library resources and quiz at the version read (pupils' scores kept)",
        params: LessonParams,
        body: LessonBody,
        response: { 200: EditLesson },
      },
    },
    async (request) =>
      edit.saveLesson(db, changeContext(request), request.locale, request.params.lessonId, request.body),
  );
  r.delete(
    '/portal/manage/safety/lessons/:lessonId',
    {
      config: { access },
      schema: {
        tags,
        summary:
          'Remove a lesson no pupil took, or retire one that pupils took (attempts kept), at the version read',
        params: LessonParams,
        querystring: RemoveQuery,
        response: { 200: Removed },
      },
    },
    async (request) =>
      edit.removeLesson(db, changeContext(request), request.params.lessonId, request.query.version),
  );
}
