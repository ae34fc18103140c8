import { Stream } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { defineMessages, translate, type Locale } from '@/server/i18n';
import { MAX_YEAR, MIN_YEAR } from '@/server/schema';

/** One invalid field of a request: where it is, and why it was refused. */
export interface FieldProblem {
  field: string;
  reason: string;
  message: string;
}

/** An error a user can act on: an HTTP status, a stable code, and parameters for its translated message. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly params: Record<string, unknown> = {},
    readonly details?: unknown,
  ) {
    super(code);
    this.name = 'AppError';
  }
}

export const notFound = (what = 'resource'): AppError => new AppError(404, 'not_found', { what });
export const forbidden = (): AppError => new AppError(403, 'forbidden');
export const conflict = (code: string, params: Record<string, unknown> = {}): AppError =>
  new AppError(409, code, params);

defineMessages({
  en: {
    not_found: 'Not found.',
    route_not_found: 'There is no such address: {method} {url}.',
    forbidden: 'You do not have access to this.',
    unauthenticated: 'Please sign in.',
    validation_failed: 'Some fields are not valid.',
    invalid_json: 'The request body is not valid JSON.',
    unsupported_media_type: 'This content type is not accepted: {type}.',
    payload_too_large: 'The request is too large.',
    bad_request: 'The request is not valid.',
    internal: 'Something went wrong on our side. The error was logged.',
    too_many_requests: 'Too many attempts. Try again in {minutes} min.',
    csrf: 'The page is out of date. Reload it and try again.',
    concurrent_change:
      'Someone else changed the same thing at the same moment. Reload the page and try again.',
    'reason.required': 'is required',
    'reason.type': 'must be {type}',
    'reason.minLength': 'must be at least {limit} characters long',
    'reason.maxLength': 'must be at most {limit} characters long',
    'reason.minimum': 'must be at least {limit}',
    'reason.maximum': 'must be at most {limit}',
    'reason.enum': 'must be one of: {values}',
    'reason.format': 'must be a valid {format}',
    'reason.pattern': 'has the wrong format',
    'reason.additionalProperties': 'is not a known field',
    'reason.minItems': 'must have at least {limit} items',
    'reason.maxItems': 'must have at most {limit} items',
    'reason.invalid': 'is not valid',
    'reason.characters': 'contains a character that cannot be stored (a NUL or a broken character)',
    'reason.dateRange': 'must be a date in the years {from}–{to}',
  },
  az: {
    not_found: 'Tapılmadı.',
    route_not_found: 'Belə ünvan yoxdur: {method} {url}.',
    forbidden: 'Buna girişiniz yoxdur.',
    unauthenticated: 'Zəhmət olmasa daxil olun.',
    validation_failed: 'Bəzi sahələr düzgün deyil.',
    invalid_json: 'Sorğunun mətni düzgün JSON deyil.',
    unsupported_media_type: 'Bu məzmun növü qəbul edilmir: {type}.',
    payload_too_large: 'Sorğu çox böyükdür.',
    bad_request: 'Sorğu düzgün deyil.',
    internal: 'Bizim tərəfdə xəta baş verdi. Xəta qeydə alındı.',
    too_many_requests: 'Həddindən çox cəhd. {minutes} dəq. sonra yenidən yoxlayın.',
    csrf: 'Səhifə köhnəlib. Onu yeniləyin və yenidən cəhd edin.',
    concurrent_change: 'Eyni anda başqası da eyni şeyi dəyişdi. Səhifəni yeniləyin və yenidən cəhd edin.',
    'reason.required': 'mütləqdir',
    'reason.type': '{type} olmalıdır',
    'reason.minLength': 'ən azı {limit} simvol olmalıdır',
    'reason.maxLength': 'ən çoxu {limit} simvol olmalıdır',
    'reason.minimum': 'ən azı {limit} olmalıdır',
    'reason.maximum': 'ən çoxu {limit} olmalıdır',
    'reason.enum': 'bunlardan biri olmalıdır: {values}',
    'reason.format': 'düzgün {format} olmalıdır',
    'reason.pattern': 'formatı səhvdir',
    'reason.additionalProperties': 'naməlum sahədir',
    'reason.minItems': 'ən azı {limit} element olmalıdır',
    'reason.maxItems': 'ən çoxu {limit} element olmalıdır',
    'reason.invalid': 'düzgün deyil',
    'reason.characters': 'saxlanıla bilməyən simvol var (NUL və ya zədələnmiş simvol)',
    'reason.dateRange': '{from} və {to} illəri arasında tarix olmalıdır',
  },
  ru: {
    not_found: 'Не найдено.',
    route_not_found: 'Такого адреса нет: {method} {url}.',
    forbidden: 'У вас нет доступа к этому.',
    unauthenticated: 'Пожалуйста, войдите.',
    validation_failed: 'Некоторые поля заполнены неверно.',
    invalid_json: 'Тело запроса — не корректный JSON.',
    unsupported_media_type: 'Этот тип содержимого не принимается: {type}.',
    payload_too_large: 'Запрос слишком большой.',
    bad_request: 'Запрос некорректен.',
    internal: 'На нашей стороне произошла ошибка. Она записана в журнал.',
    too_many_requests: 'Слишком много попыток. Повторите через {minutes} мин.',
    csrf: 'Страница устарела. Обновите её и повторите.',
    concurrent_change: 'Кто-то другой изменил то же самое в тот же момент. Обновите страницу и повторите.',
    'reason.required': 'обязательно',
    'reason.type': 'должно быть типа {type}',
    'reason.minLength': 'должно быть не короче {limit} символов',
    'reason.maxLength': 'должно быть не длиннее {limit} символов',
    'reason.minimum': 'должно быть не меньше {limit}',
    'reason.maximum': 'должно быть не больше {limit}',
    'reason.enum': 'должно быть одним из: {values}',
    'reason.format': 'должно быть корректным значением формата {format}',
    'reason.pattern': 'имеет неверный формат',
    'reason.additionalProperties': 'неизвестное поле',
    'reason.minItems': 'должно содержать не меньше {limit} элементов',
    'reason.maxItems': 'должно содержать не больше {limit} элементов',
    'reason.invalid': 'некорректно',
    'reason.characters': 'содержит символ, который нельзя сохранить (NUL или повреждённый символ)',
    'reason.dateRange': 'должно быть датой в пределах {from}–{to} гг.',
  },
});

/** The keywords that bound a date (ajv-formats'). */
const DATE_BOUNDS = new Set(['formatMinimum', 'formatMaximum']);

interface AjvIssue {
  instancePath?: string;
  keyword: string;
  params: Record<string, unknown>;
}

function fieldProblems(issues: AjvIssue[], context: string | undefined, locale: Locale): FieldProblem[] {
  return issues.map((issue) => {
    const segments = (issue.instancePath ?? '').split('/').filter(Boolean);
    if (issue.keyword === 'required' && typeof issue.params.missingProperty === 'string') {
      segments.push(issue.params.missingProperty);
    }
    if (issue.keyword === 'additionalProperties' && typeof issue.params.additionalProperty === 'string') {
      segments.push(issue.params.additionalProperty);
    }
    const field = segments.join('.') || (context ?? 'body');
    // A date's bounds (`DateString`, `DateTimeString`) are told as the years allowed.
    const keyword = DATE_BOUNDS.has(issue.keyword) ? 'dateRange' : issue.keyword;
    const known = `reason.${keyword}`;
    const reason = translate('en', known) === known ? 'invalid' : keyword;
    const params = {
      ...issue.params,
      from: String(MIN_YEAR),
      to: String(MAX_YEAR),
      values: Array.isArray(issue.params.allowedValues) ? issue.params.allowedValues.join(', ') : '',
    };
    return { field, reason, message: `${field}: ${translate(locale, `reason.${reason}`, params)}` };
  });
}

/** Sends the one error shape: `{"error":{"code","message","details"}}`, the message in the caller's language. */
export function sendError(
  reply: FastifyReply,
  status: number,
  code: string,
  params: Record<string, unknown> = {},
  details?: unknown,
): FastifyReply {
  const locale = reply.request.locale;
  return reply.status(status).send({ error: { code, message: translate(locale, code, params), details } });
}

/**
 * The database's refusals that mean "two writers met": a unique key taken (23505), a serialisation failure
 * (40001), a deadlock (40P01). Checks in the services come first; this is what stays when two requests pass
 * them at the same moment. The code is the driver's own (node-postgres, PGlite) or its cause's (Drizzle wraps).
 */
const CONCURRENT_CODES = new Set(['23505', '40001', '40P01']);
/** Whether an error (or its cause) is one of those refusals. */
export function isConcurrentConflict(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && CONCURRENT_CODES.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Installs the error and not-found handlers so that every failure leaves in the one error shape. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) =>
    sendError(reply, 404, 'route_not_found', { method: request.method, url: request.url.split('?')[0] }),
  );
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      if ((error.status === 429 || error.status === 503) && typeof error.params.retryAfter === 'number') {
        void reply.header('retry-after', String(error.params.retryAfter));
      }
      return sendError(reply, error.status, error.code, error.params, error.details);
    }
    if (error.validation) {
      const details = fieldProblems(error.validation, error.validationContext, request.locale);
      return sendError(reply, 400, 'validation_failed', {}, details);
    }
    if (isConcurrentConflict(error)) {
      request.log.warn({ err: error }, 'concurrent change refused');
      return sendError(reply, 409, 'concurrent_change');
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return sendError(reply, 500, 'internal');
    }
    switch (error.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendError(reply, 400, 'invalid_json');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendError(reply, 415, 'unsupported_media_type', {
          type: request.headers['content-type'] ?? '',
        });
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendError(reply, 413, 'payload_too_large');
      default:
        return sendError(reply, status, status === 404 ? 'not_found' : 'bad_request');
    }
  });
}

/**
 * Whether a value is parsed data (objects, arrays), to walk. Anything else — a raw body stream
 * such as a tus upload's, whose object graph reaches the whole server — is not data and is not walked.
 */
function isPlainData(value: unknown): value is object {
  return value !== null && typeof value === 'object' && !Buffer.isBuffer(value) && !(value instanceof Stream);
}

/** Where a request holds a number that is not finite, as validation issues. */
function nonFiniteNumbers(value: unknown, path: string, issues: AjvIssue[], depth = 0): void {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    issues.push({ instancePath: path, keyword: 'type', params: { type: 'number' } });
  } else if (isPlainData(value) && depth < 32) {
    for (const [key, item] of Object.entries(value))
      nonFiniteNumbers(item, `${path}/${key}`, issues, depth + 1);
  }
}

/**
 * Characters PostgreSQL cannot store in text: NUL, and a UTF-16 surrogate without its pair (not a
 * character at all). Both would fail deep in a query as a 500; they are refused at the edge instead.
 */
// eslint-disable-next-line no-control-regex -- NUL is what it looks for
export const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Where a request holds a string (or a key) PostgreSQL cannot store, as validation issues. */
function unstorableStrings(value: unknown, path: string, issues: AjvIssue[], depth = 0): void {
  if (typeof value === 'string') {
    if (UNSTORABLE.test(value)) issues.push({ instancePath: path, keyword: 'characters', params: {} });
  } else if (isPlainData(value) && depth < 32) {
    for (const [key, item] of Object.entries(value)) {
      if (UNSTORABLE.test(key)) {
        // The field is named with its bad characters shown as U+FFFD, so that the answer itself is storable.
        const shown = key.replace(new RegExp(UNSTORABLE.source, 'g'), '\uFFFD');
        issues.push({ instancePath: `${path}/${shown}`, keyword: 'characters', params: {} });
      } else unstorableStrings(item, `${path}/${key}`, issues, depth + 1);
    }
  }
}

/**
 * Refuses numbers that are not finite. Ajv's type coercion turns "Infinity" or "1e400" into a number and then
 * skips the bounds checks for it; JSON.parse makes Infinity of 1e400 too. This runs after validation and
 * before any scope check or handler, so no such number reaches a query; nor does a string PostgreSQL cannot
 * store (`UNSTORABLE`), which is refused the same way, naming its field.
 */
export function installNumberGuard(app: FastifyInstance): void {
  app.addHook('preHandler', async (request) => {
    const parts = { params: request.params, querystring: request.query, body: request.body };
    for (const [context, value] of Object.entries(parts)) {
      const issues: AjvIssue[] = [];
      nonFiniteNumbers(value, '', issues);
      unstorableStrings(value, '', issues);
      if (issues.length) {
        throw new AppError(400, 'validation_failed', {}, fieldProblems(issues, context, request.locale));
      }
    }
  });
}
