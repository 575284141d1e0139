import { sqlStateOf } from './pg-errors.ts';

/**
 * Group commit: small writes that arrive together for one key are written by one `write` (one
 * statement or transaction, one commit and its flush), and each caller is answered when that
 * write has finished. A small write's cost is its round trips and commit, not its bytes, so under
 * concurrency this turns N commits into one (webhook deliveries to one integration; request
 * budget hits in `rate_limits`).
 *
 * A batch starts on the next turn of the event loop after the first item of an idle key
 * (nothing waits on a timer: a lone item is written at once), and while it is being written the
 * next items gather, to go in one batch as soon as it ends. By default one batch per key is in
 * flight at a time, so under load batches grow and the commits per second stay few. With
 * `inFlight: n`, up to n batches of a key are written at once (pipelined): items that arrive
 * while one batch commits start the next batch at once instead of waiting for that commit, so a
 * caller waits for about one commit instead of up to two. Worth it where commits of separate
 * connections overlap (PostgreSQL flushes concurrent commits together); useless on one
 * connection, where the writes queue anyway.
 *
 * Nothing is answered before its write ends. A batch that fails because of one item's data (the
 * database refused a value: `isItemError`) is written again one item at a time, so the item that
 * can never be written fails alone and the others are written. Any other failure (the database
 * is unreachable, a timeout, a shutdown) fails the whole batch at once: writing each item again
 * would only multiply the attempts against a database that is down, and delay every answer.
 */
export type WriteBatch<T, R> = (key: string, items: T[]) => Promise<R[]>;

type Waiting<T, R> = { item: T; resolve(r: R): void; reject(err: unknown): void };

/** Items at most per batch (a batch is one multi-row statement: keep it well under the parameter limit). */
export const MAX_BATCH = 256;

/**
 * Whether the database refused a batch because of a value in it (so another batch without that
 * item can succeed): data exceptions (22…, e.g. a NUL in jsonb, a string too long), constraint
 * violations (23…) and program limits (54…, e.g. a key too large for its index). Connection
 * failures (08…, or no SQLSTATE at all: ECONNREFUSED, a timeout), shutdowns (57…) and
 * resource errors (53…) are not.
 */
export function isItemError(err: unknown): boolean {
  const state = sqlStateOf(err);
  return state !== undefined && /^(22|23|54)/.test(state);
}

export type GroupCommitOptions = {
  /** Items at most per batch (default MAX_BATCH). */
  maxItems?: number;
  /** Batches of one key written at once (default 1). */
  inFlight?: number;
  /** Whether a failed batch is retried item by item (default `isItemError`). */
  retryAlone?: (err: unknown) => boolean;
};

export function makeGroupCommit<T, R>(write: WriteBatch<T, R>, opts: GroupCommitOptions = {}) {
  const maxItems = opts.maxItems ?? MAX_BATCH;
  const inFlight = Math.max(1, opts.inFlight ?? 1);
  const retryAlone = opts.retryAlone ?? isItemError;
  /** Per key: items not yet in a batch, the writers running (or about to), and whether one is about to start. */
  const keys = new Map<string, { waiting: Waiting<T, R>[]; writers: number; starting: boolean }>();

  async function writeSettled(key: string, batch: Waiting<T, R>[]): Promise<void> {
    try {
      const results = await write(key, batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (err) {
      if (batch.length === 1 || !retryAlone(err)) {
        for (const w of batch) w.reject(err);
        return;
      }
      // Alone, each item is written or refused on its own account.
      for (const w of batch) await writeSettled(key, [w]);
    }
  }

  /** One writer: batches of the key's waiting items, one after the other, until none wait. */
  async function writer(key: string): Promise<void> {
    const state = keys.get(key)!;
    state.starting = false;
    while (state.waiting.length) await writeSettled(key, state.waiting.splice(0, maxItems));
    state.writers--;
    if (state.writers === 0) keys.delete(key);
  }

  return {
    /** Writes `item` with whatever else arrives for `key` meanwhile; resolves after that write. */
    add(key: string, item: T): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        const state = keys.get(key) ?? { waiting: [], writers: 0, starting: false };
        keys.set(key, state);
        state.waiting.push({ item, resolve, reject });
        // One writer starts per turn of the event loop, so the items of one turn share a batch.
        if (state.starting || state.writers >= inFlight) return;
        state.starting = true;
        state.writers++;
        setImmediate(() => void writer(key));
      });
    },
  };
}
