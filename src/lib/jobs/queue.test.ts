import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openTestDatabase } from '../../../test/harness.ts';
import type { Database } from '../db.ts';
import { uuidv7 } from '../ids.ts';
import { startQueue, type Queue } from './queue.ts';

const logger = pino({ level: 'silent' });
let database: Database;
const queues: Queue[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  for (const q of queues) await q.stop();
  await database.close();
});

/** A queue as a (re)started process opens it: pg-boss on the run's database. */
const start = async (pollingIntervalSeconds?: number) => {
  const q = await startQueue(database, { databaseUrl: inject('testDatabaseUrl') ?? undefined, logger, pollingIntervalSeconds });
  queues.push(q);
  return q;
};
const waitFor = async (check: () => boolean | Promise<boolean>, what: string) => {
  for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 100));
  if (!(await check())) throw new Error(`timed out waiting for ${what}`);
};
const settingsOf = async (topic: string) =>
  (await database.raw(`SELECT retry_limit, retry_delay, retry_backoff, expire_seconds FROM pgboss.queue WHERE name = $1`, [topic])).rows[0];

describe('declaring queues at start', () => {
  it('creates a missing queue with its settings and works its jobs', async () => {
    const topic = `test.queue.${uuidv7()}`;
    const q = await start();
    const ran: unknown[] = [];
    await q.register(topic, { run: async (payload) => void ran.push(payload) }, { expireInSeconds: 3600 });
    expect(await settingsOf(topic)).toEqual({ retry_limit: 5, retry_delay: 2, retry_backoff: true, expire_seconds: 3600 });
    const payload = { workspaceId: uuidv7(), n: 1 };
    await q.send(topic, payload);
    await waitFor(() => ran.length > 0, 'the job sent');
    expect(ran).toEqual([payload]);
  });

  it('brings an existing queue with other settings (an earlier version) up to this version, and leaves a matching one alone', async () => {
    const changed = `test.queue.${uuidv7()}`;
    const same = `test.queue.${uuidv7()}`;
    const first = await start();
    await first.register(changed);
    await first.register(same);
    await first.stop();
    queues.splice(queues.indexOf(first), 1);
    // As an earlier version left them: other retry settings on one, a stamp to see whether the other is rewritten.
    await database.raw(`UPDATE pgboss.queue SET retry_limit = 1, retry_backoff = false WHERE name = $1`, [changed]);
    await database.raw(`UPDATE pgboss.queue SET updated_on = '2001-01-01T00:00:00Z' WHERE name = $1`, [same]);

    const restarted = await start();
    await restarted.register(changed);
    await restarted.register(same);
    expect(await settingsOf(changed)).toEqual({ retry_limit: 5, retry_delay: 2, retry_backoff: true, expire_seconds: null });
    const stamp = (await database.raw(`SELECT updated_on FROM pgboss.queue WHERE name = $1`, [same])).rows[0]!.updated_on;
    expect(new Date(String(stamp)).toISOString()).toBe('2001-01-01T00:00:00.000Z');
  });
});

describe('working jobs', () => {
  // A polling interval far longer than the waits below: only being woken can meet them.
  const slowPoll = 600;

  it('works a backlog through without waiting a polling interval between jobs', async () => {
    const topic = `test.queue.${uuidv7()}`;
    const q = await start(slowPoll);
    await q.register(topic);
    const workspaceId = uuidv7();
    await q.sendMany([1, 2, 3, 4, 5].map((n) => ({ topic, payload: { workspaceId, n }, id: uuidv7() })));
    const other = await start(slowPoll);
    const ran: number[] = [];
    await other.register(topic, { run: async (payload) => void ran.push(Number(payload.n)) });
    await waitFor(() => ran.length === 5, 'the backlog');
    expect(ran.sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('hands a worker that merges jobs each workspace\'s share of a fetched batch in one call', async () => {
    const topic = `test.queue.${uuidv7()}`;
    const q = await start(slowPoll);
    await q.register(topic);
    const [a, b] = [uuidv7(), uuidv7()];
    const sent = [a, a, b, a, b].map((workspaceId, n) => ({ topic, payload: { workspaceId, n }, id: uuidv7() }));
    await q.sendMany(sent);
    const calls: { workspaceId: string; n: number }[][] = [];
    const other = await start(slowPoll);
    await other.register(
      topic,
      { run: async () => expect.fail('a merging worker gets its jobs through runMany'), runMany: async (payloads) => void calls.push(payloads.map((p) => ({ workspaceId: p.workspaceId, n: Number(p.n) }))) },
      { batchSize: 10 },
    );
    await waitFor(() => calls.flat().length === 5, 'the batch');
    expect(calls.map((c) => c.map((p) => p.n).sort())).toEqual(expect.arrayContaining([[0, 1, 3], [2, 4]]));
    expect(calls.every((c) => new Set(c.map((p) => p.workspaceId)).size === 1)).toBe(true);
    const completed = async () => Number((await database.raw(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'completed'`, [topic])).rows[0]!.n);
    await waitFor(async () => (await completed()) >= 5, 'the jobs completed');
    expect(await completed()).toBe(5);
  });

  it('wakes its idle worker when this process sends to its topic', async () => {
    const topic = `test.queue.${uuidv7()}`;
    const q = await start(slowPoll);
    const ran: unknown[] = [];
    await q.register(topic, { run: async (payload) => void ran.push(payload) });
    // Its first fetch found nothing: it now sleeps for the interval.
    await new Promise((r) => setTimeout(r, 500));
    const payload = { workspaceId: uuidv7(), n: 1 };
    await q.send(topic, payload);
    await waitFor(() => ran.length === 1, 'the job sent');
    expect(ran).toEqual([payload]);
  });
});
