/**
 * Group commit: small writes that arrive together for one key are written by one `write` (one
 * statement or transaction, one commit and its flush), and each caller is answered when that
 * write has finished. A small write's cost is its round trips and commit, not its bytes, so under
 * concurrency this turns N commits into one (webhook deliveries to one integration; request
 * budget hits in `rate_limits`).
 *
 * A batch starts on the next turn of the event loop after the first item of an idle key
 * (nothing waits on a timer: a lone item is written at once), and while it is being written the
 * next items gather, to go in one batch as soon as it ends. One batch per key is in flight at a
 * time, so under load batches grow and the commits per second stay few.
 *
 * Nothing is answered before its write ends. A failed batch of several items is written again
 * one item at a time, so one that can never be written (a byte the database refuses) fails
 * alone; an item whose own write fails gets that error.
 */
export type WriteBatch<T, R> = (key: string, items: T[]) => Promise<R[]>;

type Waiting<T, R> = { item: T; resolve(r: R): void; reject(err: unknown): void };

/** Items at most per batch (a batch is one multi-row statement: keep it well under the parameter limit). */
export const MAX_BATCH = 256;

export function makeGroupCommit<T, R>(write: WriteBatch<T, R>, opts: { maxItems?: number } = {}) {
  const maxItems = opts.maxItems ?? MAX_BATCH;
  /** Per key: items not yet in a batch, and whether a batch is being written (or about to be). */
  const keys = new Map<string, { waiting: Waiting<T, R>[]; busy: boolean }>();

  async function writeSettled(key: string, batch: Waiting<T, R>[]): Promise<void> {
    try {
      const results = await write(key, batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      // Alone, each item is written or refused on its own account.
      for (const w of batch) await writeSettled(key, [w]);
    }
  }

  async function drain(key: string): Promise<void> {
    const state = keys.get(key)!;
    while (state.waiting.length) {
      const batch = state.waiting.splice(0, maxItems);
      await writeSettled(key, batch);
    }
    keys.delete(key);
  }

  return {
    /** Writes `item` with whatever else arrives for `key` meanwhile; resolves after that write. */
    add(key: string, item: T): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        const state = keys.get(key) ?? { waiting: [], busy: false };
        keys.set(key, state);
        state.waiting.push({ item, resolve, reject });
        if (state.busy) return;
        state.busy = true;
        setImmediate(() => void drain(key));
      });
    },
  };
}
