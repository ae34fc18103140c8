import path from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Server as TusServer } from '@tus/server';
import { FileStore } from '@tus/file-store';
import { requireActor } from '@/server/access';
import type { Db } from '@/server/db/database';
import { publicCache } from '@/server/http-cache';
import { AppError, sendError } from '@/server/errors';
import type { Locale } from '@/server/i18n';
import { JobWorker } from '@/server/jobs';
import { changeContext } from '@/modules/identity/identity.routes';
import * as service from '@/modules/library/library.service';
import { MAX_UPLOAD_BYTES, KINDS, ROLE_KINDS } from '@/modules/library/library.files';
import { UPLOAD_ROLES } from '@/modules/library/library.tables';
import { IMPORT_MAX_BYTES, tooLarge } from '@/modules/infrastructure/registry-import.files';
import { LIBRARY_IMPORT_MAX_ROWS, importResources, importTemplate } from '@/modules/library/library.import';
import { MediaCache } from '@/server/media-cache';
import {
  allowCrossOrigin,
  fileValidators,
  hlsValidators,
  notModified,
  preflight,
  rangeAllowed,
  setValidators,
  type CorsOrigins,
  type Validators,
} from '@/modules/library/library.http';
import {
  CollectionBody,
  CollectionItemsBody,
  CollectionList,
  CollectionView,
  FileParams,
  HistoryEntry,
  HlsParams,
  NoteBody,
  PatchResourceBody,
  EventBody,
  EventResponse,
  ImportQuery,
  ImportReport,
  ResourceBody,
  ResourceList,
  ResourceListQuery,
  ResourceParams,
  ResourceView,
  ReviewBody,
  SearchQuery,
  SearchResponse,
  SuggestQuery,
  SuggestResponse,
  Topic,
  TopicQuery,
} from '@/modules/library/library.schema';
import { ShelfParams, ShelfQuery, ShelfView } from '@/modules/library/library.schema';

/** What the library plugin needs from the platform. */
export interface LibraryOptions extends service.LibraryEnv {
  db: Db;
  /** Run the media jobs in this process. */
  runJobs: boolean;
  /** The local directory tus keeps unfinished uploads in (under the storage directory). */
  storageDir: string;
  /** Memory for published media blocks (see MediaCache). */
  mediaCacheMb: number;
  /** Which other sites' pages may read published media (see Config.corsOrigins); every one when absent. */
  corsOrigins?: CorsOrigins;
  /** The site's public address (PUBLIC_URL): absolute links are made from it, never from the request's Host. */
  publicUrl: string;
}

const EDITORS = { roles: service.EDITORS };

/** The signed-in editor behind a write, with their id for authorship. */
function editorContext(request: FastifyRequest) {
  const actor = requireActor(request);
  return { ...changeContext(request), actorId: actor.userId };
}

/** Parses `Range: bytes=…` against a size: one range, or null for the whole file. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges, or another unit: answer the whole file, as HTTP allows.
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) throw new AppError(416, 'library_range', { size });
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (!Number.isSafeInteger(start) || start >= size || end < start) {
    throw new AppError(416, 'library_range', { size });
  }
  return { start, end };
}

/** Who started an upload request, for tus's hooks (which see only a web Request). */
const uploadCallers = new WeakMap<Request, { ctx: ReturnType<typeof editorContext>; locale: Locale }>();

/**
 * A refusal from tus's hooks: tus answers with its `status_code` and `body`; the body carries our error code
 * and parameters as JSON, which the route turns into the one error shape.
 */
class TusRefusal extends Error {
  readonly body: string;
  constructor(
    readonly status_code: number,
    code: string,
    params: Record<string, unknown> = {},
  ) {
    super(code);
    this.body = JSON.stringify({ code, params });
  }
}

const tusError = (status: number, code: string, params: Record<string, unknown> = {}) =>
  new TusRefusal(status, code, params);

/** The digital library: resources and their workflow, files (tus uploads, ranged downloads, HLS), search. */
export default async function libraryRoutes(app: FastifyInstance, opts: LibraryOptions): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { db } = opts;
  const env: service.LibraryEnv = { storage: opts.storage, media: opts.media };
  const tags = ['library'];

  if (opts.runJobs) {
    const worker = new JobWorker(
      db,
      { [service.MEDIA_QUEUE]: service.mediaJob(db, env) },
      {
        onError: (job, error) => app.log.warn({ err: error, jobId: job.id }, 'library job failed'),
      },
    );
    app.addHook('onReady', async () => worker.start());
    app.addHook('onClose', async () => worker.stop());
  }

  // ---- uploads (tus): partial uploads wait in their own directory, outside the library, until complete.
  const uploadDir = path.join(opts.storageDir, '.incoming');
  // An upload nobody resumes for a week is dropped (by the node that runs jobs, once a day).
  const datastore = new FileStore({
    directory: uploadDir,
    expirationPeriodInMilliseconds: 7 * 24 * 3600_000,
  });
  // Every upload says its length when it starts (the size limits by kind are checked then), so the server
  // does not offer creation-defer-length: tus builds `Tus-Extension` from this list and, without it, refuses
  // `Upload-Defer-Length` itself.
  datastore.extensions = datastore.extensions.filter((e) => e !== 'creation-defer-length');
  if (opts.runJobs) {
    const sweep = () =>
      void datastore
        .deleteExpired()
        .catch((error: unknown) => app.log.warn({ err: error }, 'upload sweep failed'));
    let timer: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      sweep();
      timer = setInterval(sweep, 24 * 3600_000).unref();
    });
    app.addHook('onClose', async () => clearInterval(timer));
  }
  const tus = new TusServer({
    path: '/api/library/uploads',
    datastore,
    relativeLocation: true,
    maxSize: MAX_UPLOAD_BYTES,
    // Same origin only, like the rest of the API (tus would otherwise answer every origin with `*`).
    allowedOrigins: () => false,
    async onUploadCreate(req, upload) {
      const caller = uploadCallers.get(req);
      if (!caller) throw tusError(403, 'forbidden');
      const resourceId = Number(upload.metadata?.resourceId);
      const role = upload.metadata?.role as service.UploadRole | undefined;
      if (
        !Number.isSafeInteger(resourceId) ||
        resourceId < 1 ||
        !role ||
        !UPLOAD_ROLES.includes(role) ||
        upload.size === undefined
      ) {
        throw tusError(400, 'library_upload_metadata');
      }
      if (upload.size === 0) throw tusError(400, 'library_file_empty');
      const limit = Math.max(...ROLE_KINDS[role].map((k) => KINDS[k].maxBytes));
      if (upload.size > limit) throw tusError(413, 'library_file_too_large', { limit });
      try {
        await service.checkUploadTarget(db, resourceId);
      } catch (error) {
        if (error instanceof AppError) throw tusError(error.status, error.code, error.params);
        throw error;
      }
      return {};
    },
    async onUploadFinish(req, upload) {
      const caller = uploadCallers.get(req);
      const file = path.join(uploadDir, upload.id);
      try {
        if (!caller) throw new AppError(403, 'forbidden');
        const row = await service.registerUpload(db, env, caller.ctx, {
          resourceId: Number(upload.metadata?.resourceId),
          role: upload.metadata?.role as service.UploadRole,
          path: file,
          originalName: upload.metadata?.filename ?? null,
        });
        return { headers: { 'x-library-file-id': row.id } };
      } catch (error) {
        // A refused upload leaves nothing behind.
        await datastore.remove(upload.id).catch(() => {});
        if (error instanceof AppError) throw tusError(error.status, error.code, error.params);
        throw error;
      } finally {
        await datastore.configstore.delete(upload.id).catch(() => {});
      }
    },
  });

  // tus sends the file's bytes as they come: hand the stream to tus unread.
  app.addContentTypeParser('application/offset+octet-stream', (_request, payload, done) =>
    done(null, payload),
  );

  const tusHandle = async (request: FastifyRequest, reply: FastifyReply) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string') headers.set(name, value);
      else if (Array.isArray(value)) headers.set(name, value.join(', '));
    }
    const body =
      request.body instanceof Readable ? (Readable.toWeb(request.body) as ReadableStream) : undefined;
    const webRequest = new Request(new URL(request.url, 'http://library.invalid'), {
      method: request.method,
      headers,
      body,
      duplex: 'half',
    } as RequestInit);
    // OPTIONS (what the server speaks) is anyone's to ask; every other tus request is an editor's.
    if (request.method !== 'OPTIONS') {
      uploadCallers.set(webRequest, { ctx: editorContext(request), locale: request.locale });
    }
    const response = await tus.handleWeb(webRequest);
    // tus answers 501 to a header of an extension it does not offer (Upload-Defer-Length, Upload-Concat):
    // the request is at fault, so it is a 400 that names the header.
    const status = response.status === 501 ? 400 : response.status;
    if (status >= 400) {
      const text = await response.text();
      let code =
        response.status === 404 ? 'not_found' : response.status === 413 ? 'payload_too_large' : 'bad_request';
      let params: Record<string, unknown> = {};
      try {
        const ours = JSON.parse(text) as { code?: unknown; params?: Record<string, unknown> };
        if (typeof ours.code === 'string')
          ({ code, params = {} } = ours as { code: string; params?: Record<string, unknown> });
      } catch {
        // tus's own plain-text error: keep the generic code for its status.
      }
      // tus's own size check (the largest any kind may be) refuses before ours: say it the same way.
      if (code === 'payload_too_large' && request.method === 'POST') {
        code = 'library_file_too_large';
        params = { limit: MAX_UPLOAD_BYTES };
      }
      // tus's own refusals name the header at fault in plain text: pass it on as the problem's message.
      const details =
        code === 'bad_request' && text
          ? [{ field: 'headers', reason: 'invalid', message: text.slice(0, 200) }]
          : undefined;
      return sendError(reply, status, code, params, details);
    }
    reply.status(response.status);
    response.headers.forEach((value, name) => void reply.header(name, value));
    const text = await response.text();
    return reply.send(text === '' ? undefined : text);
  };
  const UploadParams = Type.Object(
    { uploadId: Type.String({ pattern: '^[0-9a-f]{32}$', description: 'The upload, as tus named it' }) },
    { additionalProperties: false },
  );
  const uploadDoc = (summary: string) => ({ tags, summary, hide: false });
  // tus core: OPTIONS on the endpoint answers 204 with Tus-Version, Tus-Extension and Tus-Max-Size.
  r.options(
    '/library/uploads',
    {
      config: { access: 'public' },
      schema: uploadDoc('What the upload endpoint speaks (tus: version, extensions, largest size)'),
    },
    tusHandle,
  );
  r.post(
    '/library/uploads',
    {
      config: { access: EDITORS },
      schema: {
        ...uploadDoc(
          'Start a resumable upload (tus 1.0: Upload-Length, Upload-Metadata resourceId, role, filename)',
        ),
      },
    },
    tusHandle,
  );
  r.head(
    '/library/uploads/:uploadId',
    {
      // A HEAD of its own (not a GET's twin): it belongs in the API's document.
      config: { access: EDITORS, swagger: { exposeHeadRoute: true } },
      schema: { ...uploadDoc('How much of an upload has arrived (tus)'), params: UploadParams },
    },
    tusHandle,
  );
  r.patch(
    '/library/uploads/:uploadId',
    {
      config: { access: EDITORS },
      schema: { ...uploadDoc('Send the next bytes of an upload (tus)'), params: UploadParams },
    },
    tusHandle,
  );
  r.delete(
    '/library/uploads/:uploadId',
    {
      config: { access: EDITORS },
      schema: { ...uploadDoc('Abandon an upload (tus)'), params: UploadParams },
    },
    tusHandle,
  );

  // ---- files

  const corsOrigins = opts.corsOrigins ?? '*';
  const mediaCache = new MediaCache(opts.storage, opts.mediaCacheMb * 1024 * 1024);
  /**
   * A stored file, whole or a range, with its validators: 304 when the client's copy is current, the whole
   * file when If-Range names another version. Published files (which never change) come through the media
   * cache, may be kept by shared caches and read by other sites' pages (CORS); the others are private.
   */
  const sendStored = async (
    request: FastifyRequest,
    reply: FastifyReply,
    stored: {
      key: string;
      contentType: string;
      published: boolean;
      validators: (size: number) => Validators;
    },
  ) => {
    const { key, contentType, published } = stored;
    const size = published ? await mediaCache.size(key) : await opts.storage.size(key);
    if (size === null) throw new AppError(404, 'not_found', { what: 'file' });
    const validators = stored.validators(size);
    setValidators(reply, validators);
    void reply.header('accept-ranges', 'bytes');
    // Published files never change (a new upload is a new file): caches and school proxies may keep them.
    void reply.header('cache-control', published ? 'public, max-age=86400' : 'private, no-store');
    if (published) allowCrossOrigin(request, reply, corsOrigins);
    if (notModified(request, validators)) return reply.status(304).send();
    let range: { start: number; end: number } | null = null;
    if (rangeAllowed(request, validators)) {
      try {
        range = parseRange(request.headers.range, size);
      } catch (error) {
        void reply.header('content-range', `bytes */${size}`);
        throw error;
      }
    }
    void reply.header('content-type', contentType);
    if (range) {
      void reply
        .status(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
        .header('content-length', range.end - range.start + 1);
    } else {
      void reply.header('content-length', size);
    }
    const body = range ?? undefined;
    return reply.send(published ? mediaCache.read(key, size, body) : opts.storage.read(key, body));
  };

  /**
   * A playing video asks for range after range of the same file: that a file belongs to a published resource
   * is kept for a few seconds on this node (as sessions are), so a range costs no query. Only published files
   * are kept, so taking a resource off the library stops its files everywhere within that time.
   */
  const FILE_KEPT_MS = 5000;
  const publishedFiles = new Map<
    number,
    { found: Awaited<ReturnType<typeof service.fileFor>>; until: number }
  >();
  const fileFor = async (fileId: number, actor: FastifyRequest['actor']) => {
    const now = Date.now();
    const kept = publishedFiles.get(fileId);
    if (kept && kept.until > now) return kept.found;
    const found = await service.fileFor(db, fileId, actor);
    if (found.published) {
      if (publishedFiles.size >= 10_000) publishedFiles.clear();
      publishedFiles.set(fileId, { found, until: now + FILE_KEPT_MS });
    }
    return found;
  };

  r.get(
    '/library/files/:fileId',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary:
          'A file of a published resource (HTTP Range, If-Range, ETag and Last-Modified revalidation; CORS when public)',
        params: FileParams,
      },
    },
    async (request, reply) => {
      const { file, published } = await fileFor(request.params.fileId, request.actor);
      return sendStored(request, reply, {
        key: file.storageKey,
        contentType: file.contentType,
        published,
        validators: () => fileValidators(file),
      });
    },
  );

  r.get(
    '/library/files/:fileId/hls/:name',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'An HLS playlist or segment of a processed video', params: HlsParams },
    },
    async (request, reply) => {
      const { file, published } = await fileFor(request.params.fileId, request.actor);
      const { name } = request.params;
      const key = service.hlsKey(file, name);
      return sendStored(request, reply, {
        key,
        contentType: name.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp2t',
        published,
        // The master playlist is the row itself; the others live and die with it.
        validators: (size) =>
          name === path.posix.basename(file.storageKey)
            ? fileValidators(file)
            : hlsValidators(file, name, size),
      });
    },
  );

  // A player on another site asks before sending Range: the answer is the same for every file (whether a
  // file is public is known only to the GET, which adds CORS headers only to published ones).
  for (const url of ['/library/files/:fileId', '/library/files/:fileId/hls/:name']) {
    app.options(url, { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) =>
      preflight(request, reply, corsOrigins, 'GET, HEAD'),
    );
  }

  // ---- search

  r.get(
    '/library/search',
    {
      config: { access: 'public', httpCache: publicCache() },
      schema: {
        tags,
        summary: 'Search published resources: any script, typos tolerated, with filters and facet counts',
        querystring: SearchQuery,
        response: { 200: SearchResponse },
      },
    },
    async (request) => {
      const q = request.query;
      return service.searchResources(db, env, {
        q: q.q,
        type: q.type,
        grade: q.grade,
        subject: q.subject,
        language: q.language,
        level: q.level,
        duration: q.duration,
        topicId: q.topic,
        limit: q.limit ?? 20,
        offset: q.offset ?? 0,
      });
    },
  );

  r.get(
    '/library/suggest',
    {
      config: { access: 'public', httpCache: publicCache() },
      schema: {
        tags,
        summary: 'Title suggestions while typing',
        querystring: SuggestQuery,
        response: { 200: SuggestResponse },
      },
    },
    async (request) => service.suggestTitles(db, request.query.q ?? '', request.query.limit ?? 8),
  );

  r.get(
    '/library/topics',
    {
      config: { access: 'public', httpCache: publicCache() },
      schema: {
        tags,
        summary: 'Curriculum topics (from the country pack)',
        querystring: TopicQuery,
        response: { 200: Type.Array(Topic) },
      },
    },
    async (request) => service.listTopics(db, request.query.subject),
  );

  // ---- resources and their workflow

  r.post(
    '/library/resources',
    {
      config: { access: EDITORS },
      schema: {
        tags,
        summary: 'Create a draft resource',
        body: ResourceBody,
        response: { 200: ResourceView },
      },
    },
    async (request) => service.createResource(db, env, editorContext(request), request.body, request.locale),
  );

  r.get(
    '/library/resources',
    {
      config: { access: EDITORS },
      schema: {
        tags,
        summary: 'Resources in any state, for editors',
        querystring: ResourceListQuery,
        response: { 200: ResourceList },
      },
    },
    async (request) => ({
      items: await service.listResources(db, env, {
        state: request.query.state,
        limit: request.query.limit ?? 50,
        offset: request.query.offset ?? 0,
      }),
    }),
  );

  r.get(
    '/library/resources/:id',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A resource (drafts only for editors)',
        params: ResourceParams,
        response: { 200: ResourceView },
      },
    },
    async (request) => service.getResource(db, env, request.params.id, request.actor),
  );

  r.patch(
    '/library/resources/:id',
    {
      config: { access: EDITORS },
      schema: {
        tags,
        summary: 'Change a draft',
        params: ResourceParams,
        body: PatchResourceBody,
        response: { 200: ResourceView },
      },
    },
    async (request) =>
      service.updateResource(
        db,
        env,
        editorContext(request),
        request.params.id,
        request.body,
        request.locale,
      ),
  );

  r.post(
    '/library/resources/:id/submit',
    {
      config: { access: EDITORS },
      schema: {
        tags,
        summary: 'Send a draft for review',
        params: ResourceParams,
        body: NoteBody,
        response: { 200: ResourceView },
      },
    },
    async (request) =>
      service.submitResource(db, env, editorContext(request), request.params.id, request.body.note),
  );

  r.post(
    '/library/resources/:id/review',
    {
      config: { access: EDITORS },
      schema: {
        tags,
        summary: 'Publish a resource or send it back (another editor than its author)',
        params: ResourceParams,
        body: ReviewBody,
        response: { 200: ResourceView },
      },
    },
    async (request) =>
      service.reviewResource(
        db,
        env,
        editorContext(request),
        request.params.id,
        request.body.decision,
        request.body.note,
      ),
  );

  r.post(
    '/library/resources/:id/unpublish',
    {
      config: { access: EDITORS },
      schema: {
        tags,
        summary: 'Take a resource off the library (history kept)',
        params: ResourceParams,
        body: NoteBody,
        response: { 200: ResourceView },
      },
    },
    async (request) =>
      service.unpublishResource(db, env, editorContext(request), request.params.id, request.body.note),
  );

  r.get(
    '/library/resources/:id/history',
    {
      config: { access: EDITORS },
      schema: {
        tags,
        summary: "A resource's publishing history",
        params: ResourceParams,
        response: { 200: Type.Array(HistoryEntry) },
      },
    },
    async (request) => service.history(db, request.params.id),
  );

  // ---- exchange: description for search engines, views and completions, bulk import

  r.get(
    '/library/resources/:id/jsonld',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: "A published resource's schema.org LearningResource (LRMI), as JSON-LD",
        params: ResourceParams,
      },
    },
    async (request, reply) => {
      const found = await service.publicLearningResource(db, env, request.params.id, opts.publicUrl);
      if (!found) throw new AppError(404, 'not_found', { what: 'resource' });
      void reply.header('content-type', 'application/ld+json; charset=utf-8');
      return JSON.stringify(found.jsonLd);
    },
  );

  const dedup = new service.EventDeduplicator();
  r.post(
    '/library/resources/:id/events',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary:
          'Count a view (first play, a book opened) or a completion (90 % watched, last page); nothing about the caller is kept',
        params: ResourceParams,
        body: EventBody,
        response: { 200: EventResponse },
      },
    },
    async (request) =>
      service.recordResourceEvent(db, dedup, request.params.id, request.body.kind, request.ip),
  );

  // The import's file travels as the raw body (CSV, UTF-8; XLSX is read too).
  app.addContentTypeParser(
    ['text/csv', 'text/plain', 'application/vnd.ms-excel', 'application/octet-stream'],
    { parseAs: 'buffer', bodyLimit: IMPORT_MAX_BYTES },
    (_request, body, done) => done(null, body),
  );

  r.get(
    '/library/import/template',
    {
      config: { access: EDITORS },
      schema: { tags, summary: 'The header row of the resource import file (CSV, UTF-8)' },
    },
    async (_request, reply) => {
      void reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="library-resources.csv"')
        .header('cache-control', 'no-store');
      return importTemplate();
    },
  );

  r.post(
    '/library/import',
    {
      config: { access: EDITORS },
      bodyLimit: IMPORT_MAX_BYTES,
      // A file over the limit is refused from its declared length, before a byte of it is read.
      preParsing: async (request) => {
        if (Number(request.headers['content-length'] ?? 0) > IMPORT_MAX_BYTES) throw tooLarge();
      },
      schema: {
        tags,
        summary: `Import resource descriptions as drafts from a CSV file (raw body, at most 10 MB and ${LIBRARY_IMPORT_MAX_ROWS} rows; lists of codes separated by ";", authors by "|"): every row is checked, and either all are created or none`,
        querystring: ImportQuery,
        response: { 200: ImportReport },
      },
    },
    async (request) => {
      const body = request.body ?? Buffer.alloc(0);
      if (!Buffer.isBuffer(body)) {
        throw new AppError(415, 'unsupported_media_type', { type: request.headers['content-type'] ?? '' });
      }
      return importResources(db, editorContext(request), request.locale, body, {
        dryRun: request.query.dryRun ?? false,
      });
    },
  );

  // ---- collections

  r.post(
    '/library/collections',
    {
      config: { access: EDITORS },
      schema: {
        tags,
        summary: 'Create a collection or playlist',
        body: CollectionBody,
        response: { 200: CollectionView },
      },
    },
    async (request) => service.createCollection(db, editorContext(request), request.body),
  );

  r.put(
    '/library/collections/:id/items',
    {
      config: { access: EDITORS },
      schema: {
        tags,
        summary: "Set a collection's resources, in order",
        params: ResourceParams,
        body: CollectionItemsBody,
        response: { 200: CollectionView },
      },
    },
    async (request) =>
      service.setCollectionItems(
        db,
        env,
        editorContext(request),
        request.params.id,
        request.body,
        request.locale,
      ),
  );

  r.get(
    '/library/collections',
    {
      config: { access: 'public', httpCache: publicCache() },
      schema: {
        tags,
        summary: 'The collections and playlists that hold published resources',
        response: { 200: CollectionList },
      },
    },
    async () => service.listCollections(db),
  );

  r.get(
    '/library/collections/:id',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A collection with its published resources',
        params: ResourceParams,
        response: { 200: CollectionView },
      },
    },
    async (request) => service.getCollection(db, env, request.params.id, request.actor),
  );

  r.get(
    '/library/shelves/:grade/:subject',
    {
      config: { access: 'public', httpCache: publicCache() },
      schema: {
        tags,
        summary: 'The published resources of a grade and subject, with file sizes (to save for offline use)',
        params: ShelfParams,
        querystring: ShelfQuery,
        response: { 200: ShelfView },
      },
    },
    async (request) =>
      service.shelf(db, env, request.params.grade, request.params.subject, request.query.limit ?? 200),
  );
}
