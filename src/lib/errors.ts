/** A field at fault, as a JSON pointer into the request (RFC 6901), with its own stable code. */
export type FieldError = { pointer: string; code: string; message: string };

/**
 * The one error type of the domain. `code` is stable and machine-readable; the HTTP layer maps
 * it to a status through `statusOf`, so services never think in HTTP.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly options: { errors?: FieldError[]; extra?: Record<string, unknown>; status?: number } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
  get errors(): FieldError[] | undefined {
    return this.options.errors;
  }
  get extra(): Record<string, unknown> | undefined {
    return this.options.extra;
  }
}

/** Code → HTTP status. Anything not listed is a 422 (valid JSON that breaks a rule). */
const STATUS_BY_CODE: Record<string, number> = {
  malformed_json: 400,
  malformed_multipart: 400,
  invalid_cursor: 400,
  invalid_idempotency_key: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  route_not_found: 404,
  contact_identifier_taken: 409,
  idempotency_key_in_use: 409,
  conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid_header: 400,
  validation_failed: 422,
  idempotency_key_reused: 422,
  precondition_required: 428,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
};

export const statusOf = (err: AppError): number => err.options.status ?? STATUS_BY_CODE[err.code] ?? 422;

export const notFound = (what: string, id?: string): AppError =>
  new AppError('not_found', id ? `${what} ${id} was not found` : `${what} was not found`, { extra: { resource: what } });

export const forbidden = (message = 'Your role does not allow this action'): AppError =>
  new AppError('forbidden', message);

/** At most this many field errors travel in one problem; the rest are counted (`errorsOmitted`). */
export const MAX_FIELD_ERRORS = 100;

/**
 * A short human summary of field errors: the first three, then how many more. Never thousands of
 * messages concatenated (a 20,000-condition filter once answered a 2.7 MB `detail`).
 */
export function summariseFieldErrors(errors: FieldError[]): string {
  const shown = errors.slice(0, 3).map((e) => `${e.pointer}: ${e.message}`);
  const rest = errors.length - shown.length;
  return rest > 0 ? `${shown.join('; ')}; and ${rest} more` : shown.join('; ');
}

export const validationFailed = (errors: FieldError[], message?: string): AppError =>
  new AppError('validation_failed', message ?? summariseFieldErrors(errors), {
    errors,
  });

export const fieldError = (pointer: string, code: string, message: string): AppError =>
  validationFailed([{ pointer, code, message }]);
