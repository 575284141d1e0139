import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * Logs hold no secrets and no customer data (R38, ASVS 16.2.5): they are read by more people,
 * kept longer and shipped further than the database.
 *
 * - Credentials never: `Authorization`, cookies, the CLI bridge token, and any field named like
 *   a key, secret, hash, password or token, wherever it is logged.
 * - Idempotency keys are logged: they are client-chosen request ids, useless without the API key
 *   they are scoped to, and they are what an integrator quotes when asking about a retry.
 * - Errors are logged by type, code and constraint, not by content: no SQL text (it can carry
 *   inlined values), no parameters, no PostgreSQL `detail` (`Key (email)=(x@y.com) already
 *   exists`, `Failing row contains (…)`), no `where`/`hint`, and quoted values are cut out of
 *   messages (`invalid input syntax for type uuid: "…"`).
 * - Requests are logged by method and path; query-string values (search terms, emails, phones)
 *   are replaced, their names kept. Bodies are never logged.
 */
const SECRET_FIELDS = ['authorization', 'cookie', 'apiKey', 'secret', 'secretHash', 'secret_hash', 'password', 'token'];
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-vixiees-cli-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
];

/** Error fields that name what failed without repeating what was sent. */
const SAFE_ERROR_FIELDS = ['code', 'severity', 'constraint', 'table', 'column', 'schema', 'dataType', 'routine', 'statusCode', 'validationContext'];
const MAX_MESSAGE = 300;

/** A message with the values cut out: PostgreSQL quotes them after a colon; Drizzle appends SQL and params. */
function scrubMessage(message: unknown): string {
  const text = typeof message === 'string' ? message : '';
  if (text.startsWith('Failed query:')) return 'Failed query (SQL text and parameters are not logged)';
  return text
    .replace(/:\s*".*"/gs, ': "[redacted]"')
    .replace(/\(.*?\)=\(.*?\)/gs, '(…)=([redacted])')
    .slice(0, MAX_MESSAGE);
}

type SafeError = { type: string; message: string; stack?: string; cause?: SafeError } & Record<string, unknown>;

/** The `err` serializer: what failed and where in our code, never the data it failed on. */
export function serializeError(err: unknown, depth = 0): SafeError | unknown {
  if (typeof err !== 'object' || err === null) return err;
  const e = err as Record<string, unknown> & { constructor?: { name?: string } };
  const type = e.constructor?.name ?? 'Error';
  const message = scrubMessage(e.message);
  const out: SafeError = { type, message };
  for (const field of SAFE_ERROR_FIELDS) {
    const value = e[field];
    if (typeof value === 'string' || typeof value === 'number') out[field] = typeof value === 'string' ? value.slice(0, 100) : value;
  }
  // The stack's first line repeats the raw message; keep only the frames.
  if (typeof e.stack === 'string') {
    const frames = e.stack.indexOf('\n    at ');
    out.stack = `${type}: ${message}${frames >= 0 ? e.stack.slice(frames) : ''}`;
  }
  if (e.cause !== undefined && depth < 3) out.cause = serializeError(e.cause, depth + 1) as SafeError;
  return out;
}

/** Path with the query-string values replaced (`/v1/contacts?q=[redacted]&limit=[redacted]`). */
export function safeUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const names = url
    .slice(q + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => `${pair.split('=')[0]!.slice(0, 64)}=[redacted]`);
  return `${url.slice(0, q)}?${names.join('&')}`;
}

type LoggedRequest = { method?: string; url?: string; ip?: string; id?: string; headers?: Record<string, unknown> };

const serializers = {
  err: serializeError,
  error: serializeError,
  req: (req: LoggedRequest) => ({
    method: req.method,
    url: safeUrl(String(req.url ?? '')),
    remoteAddress: req.ip,
  }),
  res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
};

/** The one logger configuration: the server, the workers and the HTTP app all use it. */
export function loggerOptions(level: string): LoggerOptions {
  return { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, serializers };
}

/**
 * A logger with the options above, writing to `destination`; by default to stdout without
 * blocking: pino's default writes each line with a synchronous `write(2)` on the request's path
 * (the per-request line was 6.6 s of 102 s of server CPU samples in the read-path profile), while
 * an asynchronous destination hands lines to one write at a time, and lines that arrive while it
 * runs go together in the next. Lines still leave at once (no minimum length to fill), and pino
 * flushes what is pending synchronously when the process exits (`process.exit` after a fatal line
 * included); only a SIGKILL can lose the last lines.
 */
export function makeLogger(level: string, destination?: DestinationStream): Logger {
  return pino(loggerOptions(level), destination ?? pino.destination({ dest: 1, sync: false }));
}

/**
 * The access log: a logger for the one line per answered request (request-log.ts), writing where
 * `logger` writes but without the redaction pass. That line is built only from fields that
 * cannot carry a secret or customer data (method, path with query values cut by the `req`
 * serializer, IP, status, time), while redaction re-parses each of its paths on every line: about
 * 5 % of a webhook acknowledgement's CPU at 32 senders. Every other line is still redacted.
 * Undefined when `logger` is not a pino logger (Fastify's no-op one when logging is off).
 */
export function accessLoggerFor(logger: unknown): Logger | undefined {
  const stream = (logger as Record<symbol, unknown> | null)?.[pino.symbols.streamSym] as DestinationStream | undefined;
  if (!stream) return undefined;
  return pino({ level: (logger as Logger).level, serializers: { req: serializers.req, res: serializers.res } }, stream);
}
