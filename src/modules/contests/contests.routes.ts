import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireActor, type Role } from '@/server/access';
import type { Db } from '@/server/db/database';
import { JobWorker } from '@/server/jobs';
import { changeContext } from '@/modules/identity/identity.routes';
import { institutionScope } from '@/modules/institutions/institutions.service';
import * as service from '@/modules/contests/contests.service';
import {
  AnswerBody,
  AnswerParams,
  Attempt,
  AttemptParams,
  BankQuery,
  Contest,
  ContestBodySchema,
  ContestChangeSchema,
  ContestList,
  ContestParams,
  Deleted,
  Leaderboard,
  Question,
  QuestionBodySchema,
  QuestionList,
  QuestionParams,
  QuestionUpdateSchema,
  Results,
  ResultsParams,
  SavedAnswer,
} from '@/modules/contests/contests.schema';
import * as clock from '@/server/clock';

/** Who writes question banks: a school's teachers and director (its bank), editors and the bureau (national). */
const AUTHORS: Role[] = ['admin', 'bureau', 'editor', 'director', 'teacher'];
/** Who makes contests: the authors, and regional officers for their area. */
const ORGANISERS: Role[] = ['admin', 'bureau', 'editor', 'regional', 'director', 'teacher'];
/** Who sees contests (each as the service narrows: a student their scope's, staff their grants'). */
const VIEWERS: Role[] = [...ORGANISERS, 'student'];

/** Knowledge contests: question banks, contests with start windows per shift, attempts, leaderboards. */
export default async function contestsRoutes(
  app: FastifyInstance,
  opts: { db: Db; runJobs?: boolean },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const tags = ['contests'];

  if (opts.runJobs) {
    // The "about to start" reminders, each an hour before its contest's first window.
    const worker = new JobWorker(
      db,
      { [service.REMINDER_QUEUE]: service.reminderJob(db) },
      { onError: (job, error) => app.log.warn({ err: error, jobId: job.id }, 'contest reminder failed') },
    );
    app.addHook('onReady', async () => worker.start());
    app.addHook('onClose', async () => worker.stop());
  }

  // Question banks ----------------------------------------------------------------------------------------
  r.get(
    '/contests/questions',
    {
      config: { access: { roles: AUTHORS } },
      schema: {
        tags,
        summary: "Questions of the caller's school banks and the national bank, with their keys",
        querystring: BankQuery,
        response: { 200: QuestionList },
      },
    },
    async (request) => service.listBank(db, requireActor(request), request.query),
  );

  r.post(
    '/contests/questions',
    {
      config: { access: { roles: AUTHORS } },
      schema: {
        tags,
        summary:
          "Add a question to a school's bank (its teachers, director) or the national bank (editors, bureau)",
        body: QuestionBodySchema,
        response: { 200: Question },
      },
    },
    async (request) =>
      service.createQuestion(db, requireActor(request), changeContext(request), request.body, request.locale),
  );

  r.get(
    '/contests/questions/:questionId',
    {
      config: { access: { roles: AUTHORS } },
      schema: {
        tags,
        summary: 'A question of a bank the caller reads, with its key and version',
        params: QuestionParams,
        response: { 200: Question },
      },
    },
    async (request) => service.getQuestion(db, requireActor(request), request.params.questionId),
  );

  r.put(
    '/contests/questions/:questionId',
    {
      config: { access: { roles: AUTHORS } },
      schema: {
        tags,
        summary: 'Rewrite a question of a bank (contests already made keep their copy)',
        params: QuestionParams,
        body: QuestionUpdateSchema,
        response: { 200: Question },
      },
    },
    async (request) =>
      service.updateQuestion(
        db,
        requireActor(request),
        changeContext(request),
        request.params.questionId,
        request.body,
        request.locale,
      ),
  );

  r.delete(
    '/contests/questions/:questionId',
    {
      config: { access: { roles: AUTHORS } },
      schema: {
        tags,
        summary: 'Delete a question of a bank that no contest uses (409 when one does)',
        params: QuestionParams,
        response: { 200: Deleted },
      },
    },
    async (request) => {
      await service.deleteQuestion(
        db,
        requireActor(request),
        changeContext(request),
        request.params.questionId,
      );
      return { deleted: true };
    },
  );

  // Contests ------------------------------------------------------------------------------------------------
  r.get(
    '/contests',
    {
      config: { access: { roles: VIEWERS } },
      schema: {
        tags,
        summary: "Contests: a student's in their scope (published), staff's by their schools and areas",
        response: { 200: ContestList },
      },
    },
    async (request) => service.listContests(db, requireActor(request)),
  );

  r.post(
    '/contests',
    {
      config: { access: { roles: ORGANISERS } },
      schema: {
        tags,
        summary: 'Make a contest (a draft) from questions of the national bank or the school’s bank',
        body: ContestBodySchema,
        response: { 200: Contest },
      },
    },
    async (request) =>
      service.createContest(db, requireActor(request), changeContext(request), request.body, request.locale),
  );

  r.get(
    '/contests/:contestId',
    {
      config: { access: { roles: VIEWERS } },
      schema: {
        tags,
        summary: 'A contest; for a student, their shift’s window and their attempts',
        params: ContestParams,
        response: { 200: Contest },
      },
    },
    async (request) => service.getContest(db, requireActor(request), request.params.contestId, clock.now()),
  );

  r.put(
    '/contests/:contestId',
    {
      config: { access: { roles: ORGANISERS } },
      schema: {
        tags,
        summary: 'Rewrite a draft contest wholly (409 once published)',
        params: ContestParams,
        body: ContestChangeSchema,
        response: { 200: Contest },
      },
    },
    async (request) =>
      service.updateContest(
        db,
        requireActor(request),
        changeContext(request),
        request.params.contestId,
        request.body,
        request.locale,
      ),
  );

  r.delete(
    '/contests/:contestId',
    {
      config: { access: { roles: ORGANISERS } },
      schema: {
        tags,
        summary: 'Delete a draft contest (409 once published)',
        params: ContestParams,
        response: { 200: Deleted },
      },
    },
    async (request) => {
      await service.deleteContest(
        db,
        requireActor(request),
        changeContext(request),
        request.params.contestId,
      );
      return { deleted: true };
    },
  );

  r.post(
    '/contests/:contestId/publish',
    {
      config: { access: { roles: ORGANISERS } },
      schema: {
        tags,
        summary: 'Publish a draft contest to the students of its scope',
        params: ContestParams,
        response: { 200: Contest },
      },
    },
    async (request) =>
      service.publishContest(db, requireActor(request), changeContext(request), request.params.contestId),
  );

  r.get(
    '/contests/:contestId/leaderboard',
    {
      config: { access: { roles: VIEWERS } },
      schema: {
        tags,
        summary:
          'Leaderboard: a student sees their own class (short names); staff see aggregates of classes, schools, areas',
        params: ContestParams,
        response: { 200: Leaderboard },
      },
    },
    async (request) =>
      service.leaderboard(db, requireActor(request), request.params.contestId, clock.now(), request.locale),
  );

  r.get(
    '/contests/:contestId/schools/:institutionId/results',
    {
      config: {
        access: {
          roles: ['director', 'teacher'],
          scope: (request: FastifyRequest) =>
            institutionScope(db, (request.params as { institutionId: number }).institutionId),
        },
      },
      schema: {
        tags,
        summary: "A school's results by student: its director (all classes), its teachers (their classes)",
        params: ResultsParams,
        response: { 200: Results },
      },
    },
    async (request) =>
      service.results(
        db,
        requireActor(request),
        request.params.contestId,
        request.params.institutionId,
        clock.now(),
      ),
  );

  // Attempts (a student's own; another's is answered 404) ---------------------------------------------------
  r.post(
    '/contests/:contestId/attempts',
    {
      config: { access: { roles: ['student'] } },
      schema: {
        tags,
        summary: 'Start an attempt inside your shift’s window, or resume the open one',
        params: ContestParams,
        response: { 200: Attempt },
      },
    },
    async (request) =>
      service.startAttempt(db, requireActor(request), request.params.contestId, clock.now(), request.locale),
  );

  r.get(
    '/contest-attempts/:attemptId',
    {
      config: { access: { roles: ['student'] } },
      schema: {
        tags,
        summary: 'Your attempt: its questions (shuffled for you), saved answers and seconds left',
        params: AttemptParams,
        response: { 200: Attempt },
      },
    },
    async (request) => service.getAttempt(db, requireActor(request), request.params.attemptId, clock.now()),
  );

  r.put(
    '/contest-attempts/:attemptId/answers/:questionId',
    {
      config: { access: { roles: ['student'] } },
      schema: {
        tags,
        summary: 'Save one answer; a version not above the stored one is ignored (safe to retry)',
        params: AnswerParams,
        body: AnswerBody,
        response: { 200: SavedAnswer },
      },
    },
    async (request) =>
      service.saveAnswer(
        db,
        requireActor(request),
        request.params.attemptId,
        request.params.questionId,
        request.body,
        clock.now(),
        request.locale,
      ),
  );

  r.post(
    '/contest-attempts/:attemptId/submit',
    {
      config: { access: { roles: ['student'] } },
      schema: {
        tags,
        summary: 'Submit your attempt: it is marked at once',
        params: AttemptParams,
        response: { 200: Attempt },
      },
    },
    async (request) =>
      service.submitAttempt(db, requireActor(request), request.params.attemptId, clock.now()),
  );
}
