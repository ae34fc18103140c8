import type { Static } from 'typebox';
import type { MeResponse, AuditEntry } from '@/modules/identity/identity.schema';
import type {
  AcademicYear,
  Area,
  Institution,
  CountryPack,
} from '@/modules/institutions/institutions.schema';
import type {
  Connectivity,
  Device,
  DeviceEvent,
  Project,
  SchoolStateList,
  SchoolYearBody,
  SchoolYearRecord,
} from '@/modules/infrastructure/infrastructure.schema';
import type { Role } from '@/server/access';
import type { Locale } from '@/server/i18n';

/**
 * The web app's one way to the API. It sends the interface language as Accept-Language (the server answers
 * errors in it), the session's CSRF token on every change, and turns the server's error shape into an
 * ApiError carrying the server's translated message. Types come from the server's own schemas (type-only
 * imports, so nothing of the server reaches the bundle) and cannot drift from what the API sends.
 */

/** The signed-in person, their roles with scopes, their children and the CSRF token. */
export type Me = Static<typeof MeResponse>;
/** One role a person holds, with its area or institution. */
export type Grant = Me['roles'][number];
/** An institution's record as the directory gives it. */
export type InstitutionRecord = Static<typeof Institution>;
/** One administrative area. */
export type AreaRecord = Static<typeof Area>;
/** One entry of the audit log. */
export type AuditRecord = Static<typeof AuditEntry>;
/** The country pack: levels, grades, subjects, scales, calendar. */
export type CountryPackRecord = Static<typeof CountryPack>;
// Roles, languages and the home summaries exactly as the server defines them.
export type { Role, Locale };
export type {
  AdminSummary,
  AreaDay,
  BureauSummary,
  DirectorDay,
  ParentSummary,
  StudentSummary,
  TeacherSummary,
} from '@/modules/home/home.schema';

/** One invalid field, as the server reports it. */
export interface FieldProblem {
  field: string;
  reason: string;
  message: string;
}

/**
 * A failed request. `message` is ready to show: the server's translated text, or, when the server could not
 * be reached, an empty string with `code` 'network' for the page to translate itself.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldProblem[] = [],
    /** For 409 `stale_version`: both versions of the record, what was sent and what is saved now. */
    readonly versions?: { yours: unknown; current: unknown },
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
let language: Locale = 'az';
let onUnauthenticated: () => void = () => {};

/** The headers a change sent outside `api()` needs (the speed test's upload of raw bytes). */
export function changeHeaders(): Record<string, string> {
  return csrfToken
    ? { 'x-csrf-token': csrfToken, 'accept-language': language }
    : { 'accept-language': language };
}

/** Remembers the session's CSRF token (from sign-in or /api/me); null after sign-out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Sets the language sent as Accept-Language. */
export function setApiLanguage(locale: Locale): void {
  language = locale;
}

/** Registers what to do when the server says the session is gone, so every page falls back to sign-in. */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function isErrorBody(body: unknown): body is { error: { code: string; message: string; details?: unknown } } {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = body.error;
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
}

/** Calls the API and returns its JSON; throws ApiError for any failure. */
export async function api<T>(
  path: string,
  options: { method?: string; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': language };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (UNSAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`/api${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', '');
  }
  const body: unknown = response.status === 204 ? null : await response.json().catch(() => null);
  if (response.ok) return body as T;
  if (isErrorBody(body)) {
    const details = Array.isArray(body.error.details) ? (body.error.details as FieldProblem[]) : [];
    if (response.status === 401 && path !== '/auth/login' && path !== '/me') onUnauthenticated();
    const d = body.error.details;
    const versions =
      body.error.code === 'stale_version' && typeof d === 'object' && d !== null && 'current' in d
        ? (d as { yours: unknown; current: unknown })
        : undefined;
    throw new ApiError(response.status, body.error.code, body.error.message, details, versions);
  }
  throw new ApiError(response.status, 'unknown', '');
}

/**
 * Sends a file as the raw body of a POST (or a PUT; the server tells its kind from its bytes) and returns the JSON
 * answer; throws ApiError as `api()` does, with the error's `details` as the server sent them.
 */
export async function upload<T>(path: string, file: Blob, method: 'POST' | 'PUT' = 'POST'): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api${path}`, {
      method,
      headers: { ...changeHeaders(), 'content-type': 'application/octet-stream', accept: 'application/json' },
      body: file,
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network', '');
  }
  const body = (await response.json().catch(() => null)) as
    (T & { error?: { code: string; message: string; details?: unknown } }) | null;
  if (response.ok && body) return body;
  if (response.status === 401) onUnauthenticated();
  const details = Array.isArray(body?.error?.details) ? (body.error.details as FieldProblem[]) : [];
  throw new ApiError(response.status, body?.error?.code ?? 'unknown', body?.error?.message ?? '', details);
}

/** A school's ICT record for one academic year. */
export type RegistryRecord = Static<typeof SchoolYearRecord>;
/** What a school sends to save its year's record. */
export type RegistryInput = Static<typeof SchoolYearBody>;
/** A school's measured connectivity: status, weekly medians, latest measurements. */
export type ConnectivityRecord = Static<typeof Connectivity>;
/** One device item. */
export type DeviceRecord = Static<typeof Device>;
/** One entry of a device's history. */
export type DeviceEventRecord = Static<typeof DeviceEvent>;
/** A digital project schools take part in. */
export type ProjectRecord = Static<typeof Project>;
/** A year's schools with the state of their record, for review. */
export type SchoolStateListRecord = Static<typeof SchoolStateList>;
/** An academic year. */
export type AcademicYearRecord = Static<typeof AcademicYear>;
