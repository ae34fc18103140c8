import type { FastifyError, FastifyInstance } from 'fastify';
import type { Db } from '@/server/db/database';
import { oaiFailure, oaiResponse, type OaiArguments, type OaiContext } from '@/modules/library/library.oai';
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
  opts: {
    db: Db;
    /** The site's public address (PUBLIC_URL): the base URL and every link are made from it, never from Host. */
    publicUrl: string;
    /** The repository identifier and its administrator's address (OAI_REPOSITORY_ID, OAI_ADMIN_EMAIL). */
    repositoryId: string;
    adminEmail: string;
    corsOrigins?: CorsOrigins;
  },
): Promise<void> {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_LIMIT },
    (_request, body, done) => done(null, body),
  );
  const context = (): OaiContext => ({
    baseUrl: opts.publicUrl,
    repositoryId: opts.repositoryId,
    now: clock.now(),
    repositoryName: 'Maktab — digital library',
    adminEmail: opts.adminEmail,
  });
  const handle = async (args: OaiArguments) => oaiResponse(opts.db, context(), args);
  // Whatever goes wrong before the verb is read (a body too large or of another type, a malformed request) is
  // answered as the protocol answers: XML, badArgument, status 200. A failure of the server stays a 5xx.
  app.setErrorHandler(async (error: FastifyError, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) throw error;
    void reply.code(200).type('text/xml; charset=utf-8');
    return oaiFailure(context(), `The request could not be read: ${error.message}`);
  });
  // Harvesters and catalogue pages on other sites may read it from a browser (open content, no credentials).
  const origins = opts.corsOrigins ?? '*';
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url === '/oai') allowCrossOrigin(request, reply, origins);
  });
  app.options('/oai', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) =>
    preflight(request, reply, origins, 'GET, POST'),
  );
  const schema = {
    tags: ['library'],
    summary: 'OAI-PMH 2.0 (oai_dc, oai_lom): harvest the published resources',
  };
  app.get('/oai', { config: { access: 'public' }, schema }, async (request, reply) => {
    const args = [...new URL(request.url, 'http://oai.invalid').searchParams] as OaiArguments;
    void reply.type('text/xml; charset=utf-8');
    return handle(args);
  });
  app.post('/oai', { config: { access: 'public' }, schema }, async (request, reply) => {
    const body = typeof request.body === 'string' ? request.body : '';
    void reply.type('text/xml; charset=utf-8');
    return handle([...new URLSearchParams(body)] as OaiArguments);
  });
}
