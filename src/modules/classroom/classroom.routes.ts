import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireActor, type Role } from '@/server/access';
import { AppError } from '@/server/errors';
import type { Db } from '@/server/db/database';
import { Ok } from '@/modules/identity/identity.schema';
import { changeContext } from '@/modules/identity/identity.routes';
import { institutionScope } from '@/modules/institutions/institutions.service';
import {
  CSV_TYPE,
  IMPORT_MAX_BYTES,
  XLSX_TYPE,
  tooLarge,
} from '@/modules/infrastructure/registry-import.files';
import * as service from '@/modules/classroom/classroom.service';
import * as oneroster from '@/modules/classroom/oneroster.service';
import * as subjectTeachers from '@/modules/classroom/subject-teachers.service';
import {
  BellBody,
  BellSchedule,
  BellSchedules,
  ClassDetail,
  ClassList,
  ClassParams,
  ClassSubjects,
  ClassSubjectsBody,
  CopyWeekBody,
  CreateClassBody,
  Entry,
  EntryBody,
  EntryUpdateBody,
  EntryParams,
  EnrolmentImportReport,
  GenerateBody,
  GenerateResult,
  GradeSubjectBody,
  GradeSubjectResult,
  ImportQuery,
  InstitutionParams,
  Lesson,
  LessonBody,
  LessonList,
  LessonParams,
  MyDayQuery,
  OneRosterImportReport,
  PatchClassBody,
  RangeQuery,
  SchoolSubjectTeachers,
  ShiftParams,
  StudentParams,
  SubjectParams,
  SubjectTeacherBody,
  TeacherList,
  TeachingList,
  TeachingQuery,
  Week,
  WeekBody,
  YearQuery,
} from '@/modules/classroom/classroom.schema';

/** Who reads a class: its school's director, its teachers, its students (the service narrows to their own). */
const READERS: Role[] = ['admin', 'director', 'teacher', 'student'];
/** Who manages a school's classes and timetable: its director, and the national administrator. */
const MANAGERS: Role[] = ['admin', 'director'];
/** Who fills in a lesson: its teacher (the service checks it is theirs), the director, the administrator. */
const LESSON_WRITERS: Role[] = ['admin', 'director', 'teacher'];

/** The virtual school's core: classes and enrolments, bell schedules and timetables, lessons. */
/** An import's raw body: a file of at most IMPORT_MAX_BYTES, refused before it is read when it says it is larger. */
const UPLOAD = {
  bodyLimit: IMPORT_MAX_BYTES,
  preParsing: async (request: FastifyRequest) => {
    if (Number(request.headers['content-length'] ?? 0) > IMPORT_MAX_BYTES) throw tooLarge();
  },
};

/** The uploaded file's bytes (an empty body is an empty file; a parsed JSON body is the wrong kind). */
function uploaded(request: FastifyRequest): Buffer {
  const body = request.body ?? Buffer.alloc(0);
  if (!Buffer.isBuffer(body)) {
    throw new AppError(415, 'unsupported_media_type', { type: request.headers['content-type'] ?? '' });
  }
  return body;
}

/** A file to save, never kept by caches on the way. */
function download(reply: FastifyReply, file: { filename: string; body: string | Buffer }, type: string) {
  reply.header('content-type', type);
  reply.header('content-disposition', `attachment; filename="${file.filename}"`);
  reply.header('cache-control', 'no-store');
  return file.body;
}

export default async function classroomRoutes(app: FastifyInstance, opts: { db: Db }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['classroom'];
  const school = (request: FastifyRequest) => institutionScope(db, (request.params as { id: number }).id);
  const schoolOfClass = async (request: FastifyRequest) =>
    institutionScope(
      db,
      await service.institutionOfClass(db, (request.params as { classId: number }).classId),
    );
  const schoolOfEntry = async (request: FastifyRequest) =>
    institutionScope(
      db,
      await service.institutionOfEntry(db, (request.params as { entryId: number }).entryId),
    );
  const schoolOfLesson = async (request: FastifyRequest) =>
    institutionScope(
      db,
      await service.institutionOfLesson(db, (request.params as { lessonId: number }).lessonId),
    );

  // The enrolment file travels as the raw body, its kind told by its bytes (as the registry's import).
  app.addContentTypeParser(
    [
      CSV_TYPE,
      'text/plain',
      'application/vnd.ms-excel',
      XLSX_TYPE,
      'application/octet-stream',
      'application/zip',
      'application/x-zip-compressed',
    ],
    { parseAs: 'buffer', bodyLimit: IMPORT_MAX_BYTES },
    (_request, body, done) => done(null, body),
  );

  // Classes --------------------------------------------------------------------------------------------
  r.get(
    '/institutions/:id/classes',
    {
      config: { access: { roles: READERS, scope: school } },
      schema: {
        tags,
        summary: "A school's classes in a year: all for its director, a teacher's own, a student's own",
        params: InstitutionParams,
        querystring: YearQuery,
        response: { 200: ClassList },
      },
    },
    async (request) =>
      service.listClasses(db, requireActor(request), request.params.id, request.query.yearId, request.locale),
  );

  r.post(
    '/institutions/:id/classes',
    {
      config: { access: { roles: MANAGERS, scope: school } },
      schema: {
        tags,
        summary: 'Create a class (grade and letter, language, shift, homeroom teacher)',
        params: InstitutionParams,
        body: CreateClassBody,
        response: { 200: ClassDetail },
      },
    },
    async (request) =>
      service.createClass(
        db,
        requireActor(request),
        changeContext(request),
        request.params.id,
        request.body,
        request.locale,
      ),
  );

  r.get(
    '/classes/:classId',
    {
      config: { access: { roles: READERS, scope: schoolOfClass } },
      schema: {
        tags,
        summary: 'A class with its students and subject teachers',
        params: ClassParams,
        response: { 200: ClassDetail },
      },
    },
    async (request) => service.getClass(db, requireActor(request), request.params.classId),
  );

  r.patch(
    '/classes/:classId',
    {
      config: { access: { roles: MANAGERS, scope: schoolOfClass } },
      schema: {
        tags,
        summary:
          'Change a class; a new shift moves its timetable onto that shift’s bells (checked for clashes)',
        params: ClassParams,
        body: PatchClassBody,
        response: { 200: ClassDetail },
      },
    },
    async (request) =>
      service.updateClass(
        db,
        requireActor(request),
        changeContext(request),
        request.params.classId,
        request.body,
        request.locale,
      ),
  );

  r.put(
    '/classes/:classId/students/:studentId',
    {
      config: { access: { roles: MANAGERS, scope: schoolOfClass } },
      schema: {
        tags,
        summary: 'Enrol a student of the school (one class per year)',
        params: StudentParams,
        response: { 200: ClassDetail },
      },
    },
    async (request) =>
      service.enrolStudent(
        db,
        requireActor(request),
        changeContext(request),
        request.params.classId,
        request.params.studentId,
        request.locale,
      ),
  );

  r.delete(
    '/classes/:classId/students/:studentId',
    {
      config: { access: { roles: MANAGERS, scope: schoolOfClass } },
      schema: {
        tags,
        summary: 'Take a student out of a class',
        params: StudentParams,
        response: { 200: ClassDetail },
      },
    },
    async (request) =>
      service.unenrolStudent(
        db,
        requireActor(request),
        changeContext(request),
        request.params.classId,
        request.params.studentId,
      ),
  );

  r.put(
    '/classes/:classId/subjects/:subjectCode',
    {
      config: { access: { roles: MANAGERS, scope: schoolOfClass } },
      schema: {
        tags,
        summary:
          'Set who teaches a subject to the class, from the subject teachers’ version read; 409 stale_version when they changed since',
        params: SubjectParams,
        body: SubjectTeacherBody,
        response: { 200: ClassDetail },
      },
    },
    async (request) =>
      service.setSubjectTeacher(
        db,
        requireActor(request),
        changeContext(request),
        request.params.classId,
        request.params.subjectCode,
        request.body,
        request.locale,
      ),
  );

  r.get(
    '/classes/:classId/subjects',
    {
      config: { access: { roles: READERS, scope: schoolOfClass } },
      schema: {
        tags,
        summary: "A class's subject teachers, with the version a save of them must send",
        params: ClassParams,
        response: { 200: ClassSubjects },
      },
    },
    async (request) => subjectTeachers.getClassSubjects(db, requireActor(request), request.params.classId),
  );

  r.put(
    '/classes/:classId/subjects',
    {
      config: { access: { roles: MANAGERS, scope: schoolOfClass } },
      schema: {
        tags,
        summary: "Set (or, with a null teacher, clear) several subjects' teachers of the class at once",
        params: ClassParams,
        body: ClassSubjectsBody,
        response: { 200: ClassDetail },
      },
    },
    async (request) =>
      subjectTeachers.setClassSubjects(
        db,
        requireActor(request),
        changeContext(request),
        request.params.classId,
        request.body,
        request.locale,
      ),
  );

  r.get(
    '/institutions/:id/subject-teachers',
    {
      config: { access: { roles: MANAGERS, scope: school } },
      schema: {
        tags,
        summary: "A school's subject teachers in a year, and who is known to teach each subject there",
        params: InstitutionParams,
        querystring: YearQuery,
        response: { 200: SchoolSubjectTeachers },
      },
    },
    async (request) =>
      subjectTeachers.schoolSubjectTeachers(
        db,
        requireActor(request),
        request.params.id,
        request.query.yearId,
        request.locale,
      ),
  );

  r.put(
    '/institutions/:id/subject-teachers',
    {
      config: { access: { roles: MANAGERS, scope: school } },
      schema: {
        tags,
        summary:
          "Set (or clear) one subject's teacher in every class of a grade, from the classes' versions read; 409 stale_version naming the classes changed since",
        params: InstitutionParams,
        body: GradeSubjectBody,
        response: { 200: GradeSubjectResult },
      },
    },
    async (request) =>
      subjectTeachers.setGradeSubject(
        db,
        requireActor(request),
        changeContext(request),
        request.params.id,
        request.body,
        request.locale,
      ),
  );

  r.delete(
    '/classes/:classId/subjects/:subjectCode',
    {
      config: { access: { roles: MANAGERS, scope: schoolOfClass } },
      schema: {
        tags,
        summary: "Remove a subject's teacher",
        params: SubjectParams,
        response: { 200: ClassDetail },
      },
    },
    async (request) =>
      service.removeSubjectTeacher(
        db,
        requireActor(request),
        changeContext(request),
        request.params.classId,
        request.params.subjectCode,
      ),
  );

  r.post(
    '/institutions/:id/enrolments/import',
    {
      config: { access: { roles: MANAGERS, scope: school } },
      ...UPLOAD,
      schema: {
        tags,
        summary:
          'Enrol students from a CSV or XLSX file (columns username, class; raw body): every row is checked, all are enrolled or none',
        params: InstitutionParams,
        querystring: ImportQuery,
        response: { 200: EnrolmentImportReport },
      },
    },
    async (request) => {
      const body = uploaded(request);
      return service.importEnrolments(
        db,
        requireActor(request),
        changeContext(request),
        request.params.id,
        body,
        { yearId: request.query.yearId, dryRun: request.query.dryRun },
        request.locale,
      );
    },
  );

  r.get(
    '/institutions/:id/enrolments/export',
    {
      config: { access: { roles: MANAGERS, scope: school } },
      schema: {
        tags,
        summary:
          "The school's enrolments of a year as CSV (username, class, name); it imports back unchanged",
        params: InstitutionParams,
        querystring: YearQuery,
      },
    },
    async (request, reply) => {
      const file = await service.exportEnrolments(
        db,
        requireActor(request),
        request.params.id,
        request.query.yearId,
        request.locale,
      );
      return download(reply, file, 'text/csv; charset=utf-8');
    },
  );

  r.get(
    '/institutions/:id/oneroster',
    {
      config: { access: { roles: MANAGERS, scope: school } },
      schema: {
        tags,
        summary:
          "The school's classes of a year as a OneRoster 1.2 CSV zip (orgs, academic session, courses, classes, users, roles, enrollments)",
        params: InstitutionParams,
        querystring: YearQuery,
      },
    },
    async (request, reply) => {
      const file = await oneroster.exportOneRoster(
        db,
        requireActor(request),
        request.params.id,
        request.query.yearId,
        request.locale,
      );
      return download(reply, file, 'application/zip');
    },
  );

  r.post(
    '/institutions/:id/oneroster',
    {
      config: { access: { roles: MANAGERS, scope: school } },
      ...UPLOAD,
      schema: {
        tags,
        summary:
          'Import a OneRoster 1.2 CSV zip (raw body): creates missing classes, enrols students, sets teachers; all or nothing, 422 with every problem',
        params: InstitutionParams,
        querystring: ImportQuery,
        response: { 200: OneRosterImportReport },
      },
    },
    async (request) => {
      const body = uploaded(request);
      return oneroster.importOneRoster(
        db,
        requireActor(request),
        changeContext(request),
        request.params.id,
        body,
        { yearId: request.query.yearId, dryRun: request.query.dryRun },
        request.locale,
      );
    },
  );

  // Bell schedules and timetables ------------------------------------------------------------------------
  r.get(
    '/institutions/:id/bell-schedules',
    {
      config: { access: { roles: READERS, scope: school } },
      schema: {
        tags,
        summary: "A school's bell schedule of each shift in a year",
        params: InstitutionParams,
        querystring: YearQuery,
        response: { 200: BellSchedules },
      },
    },
    async (request) => service.getBellSchedules(db, request.params.id, request.query.yearId, request.locale),
  );

  r.get(
    '/institutions/:id/bell-schedules/:shift',
    {
      config: { access: { roles: READERS, scope: school } },
      schema: {
        tags,
        summary: "One shift's bell schedule in a year, with the version a save of it must send",
        params: ShiftParams,
        querystring: YearQuery,
        response: { 200: BellSchedule },
      },
    },
    async (request) =>
      service.getBellSchedule(
        db,
        request.params.id,
        request.params.shift,
        request.query.yearId,
        request.locale,
      ),
  );

  r.put(
    '/institutions/:id/bell-schedules/:shift',
    {
      config: { access: { roles: MANAGERS, scope: school } },
      schema: {
        tags,
        summary: "Replace a shift's bell schedule; the shift's timetable is checked again on the new times",
        params: ShiftParams,
        body: BellBody,
        response: { 200: BellSchedule },
      },
    },
    async (request) =>
      service.setBellSchedule(
        db,
        requireActor(request),
        changeContext(request),
        request.params.id,
        request.params.shift,
        request.body,
        request.locale,
      ),
  );

  r.get(
    '/classes/:classId/timetable',
    {
      config: { access: { roles: READERS, scope: schoolOfClass } },
      schema: { tags, summary: "A class's weekly timetable", params: ClassParams, response: { 200: Week } },
    },
    async (request) => service.getWeek(db, requireActor(request), request.params.classId),
  );

  r.put(
    '/classes/:classId/timetable',
    {
      config: { access: { roles: MANAGERS, scope: schoolOfClass } },
      schema: {
        tags,
        summary: "Replace a class's whole week; refused whole (409) when any period clashes",
        params: ClassParams,
        body: WeekBody,
        response: { 200: Week },
      },
    },
    async (request) =>
      service.replaceWeek(
        db,
        requireActor(request),
        changeContext(request),
        request.params.classId,
        request.body,
        request.locale,
      ),
  );

  r.post(
    '/classes/:classId/timetable',
    {
      config: { access: { roles: MANAGERS, scope: schoolOfClass } },
      schema: {
        tags,
        summary: 'Add a weekly period; 409 naming the clash when the teacher, the room or the class is taken',
        params: ClassParams,
        body: EntryBody,
        response: { 200: Entry },
      },
    },
    async (request) =>
      service.addEntry(
        db,
        requireActor(request),
        changeContext(request),
        request.params.classId,
        request.body,
        request.locale,
      ),
  );

  r.post(
    '/classes/:classId/timetable/copy',
    {
      config: { access: { roles: MANAGERS, scope: schoolOfClass } },
      schema: {
        tags,
        summary: "Copy another class's week onto this class (same school and year), replacing its own",
        params: ClassParams,
        body: CopyWeekBody,
        response: { 200: Week },
      },
    },
    async (request) =>
      service.copyWeek(
        db,
        requireActor(request),
        changeContext(request),
        request.params.classId,
        request.body.fromClassId,
        request.body.keepTeachers,
        request.locale,
      ),
  );

  r.put(
    '/timetable/:entryId',
    {
      config: { access: { roles: MANAGERS, scope: schoolOfEntry } },
      schema: {
        tags,
        summary:
          'Change a weekly period, from the version of the class’s week read; 409 naming the clash, or stale_version',
        params: EntryParams,
        body: EntryUpdateBody,
        response: { 200: Entry },
      },
    },
    async (request) =>
      service.updateEntry(
        db,
        requireActor(request),
        changeContext(request),
        request.params.entryId,
        request.body,
        request.locale,
      ),
  );

  r.delete(
    '/timetable/:entryId',
    {
      config: { access: { roles: MANAGERS, scope: schoolOfEntry } },
      schema: {
        tags,
        summary: 'Remove a weekly period; its future empty lessons go, filled-in ones stay as cancelled',
        params: EntryParams,
        response: { 200: Ok },
      },
    },
    async (request) =>
      service.deleteEntry(db, requireActor(request), changeContext(request), request.params.entryId),
  );

  // Lessons ----------------------------------------------------------------------------------------------
  r.post(
    '/institutions/:id/lessons/generate',
    {
      config: { access: { roles: MANAGERS, scope: school } },
      schema: {
        tags,
        summary:
          'Generate the lesson occurrences of every class for a date range (idempotent; holidays skipped; the past only gains)',
        params: InstitutionParams,
        body: GenerateBody,
        response: { 200: GenerateResult },
      },
    },
    async (request) =>
      service.generateLessons(
        db,
        requireActor(request),
        changeContext(request),
        request.params.id,
        request.body,
        request.locale,
      ),
  );

  r.get(
    '/classes/:classId/lessons',
    {
      config: { access: { roles: READERS, scope: schoolOfClass } },
      schema: {
        tags,
        summary: "A class's lessons between two dates (at most 62 days)",
        params: ClassParams,
        querystring: RangeQuery,
        response: { 200: LessonList },
      },
    },
    async (request) =>
      service.classLessons(
        db,
        requireActor(request),
        request.params.classId,
        request.query.from,
        request.query.to,
        request.locale,
      ),
  );

  r.get(
    '/lessons/:lessonId',
    {
      config: { access: { roles: READERS, scope: schoolOfLesson } },
      schema: {
        tags,
        summary: 'A lesson occurrence with its content',
        params: LessonParams,
        response: { 200: Lesson },
      },
    },
    async (request) => service.getLesson(db, requireActor(request), request.params.lessonId, request.locale),
  );

  r.put(
    '/lessons/:lessonId',
    {
      config: { access: { roles: LESSON_WRITERS, scope: schoolOfLesson } },
      schema: {
        tags,
        summary: 'Fill in a lesson (its teacher): topic, homework, materials, a live-meeting link',
        params: LessonParams,
        body: LessonBody,
        response: { 200: Lesson },
      },
    },
    async (request) =>
      service.saveLesson(
        db,
        requireActor(request),
        changeContext(request),
        request.params.lessonId,
        request.body,
        request.locale,
      ),
  );

  r.get(
    '/me/teaching',
    {
      config: { access: { roles: ['teacher'] } },
      schema: {
        tags,
        summary: "The caller's own lessons between two dates (at most 62 days), to fill them in",
        querystring: TeachingQuery,
        response: { 200: TeachingList },
      },
    },
    async (request) => service.teachingLessons(db, requireActor(request), request.query, request.locale),
  );

  r.get(
    '/institutions/:id/teachers',
    {
      config: { access: { roles: MANAGERS, scope: school } },
      schema: {
        tags,
        summary: "A school's teachers, for its timetable and classes",
        params: InstitutionParams,
        response: { 200: TeacherList },
      },
    },
    async (request) => service.schoolTeachers(db, request.params.id),
  );

  r.get(
    '/me/lessons/today',
    {
      config: { access: { roles: ['student'] } },
      schema: {
        tags,
        summary: "A student's lessons of the day, with their content",
        querystring: MyDayQuery,
        response: { 200: LessonList },
      },
    },
    async (request) =>
      service.myLessons(db, requireActor(request), 'day', request.query.date, request.locale),
  );

  r.get(
    '/me/lessons/week',
    {
      config: { access: { roles: ['student'] } },
      schema: {
        tags,
        summary: "A student's lessons of the week (Monday to Sunday) holding the day",
        querystring: MyDayQuery,
        response: { 200: LessonList },
      },
    },
    async (request) =>
      service.myLessons(db, requireActor(request), 'week', request.query.date, request.locale),
  );
}
