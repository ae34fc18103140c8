import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireActor, type Role, type ScopeTarget } from '@/server/access';
import type { Db } from '@/server/db/database';
import { notFound } from '@/server/errors';
import type { Storage } from '@/server/storage';
import { changeContext } from '@/modules/identity/identity.routes';
import { institutionScope } from '@/modules/institutions/institutions.service';
import * as institutionsStore from '@/modules/institutions/institutions.store';
import { institutionOfClass } from '@/modules/classroom/classroom.service';
import * as service from '@/modules/assignments/assignments.service';
import {
  AssignmentDetail,
  AssignmentList,
  AssignmentParams,
  ClassAssignmentsQuery,
  ClassParams,
  CreateAssignmentBody,
  Deleted,
  FeedbackBody,
  FileParams,
  GroupsBody,
  PatchAssignmentBody,
  StatusList,
  StudentAssignments,
  StudentParams,
  SubmissionParams,
  SubmitBody,
  UploadQuery,
  UploadedFile,
  Version,
  Work,
  WorkParams,
} from '@/modules/assignments/assignments.schema';

/** Who reads a class's assignments: its school's director, its teachers, its students (the service narrows). */
const READERS: Role[] = ['director', 'teacher', 'student'];
/** Who sets and marks them: a teacher of the class's subject (the service checks it). */
const TEACHERS: Role[] = ['teacher'];
/** Who hands in work: a student of the class. */
const STUDENTS: Role[] = ['student'];
/** Who reads the status lists: the class's teachers and the school's director. */
const STAFF: Role[] = ['director', 'teacher'];

/** Assignments and group work: set, hand in, mark; a student's statuses for themself and their parents. */
export default async function assignmentsRoutes(
  app: FastifyInstance,
  opts: { db: Db; storage: Storage },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db, storage } = opts;
  const tags = ['assignments'];
  const schoolOfClass = async (request: FastifyRequest) =>
    institutionScope(db, await institutionOfClass(db, (request.params as { classId: number }).classId));
  const schoolOfAssignment = async (request: FastifyRequest) =>
    institutionScope(
      db,
      await service.institutionOfAssignment(db, (request.params as { assignmentId: number }).assignmentId),
    );
  const schoolOfSubmission = async (request: FastifyRequest) =>
    institutionScope(
      db,
      await service.institutionOfSubmission(db, (request.params as { submissionId: number }).submissionId),
    );
  const schoolOfFile = async (request: FastifyRequest) =>
    institutionScope(db, await service.institutionOfFile(db, (request.params as { fileId: number }).fileId));
  const student = async (request: FastifyRequest): Promise<ScopeTarget> => {
    const studentId = (request.params as { studentId: number }).studentId;
    const cls = await service.classOfStudent(db, studentId);
    const place = cls ? await institutionsStore.institutionPlace(db, cls.institutionId) : undefined;
    return {
      kind: 'student',
      studentId,
      institutionId: cls?.institutionId ?? 0,
      areaPath: place?.areaPath ?? [],
    };
  };

  // A file travels as the raw body; its kind is told by its bytes, never by the type the client claims.
  app.addContentTypeParser(
    ['application/octet-stream', 'application/pdf', 'image/jpeg', 'image/png'],
    { parseAs: 'buffer', bodyLimit: service.SUBMISSION_FILE_MAX_BYTES },
    (_request, body, done) => done(null, body),
  );

  r.post(
    '/classes/:classId/assignments',
    {
      config: { access: { roles: TEACHERS, scope: schoolOfClass } },
      schema: {
        tags,
        summary: 'Set an assignment (individual or group work, groups formed or drawn) and notify the class',
        params: ClassParams,
        body: CreateAssignmentBody,
        response: { 200: AssignmentDetail },
      },
    },
    async (request) =>
      service.createAssignment(
        db,
        requireActor(request),
        changeContext(request),
        request.params.classId,
        request.body,
        request.locale,
      ),
  );

  r.get(
    '/classes/:classId/assignments',
    {
      config: { access: { roles: READERS, scope: schoolOfClass } },
      schema: {
        tags,
        summary:
          "A class's assignments: with counts for its teachers, with the caller's status for a student",
        params: ClassParams,
        querystring: ClassAssignmentsQuery,
        response: { 200: AssignmentList },
      },
    },
    async (request) =>
      service.classAssignments(
        db,
        requireActor(request),
        request.params.classId,
        request.query.subjectCode,
        request.locale,
      ),
  );

  r.get(
    '/assignments/:assignmentId',
    {
      config: { access: { roles: READERS, scope: schoolOfAssignment } },
      schema: {
        tags,
        summary: 'One assignment with its groups (a student sees their own group)',
        params: AssignmentParams,
        response: { 200: AssignmentDetail },
      },
    },
    async (request) =>
      service.getAssignment(db, requireActor(request), request.params.assignmentId, request.locale),
  );

  r.patch(
    '/assignments/:assignmentId',
    {
      config: { access: { roles: TEACHERS, scope: schoolOfAssignment } },
      schema: {
        tags,
        summary:
          'Change an assignment (not its groups); switching individual/group is refused (409) once work is in',
        params: AssignmentParams,
        body: PatchAssignmentBody,
        response: { 200: AssignmentDetail },
      },
    },
    async (request) =>
      service.updateAssignment(
        db,
        requireActor(request),
        changeContext(request),
        request.params.assignmentId,
        request.body,
        request.locale,
      ),
  );

  r.delete(
    '/assignments/:assignmentId',
    {
      config: { access: { roles: TEACHERS, scope: schoolOfAssignment } },
      schema: {
        tags,
        summary: 'Delete an assignment set by mistake: refused (409) once work has been handed in',
        params: AssignmentParams,
        response: { 200: Deleted },
      },
    },
    async (request) =>
      service.deleteAssignment(
        db,
        storage,
        requireActor(request),
        changeContext(request),
        request.params.assignmentId,
      ),
  );

  r.put(
    '/assignments/:assignmentId/groups',
    {
      config: { access: { roles: TEACHERS, scope: schoolOfAssignment } },
      schema: {
        tags,
        summary: 'Form or draw the groups again (refused once a group has handed in work)',
        params: AssignmentParams,
        body: GroupsBody,
        response: { 200: AssignmentDetail },
      },
    },
    async (request) =>
      service.setGroups(
        db,
        requireActor(request),
        changeContext(request),
        request.params.assignmentId,
        request.body,
        request.locale,
      ),
  );

  r.get(
    '/assignments/:assignmentId/statuses',
    {
      config: { access: { roles: STAFF, scope: schoolOfAssignment } },
      schema: {
        tags,
        summary: 'Every student of the class: not submitted, submitted, late or marked',
        params: AssignmentParams,
        response: { 200: StatusList },
      },
    },
    async (request) =>
      service.statusList(db, requireActor(request), request.params.assignmentId, request.locale),
  );

  r.post(
    '/assignments/:assignmentId/uploads',
    {
      bodyLimit: service.SUBMISSION_FILE_MAX_BYTES,
      config: { access: { roles: STUDENTS, scope: schoolOfAssignment } },
      schema: {
        tags,
        summary: 'Upload a file (PDF, JPEG or PNG, at most 10 MB) as the raw body, to hand in with a version',
        params: AssignmentParams,
        querystring: UploadQuery,
        response: { 200: UploadedFile },
      },
    },
    async (request) =>
      service.uploadFile(
        db,
        storage,
        requireActor(request),
        changeContext(request),
        request.params.assignmentId,
        request.query.name ?? null,
        request.body,
      ),
  );

  r.post(
    '/assignments/:assignmentId/submissions',
    {
      config: { access: { roles: STUDENTS, scope: schoolOfAssignment } },
      schema: {
        tags,
        summary: 'Hand in a new version of the caller’s (or their group’s) work; late after the due time',
        params: AssignmentParams,
        body: SubmitBody,
        response: { 200: Version },
      },
    },
    async (request) =>
      service.submit(
        db,
        requireActor(request),
        changeContext(request),
        request.params.assignmentId,
        request.body,
        request.locale,
      ),
  );

  r.get(
    '/assignments/:assignmentId/work/:studentId',
    {
      config: { access: { roles: READERS, scope: schoolOfAssignment } },
      schema: {
        tags,
        summary: 'A student’s (or their group’s) work: every version with files and feedback',
        params: WorkParams,
        response: { 200: Work },
      },
    },
    async (request) =>
      service.workOf(
        db,
        requireActor(request),
        request.params.assignmentId,
        request.params.studentId,
        request.locale,
      ),
  );

  r.post(
    '/submissions/:submissionId/feedback',
    {
      config: { access: { roles: TEACHERS, scope: schoolOfSubmission } },
      schema: {
        tags,
        summary: 'Give feedback and a mark of the grading scale on a version, or ask for another version',
        params: SubmissionParams,
        body: FeedbackBody,
        response: { 200: Version },
      },
    },
    async (request) =>
      service.giveFeedback(
        db,
        requireActor(request),
        changeContext(request),
        request.params.submissionId,
        request.body,
        request.locale,
      ),
  );

  r.get(
    '/assignment-files/:fileId',
    {
      config: { access: { roles: READERS, scope: schoolOfFile } },
      schema: { tags, summary: 'A file of a submission, for those who may see the work', params: FileParams },
    },
    async (request, reply) => {
      const file = await service.fileFor(db, requireActor(request), request.params.fileId);
      const size = await storage.size(file.storageKey);
      if (size === null) throw notFound('file');
      void reply
        .header('content-type', file.contentType)
        .header('content-length', size)
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store');
      return reply.send(storage.read(file.storageKey));
    },
  );

  r.get(
    '/students/:studentId/assignments',
    {
      config: { access: { roles: ['student', 'parent'], scope: student } },
      schema: {
        tags,
        summary:
          'A student’s assignments with status and mark: for the student and their parents (read-only)',
        params: StudentParams,
        response: { 200: StudentAssignments },
      },
    },
    async (request) => service.studentAssignments(db, request.params.studentId, request.locale),
  );
}
