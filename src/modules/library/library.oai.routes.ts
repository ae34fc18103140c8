import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '@/server/db/database';
import { oaiResponse, type OaiArguments } from '@/modules/library/library.oai';
import { siteUrl } from '@/modules/library/library.routes';
import { allowCrossOrigin, preflight, type CorsOrigins } from '@/modules/library/library.http';
import * as clock from '@/server/clock';

/** The largest form an OAI-PMH POST may send: its arguments are a few short strings. */
const FORM_LIMIT = 64 * 1024;

/**
 * The library's OAI-PMH 2.0 endpoint, `/oai` (outside `/api`: harvesters are configured with one base URL),
 * public, by GET with a query string or POST with a form body. Every answer is XML with status 200, errors
 * included, as the protocol says.
 */
export default async function oaiRoutes(
  app: FastifyInstance,
  opts: { db: Db; adminEmail?: string; corsOrigins?: CorsOrigins },
): Promise<void> {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_LIMIT },
    (_request, body, done) => done(null, body),
  );
  const handle = async (request: FastifyRequest, args: OaiArguments) => {
    const baseUrl = siteUrl(request);
    return oaiResponse(
      opts.db,
      {
        baseUrl,
        now: clock.now(),
        repositoryName: 'Maktab — digital library',
        adminEmail: opts.adminEmail ?? `library@${new URL(baseUrl).hostname}`,
      },
      args,
    );
  };
  // Harvesters and catalogue pages on other sites may read it from a browser (open content, no credentials).
  const origins = opts.corsOrigins ?? '*';
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url === '/oai') allowCrossOrigin(request, reply, origins);
  });
  app.options('/oai', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) =>
    preflight(request, reply, origins, 'GET, POST'),
  );
  const schema = { tags: ['library'], summary: 'OAI-PMH 2.0 (oai_dc): harvest the published resources' };
  app.get('/oai', { config: { access: 'public' }, schema }, async (request, reply) => {
    const args = [...new URL(request.url, 'http://oai.invalid').searchParams] as OaiArguments;
    void reply.type('text/xml; charset=utf-8');
    return handle(request, args);
  });
  app.post('/oai', { config: { access: 'public' }, schema }, async (request, reply) => {
    const body = typeof request.body === 'string' ? request.body : '';
    void reply.type('text/xml; charset=utf-8');
    return handle(request, [...new URLSearchParams(body)] as OaiArguments);
  });
}
