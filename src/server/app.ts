import rateLimit from '@fastify/rate-limit';
import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { Type } from 'typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Config } from '@/server/config';
import type { Database } from '@/server/db/database';
import { installAccessGuard } from '@/server/access';
import { AppError, installErrorHandlers, installNumberGuard, sendError } from '@/server/errors';
import { localeFromHeader, type Locale } from '@/server/i18n';
import { VERSION } from '@/server/version';
import { swaggerOptions } from '@/server/openapi';
import identityRoutes, { installSessionHooks } from '@/modules/identity/identity.routes';
import institutionsRoutes from '@/modules/institutions/institutions.routes';
import homeRoutes from '@/modules/home/home.routes';
import infrastructureRoutes from '@/modules/infrastructure/infrastructure.routes';
import registryImportRoutes from '@/modules/infrastructure/registry-import.routes';
import monitoringRoutes from '@/modules/monitoring/monitoring.routes';
import libraryRoutes from '@/modules/library/library.routes';
import oaiRoutes from '@/modules/library/library.oai.routes';
import { LocalStorage } from '@/server/storage';
import allocationRoutes from '@/modules/allocation/allocation.routes';
import textbookRoutes from '@/modules/library/textbooks.routes';
import classroomRoutes from '@/modules/classroom/classroom.routes';
import assignmentsRoutes from '@/modules/assignments/assignments.routes';
import notificationsRoutes from '@/modules/notifications/notifications.routes';
import contestsRoutes from '@/modules/contests/contests.routes';
import councilsRoutes from '@/modules/councils/councils.routes';
import webinarsRoutes from '@/modules/webinars/webinars.routes';
import trainingRoutes from '@/modules/training/training.routes';
import policyRoutes from '@/modules/policy/policy.routes';
import safetyRoutes from '@/modules/safety/safety.routes';
import { installBlockPage } from '@/modules/safety/safety.blockpage';
import portalRoutes from '@/modules/portal/portal.routes';
import portalDiscussRoutes from '@/modules/portal/portal.discuss.routes';
import portalCoursesRoutes from '@/modules/portal/portal.courses.routes';
import portalCourseEditRoutes from '@/modules/portal/portal.courses.edit.routes';
import portalCoversRoutes from '@/modules/portal/portal.covers.routes';
import distanceRoutes from '@/modules/monitoring/distance.routes';
import journalRoutes from '@/modules/journal/journal.routes';
import { startClockAt } from '@/server/clock';
import { installSecurityHeaders } from '@/server/security-headers';
import { publicPages } from '@/server/public-pages';
import { installDelivery, staticOptions } from '@/server/delivery';

declare module 'fastify' {
  interface FastifyRequest {
    /** The language answers and errors are given in: the user's setting, else Accept-Language, else az. */
    locale: Locale;
  }
}

/** Node's own checks of incomplete requests, sized to the request timeout (Node's defaults suit 300 s). */
const checkedWithin = (requestMs: number) => ({
  headersTimeout: Math.min(60_000, requestMs),
  connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(requestMs / 4))),
});

/** Builds the whole application on an open, migrated database. The caller listens and closes. */
export async function buildApp(config: Config, database: Database): Promise<FastifyInstance> {
  if (config.clock) startClockAt(config.clock);
  const app = Fastify({
    logger: { level: config.logLevel },
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    // A request must arrive whole within requestTimeout (a body dribbled byte by byte is cut with a 408);
    // Node checks every connectionsCheckingInterval, so that is kept well under it. Sizes: docs/operations.md.
    requestTimeout: config.timeouts.requestMs,
    keepAliveTimeout: config.timeouts.keepAliveMs,
    connectionTimeout: config.timeouts.connectionMs,
    http: config.timeouts.requestMs > 0 ? checkedWithin(config.timeouts.requestMs) : {},
    // A URL Fastify cannot decode (e.g. a lone %) still gets the one error shape.
    frameworkErrors: (_error, request, reply) => {
      request.locale = localeFromHeader(request.headers['accept-language']) ?? 'az';
      void sendError(reply, 400, 'bad_request');
    },
    ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: 'array' } },
  });
  app.decorateRequest('actor', null);
  app.decorateRequest('locale', 'az');
  installErrorHandlers(app);
  await installSecurityHeaders(app);
  await installDelivery(app);
  await app.register(cookie);
  // A request for a name the content filter blocked reaches Maktab with that name as its Host: the block page.
  if (config.blockPage) installBlockPage(app, { db: database.db, publicUrl: config.publicUrl });
  installSessionHooks(app, database.db);
  installNumberGuard(app);
  installAccessGuard(app);
  // Per-route request limits, only where a route asks (`config.rateLimit`): the public verifier's, for now.
  // A caller over the limit gets the platform's own 429, in their language, with Retry-After.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new AppError(429, 'too_many_requests', {
        minutes: Math.max(1, Math.ceil(context.ttl / 60_000)),
        retryAfter: Math.max(1, Math.ceil(context.ttl / 1000)),
      }),
  });

  await app.register(swagger, swaggerOptions());
  // The documentation is public; its own routes are declared so here, since the plugin cannot declare them itself.
  await app.register(async (docs) => {
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: 'public' };
    });
    await docs.register(swaggerUi, { routePrefix: '/api/docs' });
  });

  await app.register(
    async (api) => {
      const r = api.withTypeProvider<TypeBoxTypeProvider>();
      r.get(
        '/health',
        {
          config: { access: 'public' },
          schema: {
            tags: ['platform'],
            summary: 'Whether the server and its database are up',
            response: {
              200: Type.Object({
                status: Type.Literal('ok'),
                database: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
                version: Type.String(),
              }),
            },
          },
        },
        async () => {
          await database.db.execute('select 1');
          return { status: 'ok' as const, database: database.driver, version: VERSION };
        },
      );
      r.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
        app.swagger(),
      );
      await api.register(identityRoutes, {
        db: database.db,
        secureCookies: config.secureCookies,
        runJobs: config.runJobs,
      });
      await api.register(institutionsRoutes, { db: database.db });
      await api.register(homeRoutes, { db: database.db });
      await api.register(infrastructureRoutes, { db: database.db });
      await api.register(registryImportRoutes, { db: database.db });
      await api.register(monitoringRoutes, { db: database.db });
      await api.register(libraryRoutes, {
        db: database.db,
        storage: new LocalStorage(config.storageDir),
        storageDir: config.storageDir,
        mediaCacheMb: config.mediaCacheMb,
        corsOrigins: config.corsOrigins,
        media: config.media,
        runJobs: config.runJobs,
        publicUrl: config.publicUrl,
      });
      await api.register(allocationRoutes, { db: database.db });
      await api.register(textbookRoutes, { db: database.db });
      await api.register(classroomRoutes, { db: database.db });
      await api.register(assignmentsRoutes, {
        db: database.db,
        storage: new LocalStorage(config.storageDir),
      });
      await api.register(notificationsRoutes, { db: database.db });
      await api.register(contestsRoutes, { db: database.db, runJobs: config.runJobs });
      await api.register(councilsRoutes, { db: database.db });
      await api.register(webinarsRoutes, { db: database.db });
      await api.register(trainingRoutes, {
        db: database.db,
        storage: new LocalStorage(config.storageDir),
        publicUrl: config.publicUrl,
        runJobs: config.runJobs,
        verifyPerMinute: config.verifyPerMinute,
      });
      await api.register(policyRoutes, { db: database.db, publicUrl: config.publicUrl });
      await api.register(safetyRoutes, { db: database.db, publicUrl: config.publicUrl });
      await api.register(portalRoutes, { db: database.db, publicUrl: config.publicUrl });
      await api.register(portalDiscussRoutes, { db: database.db });
      await api.register(portalCoursesRoutes, { db: database.db });
      await api.register(portalCourseEditRoutes, { db: database.db });
      await api.register(portalCoversRoutes, {
        db: database.db,
        storage: new LocalStorage(config.storageDir),
      });
      await api.register(distanceRoutes, { db: database.db });
      await api.register(journalRoutes, { db: database.db, runJobs: config.runJobs });
    },
    { prefix: '/api' },
  );
  // The library's OAI-PMH endpoint, outside /api: harvesters are given one base URL.
  await app.register(oaiRoutes, {
    db: database.db,
    publicUrl: config.publicUrl,
    repositoryId: config.oai.repositoryId,
    adminEmail: config.oai.adminEmail,
    corsOrigins: config.corsOrigins,
  });

  if (fs.existsSync(path.join(config.webRoot, 'index.html'))) {
    await app.register(async (web) => {
      web.addHook('onRoute', (route) => {
        route.config = { ...route.config, access: 'public' };
      });
      await web.register(fastifyStatic, staticOptions(config.webRoot));
      // robots.txt, the sitemap, a resource's page, and the app's shell or 404 for any other path.
      publicPages(web, {
        db: database.db,
        env: { storage: new LocalStorage(config.storageDir), media: config.media },
        webRoot: config.webRoot,
        publicUrl: config.publicUrl,
      });
    });
  }
  return app;
}
