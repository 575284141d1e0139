import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, MAX_FIELD_ERRORS, statusOf, summariseFieldErrors, type FieldError } from '../errors.ts';
import { sqlStateOf } from '../pg-errors.ts';

const TITLES: Record<string, string> = {
  validation_failed: 'The request breaks a rule',
  malformed_json: 'The body is not valid JSON',
  unauthenticated: 'Missing or invalid credentials',
  forbidden: 'Not allowed for your role',
  not_found: 'Not found',
  route_not_found: 'No such endpoint',
  contact_identifier_taken: 'Identifier already in use',
  precondition_failed: 'The resource changed since you read it',
  precondition_required: 'If-Match is required',
  payload_too_large: 'Request body too large',
  unsupported_media_type: 'Unsupported content type',
  invalid_header: 'A header value is not valid',
  idempotency_key_reused: 'Idempotency-Key reused with a different request',
  idempotency_key_in_use: 'A request with this Idempotency-Key is still running',
  internal_error: 'Something went wrong on our side',
};

const titleOf = (code: string): string =>
  TITLES[code] ?? code.charAt(0).toUpperCase() + code.slice(1).replace(/_/g, ' ');

/** Fields the server owns for any resource: writing one is "read only", not "unknown". */
const READ_ONLY_FIELDS = new Set(['id', 'createdAt', 'updatedAt', 'version', 'source', 'sourceDetail', 'deletedAt', 'mergedIntoId', 'crmLinks', 'workspaceId']);

type ZodIssueLike = { keyword: string; instancePath: string; message: string; params: Record<string, unknown> };

function zodIssuesToFieldErrors(issues: ZodIssueLike[], location: string): FieldError[] {
  const prefix = location === 'body' ? '' : `/${location === 'querystring' ? 'query' : location}`;
  const out: FieldError[] = [];
  for (const issue of issues) {
    const path = issue.instancePath === '/' ? '' : issue.instancePath;
    if (issue.keyword === 'unrecognized_keys') {
      for (const key of (issue.params.keys as string[]) ?? []) {
        const readOnly = READ_ONLY_FIELDS.has(key);
        out.push({
          pointer: `${prefix}${path}/${key}`,
          code: readOnly ? 'read_only_field' : 'unknown_field',
          message: readOnly ? `${key} is set by the server and cannot be written` : `${key} is not a field of this resource`,
        });
      }
      continue;
    }
    const custom = (issue.params.params as { code?: string } | undefined)?.code;
    const code = custom ?? (
      { invalid_type: 'invalid_type', too_big: 'too_big', too_small: 'too_small', invalid_value: 'invalid_value', invalid_format: 'invalid_format' } as Record<string, string>
    )[issue.keyword] ?? 'invalid';
    out.push({ pointer: `${prefix}${path}` || '/', code, message: issue.message });
  }
  return out;
}

/** Every error leaves as RFC 9457 problem+json with a stable code; 5xx never shows internals. */
export function problemHandler(err: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply) {
  let appError: AppError;
  if (err instanceof AppError) {
    appError = err;
  } else if (hasZodFastifySchemaValidationErrors(err)) {
    const location = (err as FastifyError).validationContext ?? 'body';
    const errors = zodIssuesToFieldErrors(err.validation as unknown as ZodIssueLike[], location);
    appError = new AppError('validation_failed', summariseFieldErrors(errors), { errors, status: location === 'body' ? 422 : 400 });
  } else if (isInputSqlState(sqlStateOf(err))) {
    // Last wall, not the fix: a value the schemas should have refused reached PostgreSQL. The
    // client gets a 422; the log says which check is missing (found by the fuzz test, fixed at its cause).
    request.log.error({ err, sqlState: sqlStateOf(err) }, 'input reached the database unchecked');
    appError = new AppError('unprocessable_value', 'A value in the request cannot be stored', { status: 422 });
  } else {
    appError = fromFastifyError(err as FastifyError);
  }
  const status = statusOf(appError);
  if (status >= 500) request.log.error({ err }, 'request failed');
  const allErrors = appError.errors;
  const errorsOmitted = (allErrors ? Math.max(0, allErrors.length - MAX_FIELD_ERRORS) : 0) + Number(appError.extra?.errorsOmitted ?? 0);
  const body = {
    type: `/problems/${appError.code}`,
    title: titleOf(appError.code),
    status,
    code: appError.code,
    // Bounded: a message that quotes input never turns the answer into megabytes.
    detail: status >= 500 ? 'An unexpected error occurred. Quote the request id when reporting it.' : appError.message.slice(0, 2000),
    instance: request.url.split('?')[0],
    ...(status >= 500 ? {} : appError.extra),
    ...(allErrors ? { errors: allErrors.slice(0, MAX_FIELD_ERRORS).map(boundedFieldError) } : {}),
    ...(errorsOmitted > 0 ? { errorsOmitted } : {}),
    requestId: request.id,
  };
  if (appError.code === 'precondition_failed' && appError.extra?.etag) reply.header('etag', String(appError.extra.etag));
  if (status === 503) reply.header('retry-after', '5');
  return reply.status(status).type('application/problem+json').send(body);
}

/** A field error as it travels: its text and pointer cut short, since either may quote the input. */
function boundedFieldError(e: FieldError): FieldError {
  const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);
  return { ...e, pointer: clip(e.pointer, 500), message: clip(e.message, 500) };
}

/**
 * SQLSTATEs only a bad value can cause: class 22 (data exception: 22P02 invalid text, 22021 bad
 * encoding, 22003 out of range, 22008 datetime overflow…) and 54000/54001 (too large, too complex).
 */
const isInputSqlState = (state: string | undefined): boolean => !!state && (state.startsWith('22') || state === '54000' || state === '54001');

function fromFastifyError(err: FastifyError): AppError {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'The request body is larger than the limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', 'Send JSON with Content-Type: application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('malformed_json', 'The body is empty but Content-Type says JSON', { status: 400 });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('malformed_json', 'The body is not valid JSON', { status: 400 });
    case 'FST_ERR_BAD_URL':
      return new AppError('invalid_url', 'The path is not valid percent-encoded UTF-8', { status: 400 });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new AppError('invalid_url', 'A path segment is longer than any id', { status: 400 });
  }
  if (err.statusCode === 400) {
    // JSON parse failures (including prototype-poisoning attempts) arrive as plain 400s.
    return new AppError('malformed_json', 'The body is not valid JSON', { status: 400 });
  }
  if (err.statusCode === 413) return new AppError('payload_too_large', 'The request body is larger than the limit');
  if (err.statusCode === 415) return new AppError('unsupported_media_type', 'Send JSON with Content-Type: application/json');
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new AppError('bad_request', err.message, { status: err.statusCode });
  }
  return new AppError('internal_error', 'internal error', { status: 500 });
}
