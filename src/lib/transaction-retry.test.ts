import { sql } from 'drizzle-orm';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import { queryRows, type Db } from './db.ts';
import { transactionRetries } from './transaction-retry.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/**
 * Resolves when `flag.done` is set. PGlite runs transactions one at a time, so there the other
 * one cannot start until this one ends: give up waiting after a moment.
 */
const waitFor = async (flag: { done: boolean }) => {
  const ms = t.database.kind === 'postgres' ? 10_000 : 300;
  for (let waited = 0; !flag.done && waited < ms; waited += 10) await sleep(10);
};

describe('transactions that lose a deadlock', () => {
  it('are run again, so both opposite-order writers succeed and every write lands once', async () => {
    const a = (await t.deps.services.workspaces.create({ name: 'A' })).workspace.id;
    const b = (await t.deps.services.workspaces.create({ name: 'B' })).workspace.id;
    const bump = (tx: Db, id: string) => tx.execute(sql`UPDATE workspaces SET version = version + 1 WHERE id = ${id}`);
    const firstLocked = { done: false };
    const secondLocked = { done: false };
    let runs = 0;
    const retriesBefore = transactionRetries();
    const one = t.database.systemDb.transaction(async (tx) => {
      runs++;
      await bump(tx, a);
      firstLocked.done = true;
      await waitFor(secondLocked);
      await bump(tx, b);
      return 'one';
    });
    const two = t.database.systemDb.transaction(async (tx) => {
      runs++;
      await bump(tx, b);
      secondLocked.done = true;
      await waitFor(firstLocked);
      await bump(tx, a);
      return 'two';
    });
    // Each caller gets its own body's result, from the run that committed.
    await expect(Promise.all([one, two])).resolves.toEqual(['one', 'two']);
    const rows = await queryRows<{ id: string; version: number }>(t.database.systemDb, sql`SELECT id, version::int AS version FROM workspaces WHERE id IN (${a}, ${b})`);
    expect(rows.map((r) => r.version)).toEqual([3, 3]);
    // On PostgreSQL the two really deadlock and one body runs twice; on PGlite they run in turn.
    expect(runs).toBe(t.database.kind === 'postgres' ? 3 : 2);
    expect(transactionRetries() - retriesBefore).toBe(runs - 2);
  });
});
