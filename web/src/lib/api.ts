import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from '../../../src/api-client/schema.gen.ts';

export type Schemas = components['schemas'];
export type Contact = Schemas['Contact'];

/** A problem+json answer, as every API error is (RFC 9457). */
export type Problem = {
  type?: string;
  title?: string;
  status: number;
  code: string;
  detail?: string;
  requestId?: string;
  errors?: { pointer: string; code: string; message: string }[];
  [k: string]: unknown;
};

let csrfToken: string | undefined;
let onUnauthenticated: (() => void) | undefined;

/** The session's CSRF token, sent as `X-CSRF-Token` on every unsafe request. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when any API call answers 401: the session expired or was signed out elsewhere. */
export function onSessionLost(handler: (() => void) | undefined): void {
  onUnauthenticated = handler;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

const session: Middleware = {
  onRequest({ request }) {
    if (!SAFE.has(request.method) && csrfToken) request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && !new URL(request.url).pathname.startsWith('/v1/auth/')) onUnauthenticated?.();
    return response;
  },
};

/** The typed client of the API (same origin, the session cookie rides along). */
export const api = createClient<paths>({ baseUrl: window.location.origin, credentials: 'same-origin' });
api.use(session);

/** Turns an `{ error }` answer into a thrown Problem, so TanStack Query sees a failure. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? problem.code);
  }
}

export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || result.data === undefined) {
    const p = (result.error ?? {}) as Partial<Problem>;
    throw new ApiError({ status: result.response.status, code: p.code ?? 'unknown_error', ...p } as Problem);
  }
  return result.data;
}

export type FieldError = { code: string; message: string };

/** Field errors of a problem, by JSON pointer (`/email` → its first error). */
export function fieldErrors(err: unknown): Record<string, FieldError> {
  if (!(err instanceof ApiError)) return {};
  const out: Record<string, FieldError> = {};
  for (const e of err.problem.errors ?? []) out[e.pointer] ??= { code: e.code, message: e.message };
  return out;
}

/** A fresh idempotency key for each send, so a retry or double click never sends twice. */
export const idempotencyKey = (): string => crypto.randomUUID();
