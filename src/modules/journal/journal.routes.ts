import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireActor, type Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import { changeContext } from '@/modules/identity/identity.routes';
import { institutionScope } from '@/modules/institutions/institutions.service';
import * as service from '@/modules/journal/journal.service';
import * as summary from '@/modules/journal/journal.summary';
import { JobWorker } from '@/server/jobs';
import {
  AssessmentBody,
  AssessmentCreated,
  ClassAttendanceReport,
  ClassReportQuery,
  ClassSubjectParams,
  CloseTermBody,
  EntriesBody,
  EntriesResult,
  History,
  HistoryQuery,
  JournalPage,
  LinkBody,
  LinkCode,
  LinkCodeBody,
  Linked,
  Overview,
  ReportCard,
  ReportCardQuery,
  Result,
  ResultBody,
  SchoolSummary,
  SchoolSummaryQuery,
  StudentParams,
  TermClosed,
  TermQuery,
} from '@/modules/journal/journal.schema';

/** Who reads a class's subject journal: its subject and homeroom teachers, the director (the service narrows). */
const JOURNAL_READERS: Role[] = ['director', 'teacher'];
/** Who writes it: the subject teacher (the service checks it is theirs). */
const JOURNAL_WRITERS: Role[] = ['teacher'];
/** Who reads a student: themself, their parents, their school's director and teachers (the service narrows). */
const STUDENT_READERS: Role[] = ['student', 'parent', 'director', 'teacher'];
/** Who reads a school's summary: its director; above a school, aggregates only. */
const SUMMARY_READERS: Role[] = ['director', 'regional', 'bureau'];

/** The class journal (issue 6): marking, terms, parents' links, a student's overview, reports. */
export default async function journalRoutes(
  app: FastifyInstance,
  opts: { db: Db; runJobs?: boolean },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['journal'];

  if (opts.runJobs) {
    // The parents' evening summary: today's run is added at start, each run adds the next day's.
    const worker = new JobWorker(
      db,
      { [summary.SUMMARY_QUEUE]: summary.summaryJob(db) },
      { onError: (job, error) => app.log.warn({ err: error, jobId: job.id }, 'journal summary failed') },
    );
    app.addHook('onReady', async () => {
      await summary
        .scheduleDaySummary(db)
        .catch((error: unknown) => app.log.warn({ err: error }, 'journal summary not scheduled'));
      worker.start();
    });
    app.addHook('onClose', async () => worker.stop());
  }

  const schoolOfClassParam = async (request: { params: unknown }) =>
    institutionScope(db, await service.classInstitution(db, (request.params as { classId: number }).classId));
  const file = (reply: FastifyReply, body: Buffer, type: string, name: string) => {
    reply.header('content-type', type);
    reply.header('content-disposition', `attachment; filename="${name}"`);
    reply.header('cache-control', 'no-store');
    return reply.send(body);
  };

  r.get(
    '/journal/classes/:classId/subjects/:subjectCode',
    {
      config: { access: { roles: JOURNAL_READERS, scope: schoolOfClassParam } },
      schema: {
        tags,
        summary:
          'The journal of a class’s subject in a term: students, lesson and assessment columns, cells, results',
        params: ClassSubjectParams,
        querystring: TermQuery,
        response: { 200: JournalPage },
      },
    },
    async (request) =>
      service.journalPage(
        db,
        requireActor(request),
        request.params.classId,
        request.params.subjectCode,
        request.query.term,
        request.locale,
      ),
  );

  r.get(
    '/journal/cells/history',
    {
      config: {
        access: {
          roles: JOURNAL_READERS,
          scope: (request) => service.studentScope(db, (request.query as { studentId: number }).studentId),
        },
      },
      schema: {
        tags,
        summary: 'Every change of one cell, oldest first, with correction reasons',
        querystring: HistoryQuery,
        response: { 200: History },
      },
    },
    async (request) =>
      service.cellHistory(db, requireActor(request), request.query.studentId, request.query.key),
  );

  r.post(
    '/journal/classes/:classId/subjects/:subjectCode/entries',
    {
      config: { access: { roles: JOURNAL_WRITERS, scope: schoolOfClassParam } },
      schema: {
        tags,
        summary:
          'Save many cells at once; cells changed by someone else meanwhile come back as conflicts, unwritten',
        params: ClassSubjectParams,
        body: EntriesBody,
        response: { 200: EntriesResult },
      },
    },
    async (request) =>
      service.saveEntries(
        db,
        requireActor(request),
        changeContext(request),
        request.params.classId,
        request.params.subjectCode,
        request.body,
        request.locale,
      ),
  );

  r.post(
    '/journal/classes/:classId/subjects/:subjectCode/assessments',
    {
      config: { access: { roles: JOURNAL_WRITERS, scope: schoolOfClassParam } },
      schema: {
        tags,
        summary: 'Add a summative assessment column',
        params: ClassSubjectParams,
        body: AssessmentBody,
        response: { 200: AssessmentCreated },
      },
    },
    async (request) =>
      service.addAssessment(
        db,
        requireActor(request),
        changeContext(request),
        request.params.classId,
        request.params.subjectCode,
        request.body,
        request.locale,
      ),
  );

  r.put(
    '/journal/results',
    {
      config: {
        access: {
          roles: JOURNAL_WRITERS,
          scope: async (request) =>
            institutionScope(
              db,
              await service.classInstitution(db, (request.body as { classId: number }).classId),
            ),
        },
      },
      schema: {
        tags,
        summary: 'Override a term (or `year`) result: the value and why; who and when are kept',
        body: ResultBody,
        response: { 200: Result },
      },
    },
    async (request) =>
      service.overrideResult(db, requireActor(request), changeContext(request), request.body, request.locale),
  );

  r.post(
    '/journal/terms/close',
    {
      config: {
        access: {
          roles: ['director'],
          scope: (request) => institutionScope(db, (request.body as { institutionId: number }).institutionId),
        },
      },
      schema: {
        tags,
        summary: 'Close a term of the current year at a school; later changes need a correction reason',
        body: CloseTermBody,
        response: { 200: TermClosed },
      },
    },
    async (request) =>
      service.closeTerm(
        db,
        requireActor(request),
        changeContext(request),
        request.body.institutionId,
        request.body.term,
        request.locale,
      ),
  );

  r.post(
    '/journal/link-codes',
    {
      config: {
        access: {
          roles: ['director', 'teacher'],
          scope: (request) => service.studentScope(db, (request.body as { studentId: number }).studentId),
        },
      },
      schema: {
        tags,
        summary: 'Issue a one-time code that links a parent to a student (director or homeroom teacher)',
        body: LinkCodeBody,
        response: { 200: LinkCode },
      },
    },
    async (request) =>
      service.issueLinkCode(db, requireActor(request), changeContext(request), request.body.studentId),
  );

  r.post(
    '/journal/link',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Redeem a link code from the school: become the student’s parent',
        body: LinkBody,
        response: { 200: Linked },
      },
    },
    async (request) =>
      service.redeemLinkCode(db, requireActor(request), changeContext(request), request.body.code, (userId) =>
        app.sessions.forgetUser(userId),
      ),
  );

  r.get(
    '/journal/students/:studentId/overview',
    {
      config: {
        access: {
          roles: STUDENT_READERS,
          scope: (request) => service.studentScope(db, (request.params as { studentId: number }).studentId),
        },
      },
      schema: {
        tags,
        summary: 'A student’s term: marks, attendance, results, homework and teachers’ comments',
        params: StudentParams,
        querystring: TermQuery,
        response: { 200: Overview },
      },
    },
    async (request) =>
      service.overview(
        db,
        requireActor(request),
        request.params.studentId,
        request.query.term,
        request.locale,
      ),
  );

  r.get(
    '/journal/reports/class-attendance',
    {
      config: {
        access: {
          roles: JOURNAL_READERS,
          scope: async (request) =>
            institutionScope(
              db,
              await service.classInstitution(db, (request.query as { classId: number }).classId),
            ),
        },
      },
      schema: {
        tags,
        summary: 'A class’s attendance in a term per student (JSON, CSV or XLSX)',
        querystring: ClassReportQuery,
        response: { 200: ClassAttendanceReport },
      },
    },
    async (request, reply) => {
      const { classId, term, format = 'json' } = request.query;
      const report = await service.classAttendance(db, requireActor(request), classId, term, request.locale);
      if (format === 'json') return report;
      const body = await service.classAttendanceFile(report, format, request.locale);
      const type = format === 'csv' ? service.CSV_TYPE : service.XLSX_TYPE;
      return file(reply, body, type, `attendance-${report.class.name}-${term}.${format}`);
    },
  );

  r.get(
    '/journal/reports/report-card',
    {
      config: {
        access: {
          roles: STUDENT_READERS,
          scope: (request) => service.studentScope(db, (request.query as { studentId: number }).studentId),
        },
      },
      schema: {
        tags,
        summary: 'A student’s report card for a term (JSON, or a printable PDF)',
        querystring: ReportCardQuery,
        response: { 200: ReportCard },
      },
    },
    async (request, reply) => {
      const { studentId, term, format = 'json' } = request.query;
      const card = await service.reportCard(db, requireActor(request), studentId, term, request.locale);
      if (format === 'json') return card;
      const body = await service.reportCardPdf(card, request.locale);
      return file(reply, body, 'application/pdf', `report-card-${studentId}-${term}.pdf`);
    },
  );

  r.get(
    '/journal/reports/school-summary',
    {
      config: {
        access: {
          roles: SUMMARY_READERS,
          scope: (request) =>
            institutionScope(db, (request.query as { institutionId: number }).institutionId),
        },
      },
      schema: {
        tags,
        summary:
          'A school’s term by class: attendance rate and average mark, aggregates only (JSON, CSV, XLSX)',
        querystring: SchoolSummaryQuery,
        response: { 200: SchoolSummary },
      },
    },
    async (request, reply) => {
      const { institutionId, term, format = 'json' } = request.query;
      const summary = await service.schoolSummary(
        db,
        requireActor(request),
        institutionId,
        term,
        request.locale,
      );
      if (format === 'json') return summary;
      const body = await service.schoolSummaryFile(summary, format, request.locale);
      const type = format === 'csv' ? service.CSV_TYPE : service.XLSX_TYPE;
      return file(reply, body, type, `school-summary-${institutionId}-${term}.${format}`);
    },
  );
}
