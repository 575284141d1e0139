import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.ts';
import { queryRows, type Database } from '../db.ts';
import { AppError } from '../errors.ts';
import { inTransaction } from '../tenant-scope.ts';

const KEY_RE = /^[A-Za-z0-9_\-:.]{1,255}$/;
const RETENTION_MS = 24 * 60 * 60 * 1000;
const REPLAYED_HEADERS = ['content-type', 'location', 'etag'];

type Claim = { workspaceId: string; principalId: string; key: string; fingerprint: string };
type Handler = (this: unknown, request: FastifyRequest, reply: FastifyReply) => unknown;
type StoredRow = { fingerprint: string; status_code: number; response_headers: unknown; response_body: string; expires_at: string | Date };

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyClaim?: Claim;
  }
}

/** Canonical JSON: keys sorted, so `{a,b}` and `{b,a}` are the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The claim a POST with `Idempotency-Key` makes, or undefined when it sends none. */
function claimOf(request: FastifyRequest): Claim | undefined {
  if (request.method !== 'POST' || !request.actor) return undefined;
  const header = request.headers['idempotency-key'];
  if (header === undefined) return undefined;
  const key = String(header);
  if (!KEY_RE.test(key)) {
    throw new AppError('invalid_idempotency_key', 'Idempotency-Key must be 1-255 characters from A-Z a-z 0-9 _ - : .', {
      status: 400,
      errors: [{ pointer: '/headers/idempotency-key', code: 'invalid_format', message: 'bad key format' }],
    });
  }
  const fingerprint = createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url}\n${canonical(request.params)}\n${canonical(request.body ?? null)}`)
    .digest('hex');
  return { workspaceId: request.actor.workspaceId, principalId: request.actor.principalId, key, fingerprint };
}

const parseHeaders = (stored: unknown): Record<string, string> =>
  ((typeof stored === 'string' ? JSON.parse(stored) : stored) ?? {}) as Record<string, string>;

function replay(reply: FastifyReply, row: StoredRow): string {
  for (const [h, v] of Object.entries(parseHeaders(row.response_headers))) reply.header(h, v);
  reply.header('idempotent-replayed', 'true');
  reply.status(Number(row.status_code));
  return row.response_body;
}

function responseHeaders(reply: FastifyReply): string {
  const headers: Record<string, string> = {};
  for (const h of REPLAYED_HEADERS) {
    const v = reply.getHeader(h);
    if (v !== undefined) headers[h] = String(v);
  }
  return JSON.stringify(headers);
}

/** Test hook: where an injected crash stops the process (see the exactly-once test). */
const crashPoint = process.env.VIXIEES_CRASH_POINT;
const crashIf = (point: 'before-commit' | 'after-commit') => {
  if (crashPoint === point) process.kill(process.pid, 'SIGKILL');
};

/**
 * `Idempotency-Key` on POST (Stripe semantics, IETF draft status codes), exactly once: the
 * handler runs inside one transaction that also stores its response, so the change and the
 * record of it commit together or not at all. A retry after a crash before the commit runs
 * afresh (nothing was applied); after it, it replays. The same key and body replay the first
 * response with `Idempotent-Replayed: true`; another body is a 422; a retry while the first
 * still runs is a 409 (a transaction-scoped advisory lock, so a dead request never blocks its key).
 * A 4xx changed nothing, so it is stored after the fact and replayed; a 5xx is not stored and a
 * retry executes. Keys are scoped to the workspace and the API key, kept 24 h.
 */
export function idempotentHandler(database: Database, clock: Clock, handler: Handler): Handler {
  return async function (this: unknown, request, reply) {
    const claim = claimOf(request);
    if (!claim) return handler.call(this, request, reply);
    const outcome = await database.db.transaction(async (tx) => {
      const lockName = `${claim.workspaceId}/${claim.principalId}/${claim.key}`;
      const [lock] = await queryRows<{ ok: boolean }>(tx, sql`SELECT pg_try_advisory_xact_lock(hashtextextended(${lockName}, 724101)) AS ok`);
      if (!lock?.ok) throw new AppError('idempotency_key_in_use', 'The first request with this Idempotency-Key is still running; retry shortly');
      const now = clock.now();
      const [existing] = await queryRows<StoredRow>(
        tx,
        sql`SELECT fingerprint, status_code, response_headers, response_body, expires_at FROM idempotency_keys
            WHERE workspace_id = ${claim.workspaceId} AND principal_id = ${claim.principalId} AND key = ${claim.key}`,
      );
      if (existing && new Date(existing.expires_at).getTime() > now.getTime()) {
        if (existing.fingerprint !== claim.fingerprint) {
          throw new AppError('idempotency_key_reused', 'This Idempotency-Key was used with a different request; use a new key for a new request', {
            errors: [{ pointer: '/headers/idempotency-key', code: 'key_reused', message: 'same key, different request' }],
          });
        }
        return { replayed: replay(reply, existing) };
      }
      if (existing) {
        await tx.execute(sql`DELETE FROM idempotency_keys WHERE workspace_id = ${claim.workspaceId} AND principal_id = ${claim.principalId} AND key = ${claim.key}`);
      }
      // From here a failure is stored by `storeFailedResponse` (4xx) or not at all (5xx).
      request.idempotencyClaim = claim;
      const payload = await inTransaction(tx, () => runHoldingSend(this, handler, request, reply));
      // Serialised here, by the route's response schema, so the stored bytes are the sent bytes.
      const body = payload == null ? '' : reply.serialize(payload);
      await tx.execute(sql`
        INSERT INTO idempotency_keys (workspace_id, principal_id, key, fingerprint, state, status_code, response_headers, response_body, created_at, expires_at)
        VALUES (${claim.workspaceId}, ${claim.principalId}, ${claim.key}, ${claim.fingerprint}, 'done', ${reply.statusCode},
                ${responseHeaders(reply)}::jsonb, ${body}, ${now.toISOString()}, ${new Date(now.getTime() + RETENTION_MS).toISOString()})`);
      crashIf('before-commit');
      return { body };
    });
    request.idempotencyClaim = undefined;
    if ('replayed' in outcome) return reply.send(outcome.replayed);
    crashIf('after-commit');
    if (outcome.body !== '') reply.type('application/json; charset=utf-8');
    return reply.send(outcome.body);
  };
}

/**
 * Runs a handler whose `reply.send(x)` must not leave before the transaction commits: the payload
 * is held and returned instead, whether the handler sent it or returned it.
 */
async function runHoldingSend(self: unknown, handler: Handler, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const send = reply.send;
  let held: { payload: unknown } | undefined;
  reply.send = ((payload?: unknown) => {
    held = { payload };
    return reply;
  }) as FastifyReply['send'];
  // A reply is thenable (it resolves once sent), and `return reply.send(x)` hands it back: shadow
  // `then` meanwhile, or awaiting the handler would wait for a send that is being held.
  Object.defineProperty(reply, 'then', { value: undefined, configurable: true, writable: true });
  try {
    const returned = await handler.call(self, request, reply);
    return held ? held.payload : returned;
  } finally {
    reply.send = send;
    delete (reply as { then?: unknown }).then;
  }
}

/**
 * A request that failed with a 4xx after it began executing changed nothing (its transaction
 * rolled back): its problem response is stored now so a retry gets the same answer.
 */
export async function storeFailedResponse(database: Database, clock: Clock, request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<void> {
  const claim = request.idempotencyClaim;
  request.idempotencyClaim = undefined;
  if (!claim || reply.statusCode < 400 || reply.statusCode >= 500) return;
  const now = clock.now();
  await database.raw(
    `INSERT INTO idempotency_keys (workspace_id, principal_id, key, fingerprint, state, status_code, response_headers, response_body, created_at, expires_at)
     VALUES ($1, $2, $3, $4, 'done', $5, $6::jsonb, $7, $8, $9) ON CONFLICT DO NOTHING`,
    [
      claim.workspaceId, claim.principalId, claim.key, claim.fingerprint, reply.statusCode, responseHeaders(reply),
      typeof payload === 'string' ? payload : payload == null ? '' : String(payload),
      now.toISOString(), new Date(now.getTime() + RETENTION_MS).toISOString(),
    ],
  );
}

/** Deletes keys past their retention (run by a periodic job). */
export async function purgeExpiredIdempotencyKeys(database: Database, now: Date): Promise<number> {
  const { rows } = await database.raw(`WITH d AS (DELETE FROM idempotency_keys WHERE expires_at <= $1 RETURNING 1) SELECT count(*)::int AS n FROM d`, [
    now.toISOString(),
  ]);
  return Number(rows[0]?.n ?? 0);
}
