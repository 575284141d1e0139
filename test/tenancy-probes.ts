/** What a tenancy probe is, and the helpers every fixture file builds probes with. */
import type { Seeded } from './tenancy-seed.ts';

/**
 * What one request sent as workspace A must answer.
 * - `notFound`: exactly 404, a problem with code `not_found`: the route addresses B's object by id,
 *   and another workspace's object must look like one that does not exist (never 403).
 * - `status` (+ `code`): the exact refusal or success the API defines for this probe: e.g. a 422
 *   when A names B's user in a field, a 201 when A reuses an identifier B holds (uniqueness is per
 *   workspace, and a 409 would tell A that B has it), a 400 for B's cursor.
 * - `mustInclude`: ids of A's own objects the 2xx answer must show, so an empty answer cannot pass
 *   a list check by accident.
 * - `check`: one more assertion on the body (returns the problem, or null).
 * Every answer, whatever its status, must hold neither B's canary nor an id of B's objects that
 * the request did not itself send.
 */
export type Probe = {
  method?: string;
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  file?: { name: string; type: string; content: Buffer };
  notFound?: true;
  status?: number;
  code?: string;
  mustInclude?: string[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
  check?: (body: any) => string | null;
};

export type Fixture = { why: string; probes: (a: Seeded, b: Seeded) => Probe[] };

export const nf = (url: string, body?: unknown, method?: string): Probe => ({ url, body, method, notFound: true });
export const list = (url: string, mustInclude: string[] = []): Probe => ({ url, status: 200, mustInclude });

export const BY_ID = 'Addressed by B\'s id: must look exactly like an id that does not exist (404 not_found), so A learns nothing and changes nothing.';
export const SUB_LIST = 'A list under B\'s contact: the contact must be a 404, not an empty list (which would confirm it exists).';
export const SUB_CREATE = 'Creates an element on B\'s contact: 404 for the contact, and no row written to B.';
export const DOCS = 'API documentation (Swagger UI and its assets): no tenant data; checked only to hold none of B\'s.';
export const docs = (url: string, status = 200): Fixture => ({ why: DOCS, probes: () => [{ url, status }] });

export const pointer = (expected: string) => (body: { errors?: { pointer: string }[] }) =>
  body.errors?.some((e) => e.pointer === expected) ? null : `expected an error at ${expected}, got ${JSON.stringify(body.errors)}`;

/** B's id in a field of A's request: a 422 that points at that field (the API's rule for ids in bodies). */
export const refused = (url: string, body: unknown, at: string): Probe => ({ url, body, status: 422, code: 'validation_failed', check: pointer(at) });

export const jobCheck = (total: number, failed: number, code = 'not_found') => (body: { progress?: { total: number; failed: number; done: number }; result?: { failures: { code: string }[] } | null }) => {
  const p = body.progress;
  if (!p || p.total !== total || p.failed !== failed) return `expected progress total ${total}, failed ${failed}; got ${JSON.stringify(p)}`;
  const codes = (body.result?.failures ?? []).map((f) => f.code);
  return codes.every((c) => c === code) ? null : `failures other than ${code}: ${codes.join(',')}`;
};
