import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.ts';
import type { Database } from '../db.ts';
import { AppError } from '../errors.ts';

const KEY_RE = /^[A-Za-z0-9_\-:.]{1,255}$/;
const RETENTION_MS = 24 * 60 * 60 * 1000;
/** A claim older than this belongs to a request that crashed: a retry may take it over. */
const STALE_CLAIM_MS = 60_000;
const REPLAYED_HEADERS = ['content-type', 'location', 'etag'];

type Claim = { workspaceId: string; principalId: string; key: string };
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

/**
 * `Idempotency-Key` on POST (Stripe semantics, IETF draft status codes): the same key and body
 * replays the first response (4xx included) with `Idempotent-Replayed: true`; another body is a
 * 422; a retry while the first still runs is a 409. Keys are scoped to the workspace and the API
 * key, kept 24 h. Requests rejected by schema validation never reach this hook and store nothing;
 * 5xx results release the key so a retry executes.
 */
export function registerIdempotency(app: FastifyInstance, database: Database, clock: Clock): void {
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'POST') return;
    const header = request.headers['idempotency-key'];
    if (header === undefined || !request.actor) return;
    const key = String(header);
    if (!KEY_RE.test(key)) {
      throw new AppError('invalid_idempotency_key', 'Idempotency-Key must be 1-255 characters from A-Z a-z 0-9 _ - : .', {
        status: 400,
        errors: [{ pointer: '/headers/idempotency-key', code: 'invalid_format', message: 'bad key format' }],
      });
    }
    const { workspaceId, principalId } = request.actor;
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.routeOptions.url}\n${canonical(request.params)}\n${canonical(request.body ?? null)}`)
      .digest('hex');
    const now = clock.now();

    for (let attempt = 0; attempt < 3; attempt++) {
      const claimed = await database.raw(
        `INSERT INTO idempotency_keys (workspace_id, principal_id, key, fingerprint, state, created_at, expires_at)
         VALUES ($1, $2, $3, $4, 'running', $5, $6) ON CONFLICT DO NOTHING RETURNING key`,
        [workspaceId, principalId, key, fingerprint, now.toISOString(), new Date(now.getTime() + RETENTION_MS).toISOString()],
      );
      if (claimed.rows.length) {
        request.idempotencyClaim = { workspaceId, principalId, key };
        return;
      }
      const { rows } = await database.raw(
        `SELECT fingerprint, state, status_code, response_headers, response_body, created_at, expires_at
         FROM idempotency_keys WHERE workspace_id = $1 AND principal_id = $2 AND key = $3`,
        [workspaceId, principalId, key],
      );
      const existing = rows[0];
      if (!existing) continue; // purged between our two statements: claim again
      const expired = new Date(existing.expires_at as string).getTime() <= now.getTime();
      const stale = existing.state === 'running' && now.getTime() - new Date(existing.created_at as string).getTime() > STALE_CLAIM_MS;
      if (expired || stale) {
        await database.raw(`DELETE FROM idempotency_keys WHERE workspace_id = $1 AND principal_id = $2 AND key = $3 AND created_at = $4`, [
          workspaceId, principalId, key, existing.created_at,
        ]);
        continue;
      }
      if (existing.fingerprint !== fingerprint) {
        throw new AppError('idempotency_key_reused', 'This Idempotency-Key was used with a different request; use a new key for a new request', {
          errors: [{ pointer: '/headers/idempotency-key', code: 'key_reused', message: 'same key, different request' }],
        });
      }
      if (existing.state === 'running') {
        throw new AppError('idempotency_key_in_use', 'The first request with this Idempotency-Key is still running; retry shortly');
      }
      const headers = (typeof existing.response_headers === 'string' ? JSON.parse(existing.response_headers) : existing.response_headers) as Record<string, string>;
      for (const [h, v] of Object.entries(headers ?? {})) reply.header(h, v);
      reply.header('idempotent-replayed', 'true');
      return reply.status(Number(existing.status_code)).send(existing.response_body);
    }
    throw new AppError('idempotency_key_in_use', 'Could not claim the Idempotency-Key; retry shortly');
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotencyClaim;
    if (!claim) return payload;
    request.idempotencyClaim = undefined;
    const args = [claim.workspaceId, claim.principalId, claim.key];
    if (reply.statusCode >= 500) {
      await database.raw(`DELETE FROM idempotency_keys WHERE workspace_id = $1 AND principal_id = $2 AND key = $3`, args);
      return payload;
    }
    const headers: Record<string, string> = {};
    for (const h of REPLAYED_HEADERS) {
      const v = reply.getHeader(h);
      if (v !== undefined) headers[h] = String(v);
    }
    await database.raw(
      `UPDATE idempotency_keys SET state = 'done', status_code = $4, response_headers = $5::jsonb, response_body = $6
       WHERE workspace_id = $1 AND principal_id = $2 AND key = $3`,
      [...args, reply.statusCode, JSON.stringify(headers), typeof payload === 'string' ? payload : payload == null ? '' : String(payload)],
    );
    return payload;
  });
}

/** Deletes keys past their retention (run by a periodic job). */
export async function purgeExpiredIdempotencyKeys(database: Database, now: Date): Promise<number> {
  const { rows } = await database.raw(`WITH d AS (DELETE FROM idempotency_keys WHERE expires_at <= $1 RETURNING 1) SELECT count(*)::int AS n FROM d`, [
    now.toISOString(),
  ]);
  return Number(rows[0]?.n ?? 0);
}
