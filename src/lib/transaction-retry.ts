import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from './db-types.ts';
import { sqlStateOf } from './pg-errors.ts';

/** Deadlock and serialization failure: PostgreSQL rolled the whole transaction back, so running it again is safe. */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 4;
let retried = 0;

/** How many transactions this process has run again so far (for metrics and tests). */
export const transactionRetries = (): number => retried;

/**
 * Makes every top-level `db.transaction(...)` run again (after a short random pause) when the
 * server aborts it as a deadlock victim or a serialization failure, instead of answering 500.
 * Transaction bodies only touch the database (side effects go through the outbox), so a rerun
 * is the same as a first run. Nested transactions are savepoints on the `tx` object and are
 * not affected: the retry always restarts from the top.
 */
export function retryTransactions(db: Db): Db {
  const run = db.transaction.bind(db);
  const transaction: Db['transaction'] = async (body, config) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run(body, config);
      } catch (err) {
        if (attempt >= ATTEMPTS || !RETRYABLE.has(sqlStateOf(err) ?? '')) throw err;
        retried++;
        await sleep(Math.random() * 20 * attempt);
      }
    }
  };
  return Object.assign(db, { transaction });
}
