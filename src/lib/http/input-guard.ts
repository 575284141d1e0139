import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, validationFailed, type FieldError } from '../errors.ts';

/** Deepest nesting any request accepts (R06: JSON nesting depth ≤ 32). Filters have their own, lower bound. */
export const INPUT_MAX_DEPTH = 32;
/** Most values (objects, arrays, strings, numbers…) one request may carry; the largest legitimate body is far below. */
export const INPUT_MAX_NODES = 20_000;
/** Stop collecting character errors here (the problem lists 100) and only count the rest. */
const MAX_REPORTED = 100;

/** Headers the app reads whose value could travel on to the database or a log. */
const READ_HEADERS = ['idempotency-key', 'if-match', 'content-type', 'x-request-id'];

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const escapePointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Why a string cannot be stored: NUL (PostgreSQL text refuses it) or a lone UTF-16 surrogate
 * (the driver would silently turn it into U+FFFD, so what is read back is not what was sent).
 */
export function unstorableReason(s: string): string | undefined {
  if (s.includes('\u0000')) return 'must not contain the NUL character (\\u0000)';
  if (LONE_SURROGATE.test(s)) return 'must not contain a lone UTF-16 surrogate';
  return undefined;
}

type Outcome = { errors: FieldError[]; omitted: number; tooDeep?: string; tooMany?: boolean };

/**
 * Walks a parsed input once, iteratively (a hostile depth cannot overflow the stack), before any
 * schema recurses into it. Stops at the first node past the depth bound or the node bound.
 */
export function inspectInput(root: unknown, prefix: string): Outcome {
  const out: Outcome = { errors: [], omitted: 0 };
  const report = (pointer: string, message: string) => {
    if (out.errors.length < MAX_REPORTED) out.errors.push({ pointer: pointer || '/', code: 'invalid_characters', message });
    else out.omitted++;
  };
  const stack: [value: unknown, pointer: string, depth: number][] = [[root, prefix, 0]];
  let nodes = 0;
  while (stack.length) {
    const [value, pointer, depth] = stack.pop()!;
    if (++nodes > INPUT_MAX_NODES) {
      out.tooMany = true;
      return out;
    }
    if (typeof value === 'string') {
      const why = unstorableReason(value);
      if (why) report(pointer, why);
      continue;
    }
    if (!value || typeof value !== 'object') continue;
    if (depth >= INPUT_MAX_DEPTH) {
      out.tooDeep = pointer || '/';
      return out;
    }
    const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      const childPointer = `${pointer}/${escapePointer(key)}`;
      if (!Array.isArray(value)) {
        const why = unstorableReason(key);
        if (why) report(childPointer, `the member name ${why}`);
      }
      stack.push([child, childPointer, depth + 1]);
    }
  }
  return out;
}

function refuse(outcome: Outcome): void {
  if (outcome.tooMany) {
    throw new AppError('payload_too_large', `The request carries more than ${INPUT_MAX_NODES} values`, {
      extra: { maxValues: INPUT_MAX_NODES },
    });
  }
  if (outcome.tooDeep) {
    throw validationFailed([{ pointer: outcome.tooDeep, code: 'too_deep', message: `input nests at most ${INPUT_MAX_DEPTH} levels` }]);
  }
  if (outcome.errors.length) {
    const err = validationFailed(outcome.errors);
    throw outcome.omitted ? new AppError(err.code, err.message, { errors: err.errors, extra: { errorsOmitted: outcome.omitted } }) : err;
  }
}

/** Header values with a control character other than tab are not valid HTTP (RFC 9110 §5.5). */
function checkHeaders(request: FastifyRequest): void {
  for (const name of READ_HEADERS) {
    const raw = request.headers[name];
    if (raw === undefined) continue;
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      // eslint-disable-next-line no-control-regex -- finding control characters is the point
      if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value) || LONE_SURROGATE.test(value)) {
        throw new AppError('invalid_header', `The ${name} header holds a control character`, {
          status: 400,
          errors: [{ pointer: `/headers/${name}`, code: 'invalid_characters', message: 'control characters are not allowed in a header value' }],
        });
      }
    }
  }
}

/** Checks one request's params, query and body; throws the problem to answer, if any. */
export function guardRequest(request: FastifyRequest): void {
  checkHeaders(request);
  const parts: [unknown, string][] = [
    [request.params, '/params'],
    [request.query, '/query'],
    [request.body, ''],
  ];
  const all: Outcome = { errors: [], omitted: 0 };
  for (const [value, prefix] of parts) {
    if (value === undefined || value === null) continue;
    const outcome = inspectInput(value, prefix);
    if (outcome.tooMany || outcome.tooDeep) refuse(outcome);
    const room = MAX_REPORTED - all.errors.length;
    all.errors.push(...outcome.errors.slice(0, room));
    all.omitted += outcome.omitted + Math.max(0, outcome.errors.length - room);
  }
  refuse(all);
}

/**
 * Registers the guard before schema validation on every route: NUL and lone surrogates anywhere
 * → 422 `invalid_characters` with the field's pointer; nesting past 32 levels → 422 `too_deep`;
 * more than 20,000 values → 413. Zod never recurses into what the guard refused.
 */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => guardRequest(request));
}
