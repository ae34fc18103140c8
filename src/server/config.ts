import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseClock } from '@/server/clock';

/** Which database the platform runs on: PGlite in a directory, or a PostgreSQL server. */
export type DatabaseConfig =
  { driver: 'pglite'; dataDir: string } | { driver: 'postgres'; url: string; poolSize: number };

/** Everything the server reads from its environment, resolved once at start. */
export interface Config {
  port: number;
  host: string;
  database: DatabaseConfig;
  production: boolean;
  /** Set the Secure flag on cookies even when the request does not look like HTTPS. */
  secureCookies: boolean;
  /**
   * Which peers' X-Forwarded-* headers are believed (client addresses and HTTPS detection): `true` every
   * peer's, `false` none, or a list of addresses and CIDR ranges (Fastify's `trustProxy`).
   */
  trustProxy: boolean | string[];
  logLevel: string;
  /** Where the built web app lives; served at `/`. */
  webRoot: string;
  /** Where uploaded and processed files are kept (the local storage; `STORAGE_DIR`, default DATA_DIR/files). */
  storageDir: string;
  /** Memory for published media blocks served from memory (`MEDIA_CACHE_MB`, default 256; 0 keeps none). */
  mediaCacheMb: number;
  /**
   * Which other sites' pages may read published media and OAI-PMH from a browser (`CORS_ORIGINS`): `*` any
   * (the default: they are open content), a list of origins such as `https://a.az,https://b.az`, or none
   * (`none` or empty). Never with credentials, never for files that are not public.
   */
  corsOrigins: '*' | string[];
  /** The media programs; when ffmpeg cannot be run, media processing is unavailable and originals are served. */
  media: { ffmpeg: string; ffprobe: string };
  /**
   * How many worker processes `maktab serve` runs on PostgreSQL (`WORKERS`, default one per core; see
   * `cluster.ts`); `set` says whether WORKERS was given. The embedded database runs in one process whatever it says.
   */
  workers: { count: number; set: boolean };
  /** Whether this process runs background jobs (`RUN_JOBS`; off in tests, which run them explicitly). */
  runJobs: boolean;
  /**
   * How long a client has to send a whole request, headers and body (`REQUEST_TIMEOUT_S`, default 120 s);
   * how long an idle kept-alive connection stays open (`KEEP_ALIVE_TIMEOUT_S`, default 30 s); how long a
   * connection may send and receive nothing at all (`CONNECTION_TIMEOUT_S`, default 300 s). See
   * docs/operations.md, "Timeouts".
   */
  timeouts: { requestMs: number; keepAliveMs: number; connectionMs: number };
  /**
   * The site's public address (`PUBLIC_URL`, e.g. `https://maktab.edu.az`): every absolute address the server
   * writes (robots.txt, the sitemap, a resource's page and JSON-LD, OAI-PMH) is made from it, never from the
   * request's `Host`. Required in production; elsewhere `http://localhost:<PORT>`.
   */
  publicUrl: string;
  /**
   * The OAI-PMH repository: its identifier, the namespace of every record identifier
   * (`oai:<repositoryId>:resource/<id>`; `OAI_REPOSITORY_ID`, a domain name such as `maktab.edu.az`) and its
   * administrator's address (`OAI_ADMIN_EMAIL`). Required in production; elsewhere the public address's host
   * name (or `maktab.localhost` when that is not a domain name) and `library@` it.
   */
  oai: { repositoryId: string; adminEmail: string };
  /**
   * How many credentials one address may have checked by the public verifier (`POST /api/training/verify`) a
   * minute (`VERIFY_PER_MINUTE`, default 30): each check canonicalises and verifies a signed document, so an
   * unbounded caller could keep a worker busy. Counted per app node.
   */
  verifyPerMinute: number;
  /**
   * Whether this node answers requests for names other than its own with the content filter's block page
   * (`BLOCK_PAGE=true`; off by default). Turn it on for the node whose address the resolvers give for blocked
   * names, with `PUBLIC_URL` set: every Host but the public address's is then taken for a blocked name.
   */
  blockPage: boolean;
  /** Where the server's clock starts (`MAKTAB_CLOCK`, an ISO time; see `clock.ts`); absent, the real clock. */
  clock?: Date;
}

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${value}"`);
  return n;
}

/**
 * Reads `TRUST_PROXY`: `true`, `false` (or empty), or a comma-separated list of the reverse proxies' addresses
 * and CIDR ranges, e.g. `127.0.0.1,10.0.0.0/8,::1` — only those peers' forwarded addresses are believed.
 */
export function trustProxy(value: string | undefined): boolean | string[] {
  const text = (value ?? '').trim();
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  const list = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of list) {
    const [address, prefix, ...rest] = entry.split('/');
    const family = isIP(address ?? '');
    const bits = family === 4 ? 32 : 128;
    const prefixOk =
      prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits && rest.length === 0);
    if (family === 0 || !prefixOk) {
      throw new Error(
        `TRUST_PROXY must be true, false or a list of addresses and CIDR ranges such as 10.0.0.0/8, got "${entry}"`,
      );
    }
  }
  return list;
}

/** Reads `CORS_ORIGINS` (see `Config.corsOrigins`): `*` when unset. */
export function corsOrigins(value: string | undefined): '*' | string[] {
  if (value === undefined) return '*';
  const text = value.trim();
  if (text === '*') return '*';
  if (text === '' || text === 'none') return [];
  return text.split(',').map((entry) => {
    const origin = entry.trim().replace(/\/+$/, '');
    let parsed: URL | null = null;
    try {
      parsed = new URL(origin);
    } catch {
      // reported below
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new Error(
        `CORS_ORIGINS must be *, none or a list of origins such as https://example.az, got "${entry}"`,
      );
    }
    return origin;
  });
}

/** Reads `PUBLIC_URL`: an http(s) address with no path, query or fragment; given back without a trailing slash. */
export function publicUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new Error(`PUBLIC_URL must be an address such as https://maktab.edu.az, got "${value}"`);
  }
  if (
    !['http:', 'https:'].includes(url.protocol) ||
    url.pathname !== '/' ||
    url.search ||
    url.hash ||
    url.username
  )
    throw new Error(`PUBLIC_URL must be an address such as https://maktab.edu.az, got "${value}"`);
  return url.origin;
}

/** An OAI repository identifier: a domain name (oai-identifier.xsd's `repositoryIdentifierType`). */
const REPOSITORY_ID = /^[a-zA-Z][a-zA-Z0-9-]*(\.[a-zA-Z][a-zA-Z0-9-]*)+$/;

/** Reads `OAI_REPOSITORY_ID`: a domain name such as maktab.edu.az. */
export function oaiRepositoryId(value: string): string {
  const text = value.trim();
  if (!REPOSITORY_ID.test(text))
    throw new Error(`OAI_REPOSITORY_ID must be a domain name such as maktab.edu.az, got "${value}"`);
  return text;
}

/** Reads `OAI_ADMIN_EMAIL`: an e-mail address whose domain has a dot (OAI-PMH.xsd's `emailType`). */
export function oaiAdminEmail(value: string): string {
  const text = value.trim();
  if (!/^[^\s@]+@([^\s@.]+\.)+[^\s@.]+$/.test(text))
    throw new Error(
      `OAI_ADMIN_EMAIL must be an e-mail address such as library@maktab.edu.az, got "${value}"`,
    );
  return text;
}

/**
 * The public address and the OAI repository: from `PUBLIC_URL`, `OAI_REPOSITORY_ID` and `OAI_ADMIN_EMAIL`;
 * in production all three must be given (a harvester keeps the identifiers for years, a search engine the
 * addresses), elsewhere each has a default that depends on nothing but the configuration.
 */
export function publicAddress(
  env: NodeJS.ProcessEnv,
  port: number,
): { publicUrl: string; oai: { repositoryId: string; adminEmail: string } } {
  const given = (name: string) => (env[name] ?? '').trim() !== '';
  if (env.NODE_ENV === 'production') {
    const missing = ['PUBLIC_URL', 'OAI_REPOSITORY_ID', 'OAI_ADMIN_EMAIL'].filter((n) => !given(n));
    if (missing.length > 0)
      throw new Error(
        `${missing.join(', ')} must be set in production: the site's public address (e.g. PUBLIC_URL=https://maktab.edu.az), ` +
          "the OAI-PMH repository identifier (e.g. OAI_REPOSITORY_ID=maktab.edu.az) and its administrator's e-mail " +
          '(e.g. OAI_ADMIN_EMAIL=library@maktab.edu.az). See docs/operations.md, "Public address".',
      );
  }
  const url = given('PUBLIC_URL') ? publicUrl(env.PUBLIC_URL!) : `http://localhost:${port}`;
  const host = new URL(url).hostname;
  const repositoryId = given('OAI_REPOSITORY_ID')
    ? oaiRepositoryId(env.OAI_REPOSITORY_ID!)
    : REPOSITORY_ID.test(host)
      ? host
      : 'maktab.localhost';
  const adminEmail = given('OAI_ADMIN_EMAIL')
    ? oaiAdminEmail(env.OAI_ADMIN_EMAIL!)
    : `library@${repositoryId}`;
  return { publicUrl: url, oai: { repositoryId, adminEmail } };
}

/** Reads `WORKERS`: a whole number from 1; unset or empty, one per core. */
function workers(value: string | undefined): { count: number; set: boolean } {
  if (value === undefined || value === '') return { count: availableParallelism(), set: false };
  const count = int(value, 1, 'WORKERS');
  if (count < 1) throw new Error(`WORKERS must be 1 or more, got "${value}"`);
  return { count, set: true };
}

/**
 * The connections each of `workers` processes opens when the app node's budget is `total`
 * (`DATABASE_POOL_SIZE`): the budget shared out, but never fewer than 2 each.
 */
export function workerPoolSize(total: number, workers: number): number {
  return Math.max(2, Math.ceil(total / workers));
}

/** Reads the configuration from environment variables (see README, "Configuration"). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = path.resolve(env.DATA_DIR ?? 'data');
  const url = env.DATABASE_URL;
  const port = int(env.PORT, 3000, 'PORT');
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    database: url
      ? { driver: 'postgres', url, poolSize: int(env.DATABASE_POOL_SIZE, 10, 'DATABASE_POOL_SIZE') }
      : { driver: 'pglite', dataDir },
    production: env.NODE_ENV === 'production',
    secureCookies: env.COOKIE_SECURE === 'true',
    trustProxy: trustProxy(env.TRUST_PROXY),
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    webRoot: path.resolve(env.WEB_ROOT ?? 'dist/web'),
    storageDir: path.resolve(env.STORAGE_DIR ?? path.join(dataDir, 'files')),
    mediaCacheMb: int(env.MEDIA_CACHE_MB, 256, 'MEDIA_CACHE_MB'),
    corsOrigins: corsOrigins(env.CORS_ORIGINS),
    media: { ffmpeg: env.FFMPEG_PATH ?? 'ffmpeg', ffprobe: env.FFPROBE_PATH ?? 'ffprobe' },
    timeouts: {
      requestMs: int(env.REQUEST_TIMEOUT_S, 120, 'REQUEST_TIMEOUT_S') * 1000,
      keepAliveMs: int(env.KEEP_ALIVE_TIMEOUT_S, 30, 'KEEP_ALIVE_TIMEOUT_S') * 1000,
      connectionMs: int(env.CONNECTION_TIMEOUT_S, 300, 'CONNECTION_TIMEOUT_S') * 1000,
    },
    workers: workers(env.WORKERS),
    runJobs: env.RUN_JOBS ? env.RUN_JOBS === 'true' : env.NODE_ENV !== 'test',
    verifyPerMinute: int(env.VERIFY_PER_MINUTE, 30, 'VERIFY_PER_MINUTE') || 30,
    blockPage: env.BLOCK_PAGE === 'true',
    ...publicAddress(env, port),
    ...(env.MAKTAB_CLOCK ? { clock: parseClock(env.MAKTAB_CLOCK) } : {}),
  };
}
