import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Clock } from '../clock.ts';
import type { Database } from '../db.ts';
import { AppError } from '../errors.ts';
import { makeGroupCommit } from '../group-commit.ts';
import { TtlCache } from '../ttl-cache.ts';
import { BudgetView, type Window } from './budget-view.ts';

export type { Window } from './budget-view.ts';

/**
 * Request budgets kept in the database (table `rate_limits`), so every API process on the same
 * database spends the same budget: two servers behind a load balancer do not double a quota.
 *
 * Fixed windows, one row per budget, one upsert per counted request (or per burst of them: see
 * `hits` below). Each budget's window is offset by a hash of its key, so budgets do not all
 * reset on the same second. A fixed window lets a client spend up to twice its quota across one
 * boundary; that is the usual price for one statement per request, and the quota is sized with
 * it in mind.
 *
 * Counters are not tenant data: they go through `database.raw`, which bypasses row-level
 * security (the budget of a key is counted before and regardless of any workspace scope).
 */
export type RateLimitStore = {
  /** Counts one hit on each key in its current window; the hits counted so far, and when each window ends. */
  hit(keys: string[], windowMs: number): Promise<Map<string, Window>>;
  /** The hits already counted in each key's current window, without counting one. */
  peek(keys: string[], windowMs: number): Promise<Map<string, Window>>;
};

/** Rows of ended windows go at most this often per process (one DELETE on the expiry index). */
const PURGE_EVERY_MS = 60_000;

function offsetOf(key: string, windowMs: number): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) % windowMs;
}

function windowOf(key: string, windowMs: number, now: number): { start: number; end: number } {
  const offset = offsetOf(key, windowMs);
  const start = Math.floor((now - offset) / windowMs) * windowMs + offset;
  return { start, end: start + windowMs };
}

/** The database-backed store; time comes from the injected clock. */
export function makeRateLimitStore(database: Database, clock: Clock): RateLimitStore {
  let lastPurge = -Infinity;

  async function purge(now: number): Promise<void> {
    if (now - lastPurge < PURGE_EVERY_MS) return;
    lastPurge = now;
    await database.raw('DELETE FROM rate_limits WHERE expires_at < $1', [new Date(now).toISOString()]);
  }

  /**
   * Hits that arrive together (concurrent requests of one client spend one row) are counted by one
   * upsert, `hits + n`, and each caller gets its own count: the budget stays exact, and a burst
   * costs one statement and one row lock instead of one each (the webhook path's largest cost).
   */
  const hits = makeGroupCommit<string[], Map<string, Window>>(async (windowKey, callers) => {
    const windowMs = Number(windowKey);
    const now = clock.now().getTime();
    const counts = new Map<string, number>();
    for (const keys of callers) for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
    // Sorted: concurrent upserts lock rows in one order (no deadlock), and a row is hit once.
    const unique = [...counts.keys()].sort();
    const windows = unique.map((k) => windowOf(k, windowMs, now));
    // A process whose clock lags counts into the newer window instead of resetting it. The
    // statement's own transaction commits without waiting for its WAL flush (set_config local to
    // it, read at commit): a counter is no record, and a crash forgetting the last hits of a
    // window costs nothing, while the wait was a disk flush on every request's path.
    const { rows } = await database.raw(
      `INSERT INTO rate_limits AS r (key, window_start, hits, expires_at)
       SELECT k, s, n, e FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[], $4::int[]) AS t(k, s, e, n),
         (SELECT set_config('synchronous_commit', 'off', true)) AS no_flush_wait
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN r.window_start >= EXCLUDED.window_start THEN r.hits + EXCLUDED.hits ELSE EXCLUDED.hits END,
         window_start = GREATEST(r.window_start, EXCLUDED.window_start),
         expires_at = GREATEST(r.expires_at, EXCLUDED.expires_at)
       RETURNING key, hits, expires_at`,
      [unique, windows.map((w) => new Date(w.start).toISOString()), windows.map((w) => new Date(w.end).toISOString()), unique.map((k) => counts.get(k))],
    );
    await purge(now);
    // The callers share each key's hits in arrival order: the first of n sees total − n + 1.
    const after = new Map(rows.map((r) => [String(r.key), { hits: Number(r.hits), resetAt: new Date(r.expires_at as string | Date).getTime() }]));
    const seen = new Map<string, number>();
    return callers.map((keys) =>
      new Map(keys.map((k) => {
        const total = after.get(k)!;
        const nth = (seen.get(k) ?? 0) + 1;
        seen.set(k, nth);
        return [k, { hits: total.hits - counts.get(k)! + nth, resetAt: total.resetAt }];
      })),
    );
  });

  return {
    hit: (keys, windowMs) => hits.add(String(windowMs), [...new Set(keys)].sort()),
    async peek(keys, windowMs) {
      const now = clock.now().getTime();
      const { rows } = await database.raw('SELECT key, hits, window_start, expires_at FROM rate_limits WHERE key = ANY($1::text[])', [keys]);
      const found = new Map(rows.map((r) => [String(r.key), r]));
      return new Map(
        keys.map((k) => {
          const w = windowOf(k, windowMs, now);
          const row = found.get(k);
          const current = row && new Date(row.window_start as string | Date).getTime() >= w.start;
          return [k, current ? { hits: Number(row.hits), resetAt: new Date(row.expires_at as string | Date).getTime() } : { hits: 0, resetAt: w.end }];
        }),
      );
    },
  };
}

export type BudgetState = { policy: string; limit: number; windowMs: number; remaining: number; resetAt: number };

/**
 * Standard headers: the `RateLimit-Limit/-Remaining/-Reset` trio that clients know, and the
 * draft-10 `RateLimit-Policy` / `RateLimit` pair; on a 429, `Retry-After` equals the reset.
 */
export function setRateLimitHeaders(reply: FastifyReply, state: BudgetState, now: number, exceeded: boolean): number {
  const reset = Math.max(1, Math.ceil((state.resetAt - now) / 1000));
  const remaining = Math.max(0, state.remaining);
  reply.header('ratelimit-limit', state.limit);
  reply.header('ratelimit-remaining', remaining);
  reply.header('ratelimit-reset', reset);
  reply.header('ratelimit-policy', `"${state.policy}";q=${state.limit};w=${Math.round(state.windowMs / 1000)}`);
  reply.header('ratelimit', `"${state.policy}";r=${remaining};t=${reset}`);
  if (exceeded) reply.header('retry-after', reset);
  return reset;
}

/** The 429 problem, with its headers set on `reply`. */
export function rateLimited(reply: FastifyReply, state: BudgetState, now: number, what: string): AppError {
  const retryAfterSeconds = setRateLimitHeaders(reply, state, now, true);
  return new AppError('rate_limited', `Too many ${what}: ${state.limit} per ${Math.round(state.windowMs / 1000)} s. Retry in ${retryAfterSeconds} s.`, {
    status: 429,
    extra: { retryAfterSeconds },
  });
}

/**
 * Counts one hit on `key` per call and answers its window. Every hit is written (group commit),
 * but a request need not wait for it: while this process's view (`BudgetView`) shows the budget
 * far from its limit, the count is the view's total plus this process's hits still being written,
 * and the write goes on behind the request (a failed write makes the next request wait, and meet
 * the error). Near the limit, or with no fresh view, the request waits for its count, as before.
 */
export function countingHits(store: RateLimitStore, clock: Clock, limit: number, windowMs: number) {
  const view = new BudgetView(clock);
  const writing = new Map<string, number>();
  const settle = (key: string) => {
    const n = (writing.get(key) ?? 1) - 1;
    if (n > 0) writing.set(key, n);
    else writing.delete(key);
  };
  return async (key: string): Promise<Window> => {
    const ahead = writing.get(key) ?? 0;
    const known = view.known(key);
    writing.set(key, ahead + 1);
    const counted = store.hit([key], windowMs).then(
      (windows) => {
        const w = windows.get(key)!;
        view.learn(key, w);
        settle(key);
        return w;
      },
      (err: unknown) => {
        view.forget(key);
        settle(key);
        throw err;
      },
    );
    if (!known || !BudgetView.farFrom(limit, known.hits + ahead + 1)) return counted;
    counted.catch(() => undefined);
    return { hits: known.hits + ahead + 1, resetAt: known.resetAt };
  };
}

/**
 * Per-API-key request budget for authenticated requests (per IP for public `/v1` routes), so one
 * noisy integration cannot starve the rest of its workspace or other workspaces. Runs after
 * authentication, which has its own per-IP budget for failures (makeAuthFailureBudget).
 */
export function registerRateLimit(app: FastifyInstance, store: RateLimitStore, clock: Clock, perMinute: number): void {
  const windowMs = 60_000;
  const count = countingHits(store, clock, perMinute, windowMs);
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/v1/')) return;
    const key = request.actor ? `key:${request.actor.principalId}` : `ip:${request.ip}`;
    const window = await count(key);
    const state: BudgetState = { policy: 'key', limit: perMinute, windowMs, remaining: perMinute - window.hits, resetAt: window.resetAt };
    const now = clock.now().getTime();
    if (window.hits > perMinute) {
      request.log.warn({ event: 'rate_limited', policy: state.policy, principalId: request.actor?.principalId }, 'request budget spent');
      throw rateLimited(reply, state, now, 'requests');
    }
    setRateLimitHeaders(reply, state, now, false);
  });
}

/**
 * The budget of failed authentications, checked before the key lookup so an IP that spent it
 * costs no hash and no query.
 *
 * Failures are counted per IP and presented key prefix (`vx_live_1a2b3c4d`, the public part of a
 * key; `-` for none or a malformed one), and per IP overall with ten times the allowance. Behind
 * one office NAT, a colleague's typo or an integration looping on a revoked key spends only its
 * own credential's budget: once spent it is refused before the lookup and stops counting
 * towards the IP, so it can add at most `perCredential` failures a window to the IP's budget.
 * Valid keys never add failures. The whole IP is refused only after ten different credentials
 * failed a full budget each (or many random ones did): credential spraying, where refusing the
 * IP, valid keys included, for the rest of the window is the point.
 */
export function makeAuthFailureBudget(store: RateLimitStore, clock: Clock, perCredential: number, windowMs = 60_000) {
  const perIp = perCredential * 10;
  // An IP or credential found over budget is refused from memory until its window ends, so a
  // flood after the budget is spent costs this process no query at all.
  const spent = new TtlCache<string, BudgetState>({ clock, ttlMs: windowMs, max: 10_000 });
  // Budgets this process saw far from spent (by a peek or a counted failure) are not asked again
  // for a moment: a valid key's requests cost no query here (see BudgetView for the bound).
  const view = new BudgetView(clock);
  // IPv6 addresses hold colons, so budgets are told apart by role, never by parsing their key.
  const budgetsOf = (ip: string, presented: string | undefined) => {
    const prefix = /^(vx_live_[0-9a-f]{8})_/.exec(presented ?? '')?.[1] ?? '-';
    return [
      { key: `authfail:${ip}`, limit: perIp },
      { key: `authfail:${ip}:${prefix}`, limit: perCredential },
    ];
  };
  return {
    /** The spent budget refusing this request, if any. */
    async check(ip: string, presented: string | undefined): Promise<BudgetState | undefined> {
      const budgets = budgetsOf(ip, presented);
      const now = clock.now().getTime();
      for (const { key } of budgets) {
        const cached = spent.get(key);
        if (cached && cached.resetAt > now) return cached;
      }
      if (budgets.every(({ key, limit }) => BudgetView.farFrom(limit, (view.known(key)?.hits ?? Infinity) + 1))) return undefined;
      const windows = await store.peek(budgets.map((b) => b.key), windowMs);
      for (const { key, limit } of budgets) {
        const w = windows.get(key)!;
        view.learn(key, w);
        if (w.hits < limit) continue;
        const state: BudgetState = { policy: 'auth-failures', limit, windowMs, remaining: 0, resetAt: w.resetAt };
        spent.set(key, state);
        return state;
      }
      return undefined;
    },
    /** Counts a failed authentication (one statement for both budgets). */
    async record(ip: string, presented: string | undefined): Promise<void> {
      const windows = await store.hit(budgetsOf(ip, presented).map((b) => b.key), windowMs);
      for (const [key, w] of windows) view.learn(key, w);
    },
  };
}

export type AuthFailureBudget = ReturnType<typeof makeAuthFailureBudget>;
