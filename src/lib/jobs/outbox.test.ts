import pino from 'pino';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testConfig } from '../../../test/harness.ts';
import { inject } from 'vitest';
import type { Database } from '../db.ts';
import { queryRows } from '../db.ts';
import { uuidv7 } from '../ids.ts';
import { inWorkspace } from '../tenant-scope.ts';
import { recordOutbox } from './outbox.ts';
import { purgePublishedOutbox, startOutboxRelay } from './outbox-relay.ts';
import { startQueue, type JobPayload, type Queue } from './queue.ts';

let database: Database;
let queue: Queue;
const logger = pino({ level: 'silent' });
const topic = `test.outbox.${Date.now()}`;
const received: JobPayload[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
  queue = await startQueue(database, { databaseUrl: testConfig().databaseUrl, logger });
  await queue.register(topic, {
    run: async (payload) => {
      received.push(payload);
    },
  });
});
afterAll(async () => {
  await queue.stop();
  await database.close();
});

const waitFor = async (check: () => boolean, ms = 15_000) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out waiting for the job');
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('outbox and job queue', () => {
  it('delivers work recorded in a committed transaction exactly once, and nothing from a rolled-back one', async () => {
    const ws = uuidv7();
    const marker = uuidv7();
    // Tenant work, as a service does it: in the workspace's scope (row-level security).
    await inWorkspace(ws, async () => {
      await database.db.transaction(async (tx) => {
        await recordOutbox(tx, ws, { topic, payload: { marker, committed: true } }, new Date());
      });
      await database.db
        .transaction(async (tx) => {
          await recordOutbox(tx, ws, { topic, payload: { marker, committed: false } }, new Date());
          throw new Error('roll back');
        })
        .catch(() => undefined);
    });

    const relay = startOutboxRelay(database, queue, logger, { intervalMs: 60_000 });
    await relay.flush();
    // A second pass (as after a crash before marking) must not enqueue the same work again.
    await database.raw(`UPDATE outbox SET published_at = NULL WHERE workspace_id = $1`, [ws]);
    await relay.flush();
    relay.stop();

    await waitFor(() => received.some((p) => p.marker === marker));
    await new Promise((r) => setTimeout(r, 1500));
    const mine = received.filter((p) => p.marker === marker);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ committed: true, workspaceId: ws });
    const left = await queryRows<{ n: number }>(database.systemDb, sql`SELECT count(*)::int AS n FROM outbox WHERE workspace_id = ${ws} AND published_at IS NULL`);
    expect(left[0]!.n).toBe(0);
  });
});

it('gives a job up after its last attempt, once, so its record can be marked failed', async () => {
  const failing = `test.failing.${Date.now()}`;
  const attempts: boolean[] = [];
  const givenUp: unknown[] = [];
  await queue.register(
    failing,
    {
      run: async (_payload, job) => {
        attempts.push(job.lastAttempt);
        throw new Error('provider down');
      },
      giveUp: async (payload, error) => {
        givenUp.push({ payload, message: (error as Error).message });
      },
    },
    { retryLimit: 1 },
  );
  const ws = uuidv7();
  await queue.send(failing, { workspaceId: ws, what: 'x' });
  // retryDelay is 2 s with back-off: the retry comes a few seconds after the first failure.
  await waitFor(() => givenUp.length === 1, 25_000);
  expect(attempts).toEqual([false, true]);
  expect(givenUp).toEqual([{ payload: { workspaceId: ws, what: 'x' }, message: 'provider down' }]);
}, 40_000);

it('publishes a topic nobody consumes yet without a job, and purges published rows after a day', async () => {
  const ws = uuidv7();
  const unconsumed = `test.unconsumed.${Date.now()}`;
  const ids = await inWorkspace(ws, () =>
    database.db.transaction(async (tx) => ({
      skipped: await recordOutbox(tx, ws, { topic: unconsumed, payload: { n: 1 } }, new Date()),
      worked: await recordOutbox(tx, ws, { topic, payload: { marker: 'purge' } }, new Date()),
    })),
  );
  const relay = startOutboxRelay(database, queue, logger, { intervalMs: 60_000, unconsumedTopics: [unconsumed] });
  await relay.flush();
  relay.stop();
  const jobsFor = async (id: string) => Number((await database.raw(`SELECT count(*) AS n FROM pgboss.job WHERE id = $1`, [id])).rows[0]!.n);
  expect(await jobsFor(ids.skipped)).toBe(0);
  expect(await jobsFor(ids.worked)).toBe(1);
  const published = async () =>
    (await database.raw(`SELECT id, published_at IS NOT NULL AS published FROM outbox WHERE workspace_id = $1 ORDER BY id`, [ws])).rows.map((r) => [r.id, r.published]);
  expect(await published()).toEqual([[ids.skipped, true], [ids.worked, true]]);

  // A day and an hour later the skipped row goes; one published an hour ago, and one never published, stay.
  const old = await inWorkspace(ws, () => database.db.transaction((tx) => recordOutbox(tx, ws, { topic, payload: { marker: 'unpublished' } }, new Date())));
  await database.raw(`UPDATE outbox SET published_at = now() - interval '25 hours' WHERE workspace_id = $1 AND id = $2`, [ws, ids.skipped]);
  await database.raw(`UPDATE outbox SET published_at = now() - interval '1 hour' WHERE workspace_id = $1 AND id = $2`, [ws, ids.worked]);
  await database.raw(`UPDATE outbox SET created_at = now() - interval '3 days' WHERE workspace_id = $1 AND id = $2`, [ws, old]);
  expect(await purgePublishedOutbox(database, new Date())).toBeGreaterThanOrEqual(1);
  // (Presence only: on PostgreSQL another file's relay may publish the unpublished row meanwhile.)
  expect((await published()).map(([id]) => id)).toEqual([ids.worked, old].sort());
});

it('runs on the backend under test', () => {
  expect(inject('testDatabaseUrl') ? 'postgres' : 'pglite').toBe(database.kind);
});
