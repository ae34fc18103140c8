import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireActor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { changeContext } from '@/modules/identity/identity.routes';
import * as courses from '@/modules/portal/portal.courses.service';
import * as sid from '@/modules/portal/portal.sid.service';
import { courseReport } from '@/modules/portal/portal.courses.report';
import {
  Campaign,
  CampaignParams,
  CampaignQuery,
  Course,
  CourseList,
  CourseParams,
  CourseReport,
  LessonParams,
  Participation,
  ParticipationQuery,
  QuizBody,
  QuizResult,
  ReportQuery,
  Run,
  RunBody,
  SidEvent,
  SidEventBody,
} from '@/modules/portal/portal.courses.schema';

/** The portal's internet-safety courses and Safer Internet Day (docs/portal.md). */
export default async function portalCoursesRoutes(app: FastifyInstance, opts: { db: Db }) {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['portal-safety'];

  r.get(
    '/portal/safety/courses',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The internet-safety courses, one per grade band',
        response: { 200: CourseList },
      },
    },
    async (request) => courses.listCourses(db, request.locale),
  );
  r.get(
    '/portal/safety/courses/:courseId',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary:
          "A course's lessons with their resources and quizzes; a pupil's results; a teacher's classes with their progress",
        params: CourseParams,
        response: { 200: Course },
      },
    },
    async (request) => courses.getCourse(db, request.locale, request.actor, request.params.courseId),
  );
  r.post(
    '/portal/safety/courses/:courseId/runs',
    {
      config: { access: { roles: ['teacher', 'director'] } },
      schema: {
        tags,
        summary:
          'A teacher starts the course for a class they teach (or the director for a class of the school)',
        params: CourseParams,
        body: RunBody,
        response: { 200: Run },
      },
    },
    async (request) =>
      courses.startForClass(
        db,
        changeContext(request),
        requireActor(request),
        request.locale,
        request.params.courseId,
        request.body.classId,
      ),
  );
  r.post(
    '/portal/safety/lessons/:lessonId/quiz',
    {
      config: { access: { roles: ['student'] } },
      schema: {
        tags,
        summary: "A pupil's answers to a lesson's quiz, marked; the best score is kept",
        params: LessonParams,
        body: QuizBody,
        response: { 200: QuizResult },
      },
    },
    async (request) =>
      courses.takeQuiz(
        db,
        changeContext(request),
        requireActor(request),
        request.locale,
        request.params.lessonId,
        request.body.answers,
      ),
  );
  r.get(
    '/portal/safety/report',
    {
      config: { access: { roles: ['admin', 'bureau', 'regional', 'director'] } },
      schema: {
        tags,
        summary:
          'Completions and scores by region, district, school or class, in the caller’s scope; only aggregates, small cells hidden',
        querystring: ReportQuery,
        response: { 200: CourseReport },
      },
    },
    async (request) => courseReport(db, requireActor(request), request.locale, request.query),
  );

  // Safer Internet Day -----------------------------------------------------------------------------------------
  r.get(
    '/portal/sid',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: "Safer Internet Day: the year's campaign and its activities; a director's schools' events",
        querystring: CampaignQuery,
        response: { 200: Campaign },
      },
    },
    async (request) => sid.getCampaign(db, request.locale, request.actor, request.query.year),
  );
  r.put(
    '/portal/sid/:campaignId/event',
    {
      config: { access: { roles: ['director'] } },
      schema: {
        tags,
        summary: "A director registers the school's event (or saves it at the version read)",
        params: CampaignParams,
        body: SidEventBody,
        response: { 200: SidEvent },
      },
    },
    async (request) =>
      sid.registerEvent(
        db,
        changeContext(request),
        requireActor(request),
        request.locale,
        request.params.campaignId,
        request.body,
      ),
  );
  r.get(
    '/portal/sid/:campaignId/participation',
    {
      config: { access: { roles: ['admin', 'bureau', 'regional'] } },
      schema: {
        tags,
        summary: 'Schools registered and participants by region (the ministry) or in an area',
        params: CampaignParams,
        querystring: ParticipationQuery,
        response: { 200: Participation },
      },
    },
    async (request) =>
      sid.participation(
        db,
        requireActor(request),
        request.locale,
        request.params.campaignId,
        request.query.areaId,
      ),
  );
}
