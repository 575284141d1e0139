import type { Clock } from '../clock.ts';
import { TtlCache } from '../ttl-cache.ts';

export type Window = { hits: number; resetAt: number };

/** How long what this process learned of a budget may stand in for asking the database. */
export const VIEW_FRESH_MS = 1_000;

/**
 * The hits a budget must be short of its limit for a request to be decided from this process's
 * view instead of the database: 10 % of the limit, at least 50. A limit at or under 50 (the tests'
 * 3 and 5, the sign-in budget) is therefore always asked of the database, exactly as before.
 */
export const marginOf = (limit: number): number => Math.max(50, Math.ceil(limit / 10));

/**
 * What this process last learned of each budget's window from the database (every counted hit and
 * every peek answers with the window's total, other processes' hits included), for at most
 * VIEW_FRESH_MS. A budget that the view shows far from its limit (by `marginOf`) can be decided
 * without a round trip: to let a request through that the database would refuse, the other
 * processes would have to spend the whole margin inside the view's age — at most one second, and
 * under traffic one round trip, since each answer refreshes it. Near the limit, every decision
 * waits for the database, so the quota stays exact where it matters.
 */
export class BudgetView {
  private readonly windows: TtlCache<string, Window>;

  constructor(private readonly clock: Clock) {
    this.windows = new TtlCache({ clock, ttlMs: VIEW_FRESH_MS, max: 10_000 });
  }

  /** Records the database's answer for `key`; within one window the larger count wins (answers may cross). */
  learn(key: string, window: Window): void {
    const old = this.windows.get(key);
    const hits = old && old.resetAt === window.resetAt ? Math.max(old.hits, window.hits) : window.hits;
    if (!old || window.resetAt >= old.resetAt) this.windows.set(key, { hits, resetAt: window.resetAt });
  }

  forget(key: string): void {
    this.windows.delete(key);
  }

  /** The key's current window as last learned, if that is fresh and the window has not ended. */
  known(key: string): Window | undefined {
    const w = this.windows.get(key);
    return w && w.resetAt > this.clock.now().getTime() ? w : undefined;
  }

  /** Whether the view shows `hits` (a count including the request at hand) far enough from `limit`. */
  static farFrom(limit: number, hits: number): boolean {
    return limit - hits >= marginOf(limit);
  }
}
