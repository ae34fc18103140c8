import type { FastifySchema, RouteOptions } from 'fastify';
import type { SwaggerOptions } from '@fastify/swagger';
import { ROLE_SCOPE, type Access, type Role } from '@/server/access';
import { VERSION } from '@/server/version';

/**
 * The OpenAPI document, made in one place from what every route declares: its access decides `security`,
 * the error answers it can give and the first words of its `description`; its method and path its
 * `operationId`. What a route's schema cannot say without changing how the route validates — raw file
 * bodies, file downloads, tus's headers and statuses — is told in `ROUTE_DOCS` below, by route.
 * The document is checked by `openapi.test.ts` (shape) and `openapi.validators.test.ts` (third-party tools).
 */

/** The methods that change something: with a session cookie they need its CSRF token. */
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const binary = { type: 'string', format: 'binary' } as const;

/** The one error shape (`sendError` in errors.ts). */
const ERROR_SCHEMA = {
  type: 'object',
  description: 'Every refusal and failure: a stable code, a message in the caller’s language, and details.',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      additionalProperties: false,
      properties: {
        code: { type: 'string', description: 'Stable, for programs, e.g. `validation_failed`, `not_found`' },
        message: { type: 'string', description: 'For people, in the caller’s language (az, ru or en)' },
        details: {
          description:
            'For `validation_failed` and the rules of a record: the fields at fault. Some codes carry other details.',
          oneOf: [
            { type: 'array', items: { $ref: '#/components/schemas/FieldProblem' } },
            { type: 'object', additionalProperties: true },
          ],
        },
      },
    },
  },
} as const;

const FIELD_PROBLEM_SCHEMA = {
  type: 'object',
  description: 'One invalid field of a request: where it is, and why it was refused.',
  required: ['field', 'reason', 'message'],
  properties: {
    field: {
      type: 'string',
      description: 'Dotted path of the field, e.g. `body.name` or `rows.3.area_code`',
    },
    reason: { type: 'string', description: 'Stable, e.g. `required`, `maxLength`, `invalid`' },
    message: { type: 'string', description: 'For people, in the caller’s language' },
  },
} as const;

/** What each error status means here (the codes are those of errors.ts and the services). */
const ERROR_MEANING: Record<number, string> = {
  400: 'The request is not valid: `validation_failed` names each field at fault in `details`; also `invalid_json`, `bad_request`.',
  401: 'Not signed in, or the session has ended (`unauthenticated`).',
  403: 'Refused: the caller’s roles or scope do not cover this (`forbidden`).',
  404: 'Not found (`not_found`), or no such address (`route_not_found`).',
  409: 'In conflict with the current state: changed since it was read (`stale_version`), changed by someone else at the same moment (`concurrent_change`), or a state the route names in `code`.',
  410: 'The upload expired or was abandoned.',
  412: 'The client speaks another tus version than 1.0.0 (`Tus-Resumable`).',
  413: 'The body is larger than this route accepts (`payload_too_large`, or the file kind’s own limit).',
  415: 'The body’s content type is not one this route accepts (`unsupported_media_type`).',
  416: 'The range asked for is outside the file.',
  422: 'Well formed, but it breaks a rule: `code` names it, `details` lists the problems where there are several.',
  429: 'Too many attempts: try again after `Retry-After` seconds (`too_many_requests`).',
  500: 'An unexpected failure on the server; it was logged (`internal`).',
};

/** An error answer in the one shape. */
function errorResponse(status: number, csrf: boolean): Record<string, unknown> {
  let description = ERROR_MEANING[status] ?? 'Refused.';
  if (status === 403 && csrf) {
    description += ' A change sent with a session cookie but without its CSRF token is refused with `csrf`.';
  }
  const response: Record<string, unknown> = {
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  };
  if (status === 429) {
    response.headers = {
      'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer', minimum: 1 } },
    };
  }
  return response;
}

/** A header parameter of a route that is told here rather than validated by its schema. */
interface HeaderDoc {
  name: string;
  required: boolean;
  description: string;
  schema: Record<string, unknown>;
}

/** What the document says of a route beyond its schema. */
export interface RouteDoc {
  /** The body as raw bytes (a file), in these media types. */
  body?: { types: readonly string[]; description: string; required?: boolean };
  /** The success answer as a file, in these media types (beside the route's JSON shape, when it has one). */
  file?: { types: readonly string[]; description: string; status?: number };
  /** Success answers that replace the route's own (tus's 201/204, a ranged file's 206/304). */
  responses?: Record<number, { description: string; headers?: Record<string, string> }>;
  /** Error statuses this route gives beyond those its access and method imply. */
  errors?: readonly number[];
  /** Request headers the route reads (tus's). */
  headers?: readonly HeaderDoc[];
  /** The route answers its own 404 as an HTML page (the web app's pages). */
  htmlNotFound?: boolean;
}

const TUS_RESUMABLE: HeaderDoc = {
  name: 'Tus-Resumable',
  required: true,
  description: 'The tus version the client speaks',
  schema: { type: 'string', enum: ['1.0.0'] },
};
const TUS_ANSWER = { 'Tus-Resumable': 'The tus version of the server: 1.0.0' };

/** Raw file bodies and file answers, by route (`METHOD url` as Fastify knows it). */
export const ROUTE_DOCS: Record<string, RouteDoc> = {
  // ---- uploads
  'POST /api/registry/import/:dataset': {
    body: {
      types: [
        'text/csv',
        XLSX,
        'text/plain',
        'application/vnd.ms-excel',
        'application/octet-stream',
      ] as const,
      description: 'The file itself, CSV (UTF-8) or XLSX, at most 10 MB; its kind is told by its bytes',
    },
  },
  'POST /api/library/import': {
    body: {
      types: ['text/csv', 'text/plain', 'application/vnd.ms-excel', 'application/octet-stream'],
      description: 'The CSV file itself (UTF-8), at most 10 MB and 20000 rows',
    },
  },
  'POST /api/institutions/:id/enrolments/import': {
    body: {
      types: ['text/csv', XLSX, 'text/plain', 'application/vnd.ms-excel', 'application/octet-stream'],
      description: 'The CSV or XLSX file itself (columns username, class); its kind is told by its bytes',
    },
  },
  'POST /api/institutions/:id/oneroster': {
    body: {
      types: ['application/zip', 'application/x-zip-compressed', 'application/octet-stream'],
      description: 'A OneRoster 1.2 CSV binding: the zip of its CSV files',
    },
  },
  'POST /api/assignments/:assignmentId/uploads': {
    body: {
      types: ['application/pdf', 'image/jpeg', 'image/png', 'application/octet-stream'],
      description: 'The file itself (PDF, JPEG or PNG, at most 10 MB)',
    },
  },
  'PUT /api/training/external/:externalId/evidence': {
    body: {
      types: ['application/pdf', 'image/jpeg', 'image/png', 'application/octet-stream'],
      description: 'The evidence itself (PDF, JPEG or PNG, at most 5 MB); its kind is told by its bytes',
    },
  },
  'PUT /api/portal/manage/news/:articleId/cover': {
    body: {
      types: ['image/jpeg', 'image/png', 'image/webp', 'application/octet-stream'],
      description:
        'The cover image itself (JPEG, PNG or WebP, at most 5 MB and 8000×8000 pixels); its kind is told by its bytes',
    },
    errors: [413, 415],
  },
  'POST /api/speedtest/upload': {
    body: { types: ['application/octet-stream'], description: 'Any bytes, to time their upload' },
  },
  'POST /oai': {
    body: {
      types: ['application/x-www-form-urlencoded'],
      description:
        'The OAI-PMH arguments as a form: verb, and identifier, metadataPrefix, from, until, set, resumptionToken as the verb needs',
    },
    file: {
      types: ['text/xml'],
      description: 'The OAI-PMH answer; its protocol errors too come as XML with 200',
    },
  },
  // ---- tus (resumable uploads of library files)
  'OPTIONS /api/library/uploads': {
    responses: {
      204: {
        description: 'What the server speaks (tus core: no CSRF token or session needed)',
        headers: {
          'Tus-Version': 'The tus versions supported: 1.0.0',
          'Tus-Extension':
            'The extensions supported: creation,creation-with-upload,termination,expiration (not creation-defer-length: `Upload-Length` is required)',
          'Tus-Max-Size':
            'The largest upload accepted, in bytes (each kind of file has its own, smaller limit)',
        },
      },
    },
  },
  'POST /api/library/uploads': {
    headers: [
      TUS_RESUMABLE,
      {
        name: 'Upload-Length',
        required: true,
        description: 'The whole file’s size in bytes',
        schema: { type: 'integer', minimum: 1 },
      },
      {
        name: 'Upload-Metadata',
        required: true,
        description:
          'Comma-separated `key base64(value)` pairs: resourceId (the draft resource), role (the file’s role in it), filename',
        schema: { type: 'string' },
      },
    ],
    body: {
      types: ['application/offset+octet-stream'],
      required: false,
      description: 'The first bytes of the file (creation-with-upload); usually empty, then sent by PATCH',
    },
    responses: {
      201: {
        description: 'The upload is created',
        headers: {
          Location: 'The upload’s address, relative to this server: send its bytes there by PATCH',
          'Upload-Offset': 'How many bytes arrived with the creation request',
          ...TUS_ANSWER,
        },
      },
    },
    errors: [412],
  },
  'HEAD /api/library/uploads/:uploadId': {
    headers: [TUS_RESUMABLE],
    responses: {
      200: {
        description: 'How much of the upload has arrived (no body)',
        headers: {
          'Upload-Offset': 'Bytes received so far: resume from here',
          'Upload-Length': 'The whole file’s size in bytes',
          'Upload-Metadata': 'The metadata given at creation',
          ...TUS_ANSWER,
        },
      },
    },
    errors: [410, 412],
  },
  'PATCH /api/library/uploads/:uploadId': {
    headers: [
      TUS_RESUMABLE,
      {
        name: 'Upload-Offset',
        required: true,
        description: 'Where these bytes start: the offset the server last answered',
        schema: { type: 'integer', minimum: 0 },
      },
    ],
    body: {
      types: ['application/offset+octet-stream'],
      description: 'The next bytes of the file',
    },
    responses: {
      204: {
        description:
          'The bytes are kept; when the file is complete it is checked and added to the resource (`X-Library-File-Id`)',
        headers: {
          'Upload-Offset': 'Bytes received so far',
          'X-Library-File-Id': 'On the last PATCH only: the library file the upload became',
          ...TUS_ANSWER,
        },
      },
    },
    errors: [410, 412],
  },
  'DELETE /api/library/uploads/:uploadId': {
    headers: [TUS_RESUMABLE],
    responses: { 204: { description: 'The upload and its bytes are gone', headers: TUS_ANSWER } },
    errors: [410, 412],
  },
  // ---- downloads
  'GET /api/registry/templates/:dataset': {
    file: {
      types: [XLSX, 'text/csv'],
      description: 'An empty file of the data set (XLSX unless `format=csv`)',
    },
  },
  'GET /api/registry/export/:dataset': {
    file: { types: ['text/csv', XLSX], description: 'The data set as `format` asks (CSV is UTF-8 with BOM)' },
  },
  'GET /api/open/indicators/sdmx': {
    file: {
      types: ['application/vnd.sdmx.data+csv'],
      description:
        'SDMX-CSV 2.0 (UTF-8, no byte-order mark): STRUCTURE, STRUCTURE_ID, ACTION, then INDICATOR, REF_AREA, EDU_LEVEL, SEX, TIME_PERIOD, OBS_VALUE and the attributes (docs/policy.md)',
    },
  },
  'GET /api/library/import/template': {
    file: { types: ['text/csv'], description: 'The header row of the import file' },
  },
  'GET /api/library/files/:fileId': {
    file: {
      types: ['application/octet-stream'],
      description: 'The file, in its own content type (PDF, EPUB, MP4, audio, image …)',
    },
    responses: {
      206: {
        description: 'The range asked for (`Range`, `If-Range`)',
        headers: { 'Content-Range': 'Which bytes of the whole these are' },
      },
      304: { description: 'The caller’s copy is current (`If-None-Match`, `If-Modified-Since`)' },
    },
    errors: [416],
  },
  'GET /api/library/files/:fileId/hls/:name': {
    file: {
      types: ['application/vnd.apple.mpegurl', 'video/mp2t'],
      description: 'A playlist (`.m3u8`) or a segment (`.ts`)',
    },
    responses: {
      206: {
        description: 'The range asked for',
        headers: { 'Content-Range': 'Which bytes of the whole these are' },
      },
      304: { description: 'The caller’s copy is current' },
    },
    errors: [416],
  },
  'GET /api/library/resources/:id/jsonld': {
    file: {
      types: ['application/ld+json'],
      description: 'The schema.org LearningResource (LRMI) as JSON-LD',
    },
  },
  'GET /api/speedtest/download': {
    file: { types: ['application/octet-stream'], description: 'Random bytes' },
  },
  'GET /api/institutions/:id/enrolments/export': {
    file: { types: ['text/csv'], description: 'The enrolments (username, class, name)' },
  },
  'GET /api/institutions/:id/oneroster': {
    file: { types: ['application/zip'], description: 'The OneRoster 1.2 CSV binding as a zip' },
  },
  'GET /api/assignment-files/:fileId': {
    file: { types: ['application/pdf', 'image/jpeg', 'image/png'], description: 'The handed-in file' },
  },
  'GET /api/training/certificates/:certificateId/pdf': {
    file: {
      types: ['application/pdf'],
      description: 'The certificate, A4 landscape, with a QR code to its check',
    },
  },
  'GET /api/policy/profile/pdf': {
    file: {
      types: ['application/pdf'],
      description: 'The live country profile, A4, in the language asked for',
    },
  },
  'GET /api/policy/profile/editions/:number/pdf': {
    file: { types: ['application/pdf'], description: 'A published edition of the country profile, A4' },
  },
  'GET /api/training/programmes/:programmeId/certificates.zip': {
    file: { types: ['application/zip'], description: 'A PDF and the signed JSON of each certificate' },
  },
  'GET /api/portal/covers/:name': {
    file: { types: ['image/jpeg', 'image/png', 'image/webp'], description: 'The cover image' },
  },
  'GET /api/training/external/:externalId/evidence': {
    file: { types: ['application/pdf', 'image/jpeg', 'image/png'], description: 'The evidence file' },
  },
  'GET /api/journal/reports/class-attendance': {
    file: { types: ['text/csv', XLSX], description: 'The report as a file when `format` is csv or xlsx' },
  },
  'GET /api/journal/reports/report-card': {
    file: { types: ['application/pdf'], description: 'The printable report card when `format=pdf`' },
  },
  'GET /api/journal/reports/school-summary': {
    file: { types: ['text/csv', XLSX], description: 'The summary as a file when `format` is csv or xlsx' },
  },
  'GET /oai': {
    file: {
      types: ['text/xml'],
      description: 'The OAI-PMH answer; its protocol errors too come as XML with 200',
    },
  },
  // ---- the web app's public pages (with a web build)
  'GET /robots.txt': {
    file: { types: ['text/plain'], description: 'The crawl rules and the sitemap’s address' },
  },
  'GET /sitemap.xml': {
    file: {
      types: ['application/xml'],
      description: 'A sitemap, or a sitemap index when the pages are many',
    },
  },
  'GET /sitemaps/:file': {
    file: { types: ['application/xml'], description: 'One part of the sitemap' },
    htmlNotFound: true,
  },
  'GET /resources/:id': {
    file: { types: ['text/html'], description: 'The page, with its JSON-LD for crawlers' },
    htmlNotFound: true,
  },
};

/** The methods whose body Fastify reads and limits. */
const REQUEST_LIMITS = new Set(['POST', 'PUT', 'PATCH']);

/** `POST /api/institutions/:id/registry` → `postInstitutionsByIdRegistry`: stable, unique per method and path. */
export function operationIdOf(method: string, url: string): string {
  const words = url
    .split('/')
    .filter((segment) => segment && segment !== 'api')
    .map((segment) => (segment.startsWith(':') ? `by-${segment.slice(1)}` : segment))
    .join('-')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return [method.toLowerCase(), ...words]
    .map((word, i) => (i === 0 ? word : word[0]!.toUpperCase() + word.slice(1)))
    .join('');
}

/** Where each kind of scope reaches, in the words of access.ts's `grantCovers`. */
const SCOPE_WORDS: Record<(typeof ROLE_SCOPE)[Role], string> = {
  nation: 'a national role covers all',
  area: 'a regional officer’s area covers the places and schools under it',
  institution: 'a school role covers its school (a student: only themselves)',
  children: 'a parent covers their own children',
};

/** Who may call a route, from its declared access. */
export function accessSentence(access: Access | undefined): string {
  if (access === undefined) return 'Access: nobody (the route declares no access).';
  if (access === 'public') return 'Access: public; no sign-in needed.';
  if (access === 'authenticated')
    return 'Access: anyone signed in (the `session` cookie), for their own things.';
  const roles =
    access.roles.length === 1 ? `the role ${access.roles[0]}` : `one of the roles ${access.roles.join(', ')}`;
  if (!access.scope) return `Access: signed in with ${roles}.`;
  const kinds = [...new Set(access.roles.map((role) => ROLE_SCOPE[role]))].map((kind) => SCOPE_WORDS[kind]);
  return `Access: signed in with ${roles}, held in a scope that covers what the request names (${kinds.join('; ')}).`;
}

const CSRF_WORDS =
  'A change: send the session’s CSRF token (`csrfToken` of the sign-in answer or of `GET /api/me`) in the `x-csrf-token` header.';
const PUBLIC_CSRF_WORDS =
  'Sent with a `session` cookie, it needs that session’s CSRF token in the `x-csrf-token` header too.';

/** The route's key in ROUTE_DOCS. */
const keyOf = (method: string, url: string) => `${method} ${url}`;

/** The transform of each route's schema into its operation (see `@fastify/swagger`'s `transform`). */
function transformRoute({ schema, url, route }: { schema: FastifySchema; url: string; route: RouteOptions }) {
  if (schema?.hide) return { schema, url };
  const method = [route.method].flat()[0]!;
  const access = route.config?.access;
  const unsafe = UNSAFE.has(method);
  const isPublic = access === 'public';
  const own = (schema as { description?: string } | undefined)?.description;
  const description = [
    own,
    accessSentence(access),
    unsafe ? (isPublic ? PUBLIC_CSRF_WORDS : CSRF_WORDS) : undefined,
  ]
    .filter(Boolean)
    .join('\n\n');
  const doc = ROUTE_DOCS[keyOf(method, route.url)] ?? {};
  const web = !route.url.startsWith('/api') && !route.url.startsWith('/oai');
  const errors = new Set<number>(web ? [500] : [400, 500]);
  if (!isPublic) errors.add(401);
  if (typeof access === 'object' || unsafe) errors.add(403);
  if (route.url.includes(':') && !doc.htmlNotFound) errors.add(404);
  if (unsafe && !web) {
    errors.add(409);
    errors.add(422);
  }
  if (REQUEST_LIMITS.has(method)) {
    errors.add(413);
    errors.add(415);
  }
  if (route.url === '/api/auth/login' || route.url === '/api/me/password') errors.add(429);
  for (const status of doc.errors ?? []) errors.add(status);
  return {
    url,
    schema: {
      ...schema,
      operationId: operationIdOf(method, route.url),
      description,
      security: isPublic ? [] : unsafe ? [{ session: [], csrf: [] }] : [{ session: [] }],
      'x-maktab-doc': {
        key: keyOf(method, route.url),
        errors: [...errors].sort(),
        csrf: unsafe,
      },
    },
  };
}

/** The tags of the document, in order, each said in a few words. */
const TAGS: Record<string, string> = {
  platform: 'The server itself',
  identity: 'Sign-in, sessions, one’s own account; people, their roles and the audit log',
  institutions: 'Administrative areas, institutions, academic years and the country pack',
  home: 'The home page of each role',
  registry: 'The ICT registry of schools: yearly records, devices, connectivity, projects; import and export',
  monitoring: 'Indicators (SDG 4.a.1 and others), trends, the school map, distance learning',
  'open data': 'Aggregates and school facts anyone may reuse; nothing about any person',
  library: 'The digital library: resources, files (tus uploads, ranged downloads, HLS), search, OAI-PMH',
  allocation: 'The yearly distribution of computers: plans, applications, ranking, deliveries',
  classroom: 'Classes, enrolments (CSV, XLSX, OneRoster), bell schedules, timetables and lessons',
  assignments: 'Assignments, hand-ins and feedback',
  notifications: 'The caller’s notifications',
  contests: 'Question banks, contests and attempts',
  councils: 'Pedagogical councils and their decisions',
  webinars: 'Webinars, registration and attendance',
  training:
    'Teachers’ ICT training: competency frameworks, the self-assessment, programmes, certificates and needs',
  journal: 'The class journal: marks, attendance, results, reports; linking parents',
  policy:
    'Policies, programmes, their targets’ live progress, partnerships, the live figures and the country profile',
  portal: 'The education portal: news and events by place, their RSS/Atom and iCalendar feeds, registration',
  'portal-safety':
    'Internet-safety courses by grade band with quizzes, class runs and aggregate reports; Safer Internet Day',
  safety:
    "The education network's content filter: categories, lists, policies, networks and schedules; the resolver nodes' zones and counts; the block page, unblock requests and reports",
  web: 'The public pages of the web app (for people and crawlers)',
};

type Operation = Record<string, unknown> & {
  responses: Record<string, Record<string, unknown>>;
  parameters?: Record<string, unknown>[];
  requestBody?: Record<string, unknown>;
  'x-maktab-doc'?: { key: string; errors: number[]; csrf: boolean };
};

/** Completes one operation from its route's doc: bodies, files, tus's answers, the error answers. */
function completeOperation(op: Operation): void {
  const meta = op['x-maktab-doc'];
  delete op['x-maktab-doc'];
  if (!meta) return;
  const doc = ROUTE_DOCS[meta.key] ?? {};
  if (doc.headers) {
    op.parameters = [...(op.parameters ?? []), ...doc.headers.map((h) => ({ in: 'header', ...h }))];
  }
  if (doc.body) {
    op.requestBody = {
      required: doc.body.required ?? true,
      description: doc.body.description,
      content: Object.fromEntries(doc.body.types.map((type) => [type, { schema: binary }])),
    };
  }
  if (doc.file) {
    const status = String(doc.file.status ?? 200);
    const existing = op.responses[status] ?? {};
    const content = (existing.content ?? {}) as Record<string, unknown>;
    const json = content['application/json'];
    // `produces` of a file route without a JSON answer: the default JSON shape the plugin wrote is no answer.
    const files = Object.fromEntries(
      doc.file.types.map((type) => [
        type,
        content[type] ?? {
          schema: type.includes('json') && json ? (json as { schema: unknown }).schema : binary,
        },
      ]),
    );
    const keepJson = json && !doc.file.types.some((type) => type.includes('json'));
    op.responses[status] = {
      description:
        existing.description && existing.description !== 'Default Response'
          ? existing.description
          : keepJson
            ? `JSON unless asked otherwise; ${doc.file.description}`
            : doc.file.description,
      ...(existing.headers ? { headers: existing.headers } : {}),
      content: { ...(keepJson ? { 'application/json': json } : {}), ...files },
    };
  }
  if (doc.responses) {
    if (!doc.file) delete op.responses['200'];
    for (const [status, response] of Object.entries(doc.responses)) {
      op.responses[status] = {
        description: response.description,
        ...(response.headers
          ? {
              headers: Object.fromEntries(
                Object.entries(response.headers).map(([name, description]) => [
                  name,
                  { description, schema: { type: 'string' } },
                ]),
              ),
            }
          : {}),
      };
    }
  }
  for (const status of meta.errors) op.responses[String(status)] = errorResponse(status, meta.csrf);
  if (doc.htmlNotFound) {
    op.responses['404'] = {
      description: 'Not found: the web app’s page saying so',
      content: { 'text/html': { schema: { type: 'string' } } },
    };
  }
}

/**
 * ajv-formats' bounds of a date (`formatMinimum`, `formatMaximum`: see `DateString` in schema.ts) are no
 * keywords of OpenAPI 3.0: they are kept as extensions of the same name, `x-formatMinimum`, `x-formatMaximum`.
 */
function withOpenApiKeywords(value: unknown, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 64) return;
  if (Array.isArray(value)) {
    for (const item of value) withOpenApiKeywords(item, depth + 1);
    return;
  }
  const record = value as Record<string, unknown>;
  for (const keyword of [
    'formatMinimum',
    'formatMaximum',
    'formatExclusiveMinimum',
    'formatExclusiveMaximum',
  ]) {
    if (keyword in record && typeof record[keyword] !== 'object') {
      record[`x-${keyword}`] = record[keyword];
      delete record[keyword];
    }
  }
  for (const item of Object.values(record)) withOpenApiKeywords(item, depth + 1);
}

/**
 * The shared types, named: an object schema with exactly these properties, in this order, is one of them.
 * The first one met becomes the component; every other of the same shape (up to its own description and
 * nullability) refers to it. One of another shape under the same properties stays where it is.
 */
const SHARED_TYPES: Record<string, string> = {
  'id,username,displayName': 'PersonSummary',
  'id,role,areaId,institutionId,scopeName': 'Grant',
  'id,username,displayName,locale,status,lastActiveOn,grants': 'User',
  'id,code,startsOn,endsOn,isCurrent': 'AcademicYear',
  'id,code,parentId,subjectCode,grades,nameAz,nameRu,nameEn': 'CurriculumTopic',
  'available,state,error': 'MediaProcessing',
  'field,code,message': 'RecordProblem',
};

/** What makes two schemas the same type: all but their own description and nullability. */
function shapeOf(schema: Record<string, unknown>): string {
  const { description: _description, nullable: _nullable, ...shape } = schema;
  return JSON.stringify(shape);
}

/** Replaces the shared types' occurrences (innermost first) by references to components, which it fills. */
function nameSharedTypes(value: unknown, components: Record<string, unknown>, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 64) return value;
  if (Array.isArray(value)) return value.map((item) => nameSharedTypes(item, components, depth + 1));
  const record: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) record[key] = nameSharedTypes(item, components, depth + 1);
  const properties = record.properties;
  if (record.type !== 'object' || !properties || typeof properties !== 'object') return record;
  const name = SHARED_TYPES[Object.keys(properties).join(',')];
  if (!name) return record;
  const { description, nullable, ...shape } = record;
  components[name] ??= shape;
  if (shapeOf(components[name] as Record<string, unknown>) !== shapeOf(record)) return record;
  const ref = { $ref: `#/components/schemas/${name}` };
  if (description === undefined && nullable === undefined) return ref;
  // OpenAPI 3.0 ignores a reference's siblings: its own words and nullability wrap it.
  return {
    allOf: [ref],
    ...(description === undefined ? {} : { description }),
    ...(nullable ? { nullable } : {}),
  };
}

/** The whole document's finishing: components, tags, servers; every operation completed. */
function transformDocument({ openapiObject }: { openapiObject: Record<string, unknown> }) {
  const paths = (openapiObject.paths ?? {}) as Record<string, Record<string, Operation>>;
  withOpenApiKeywords(paths);
  const used = new Set<string>();
  for (const item of Object.values(paths)) {
    for (const op of Object.values(item)) {
      completeOperation(op);
      for (const tag of (op.tags as string[] | undefined) ?? []) used.add(tag);
    }
  }
  const components = (openapiObject.components ?? {}) as Record<string, Record<string, unknown>>;
  const shared: Record<string, unknown> = {};
  const named = nameSharedTypes(paths, shared);
  return {
    ...openapiObject,
    paths: named,
    servers: [{ url: '/', description: 'This server' }],
    tags: [...used].map((name) => ({ name, description: TAGS[name] ?? name })),
    components: {
      ...components,
      schemas: { ...components.schemas, ...shared, Error: ERROR_SCHEMA, FieldProblem: FIELD_PROBLEM_SCHEMA },
    },
  };
}

/** `@fastify/swagger`'s options: the document's frame and the two transforms above. */
export function swaggerOptions(): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Maktab API',
        version: VERSION,
        license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
        description:
          'The education-technology platform of a ministry of education. Sign in with `POST /api/auth/login`: the answer sets the `session` cookie and gives the CSRF token that every change must carry in `x-csrf-token`. Every refusal comes in one shape, `Error`, in the caller’s language (their setting, else `Accept-Language`: az, ru or en).',
      },
      components: {
        securitySchemes: {
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'maktab_sid',
            description: 'The session cookie set by `POST /api/auth/login` (HttpOnly)',
          },
          csrf: {
            type: 'apiKey',
            in: 'header',
            name: 'x-csrf-token',
            description:
              'The session’s CSRF token (`csrfToken` of the sign-in answer or of `GET /api/me`). Checked on POST, PUT, PATCH and DELETE whenever a session cookie is sent: a missing or wrong token is refused with 403 `csrf`.',
          },
        },
      },
    },
    transform: transformRoute,
    transformObject: transformDocument as never,
  };
}
