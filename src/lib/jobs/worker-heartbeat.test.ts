import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openTestDatabase } from '../../../test/harness.ts';
import { openDatabase, type Database } from '../db.ts';
import { uuidv7 } from '../ids.ts';
import { migrate } from '../migrate.ts';
import { createScratchDatabase } from '../scratch-database.ts';
import { startQueue, type JobPayload, type Queue } from './queue.ts';
import { startJobWorkerHeartbeat } from './worker-heartbeat.ts';

const logger = pino({ level: 'silent' });
let database: Database;
let databaseUrl: string | undefined;
let drop: (() => Promise<void>) | undefined;
const queues: Queue[] = [];

beforeAll(async () => {
  const url = inject('testDatabaseUrl');
  if (url) {
    // Its own database: these sweeps judge every worker they see, and other files' run beside.
    const server = new URL(url);
    server.pathname = '/postgres';
    const scratch = await createScratchDatabase(server.toString(), 'vixiees_beat');
    databaseUrl = scratch.url;
    drop = scratch.drop;
    database = await openDatabase({ databaseUrl });
    await migrate(database);
  } else {
    database = await openTestDatabase();
  }
});
afterAll(async () => {
  for (const q of queues) await q.stop();
  await database.close();
  await drop?.();
});

const newQueue = async () => {
  const q = await startQueue(database, { databaseUrl, logger });
  queues.push(q);
  return q;
};
const waitFor = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 100));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};
/** Sends a job and takes it as a worker would, then "dies": the job stays `active`. */
const orphan = async (q: Queue, topic: string, payload: JobPayload) => {
  await q.register(topic);
  await q.send(topic, payload);
  const [job] = await q.boss.fetch(topic);
  expect(job?.data).toEqual(payload);
  return job!.id;
};
const stateOf = async (id: string) => String((await database.raw(`SELECT state FROM pgboss.job WHERE id = $1`, [id])).rows[0]?.state);

describe('jobs whose worker died', () => {
  it('are all resumed at start when this process alone can work them (the embedded database)', async () => {
    const topic = `test.orphan.${uuidv7()}`;
    const dead = await newQueue();
    const ws = uuidv7();
    const id = await orphan(dead, topic, { workspaceId: ws, n: 1 });
    expect(await stateOf(id)).toBe('active');

    const next = await newQueue();
    const runs: JobPayload[] = [];
    await next.register(topic, { run: async (p) => void runs.push(p) });
    await startJobWorkerHeartbeat(database, next, logger, { exclusive: true });
    await waitFor(() => runs.length > 0, 'the resumed job');
    expect(runs).toEqual([{ workspaceId: ws, n: 1 }]);
  }, 60_000);

  it("are resumed once their worker stops beating, while a live worker's long job stays with it", async () => {
    const topic = `test.beat.${uuidv7()}`;
    const ws = uuidv7();
    const dead = await newQueue();
    const deadJob = await orphan(dead, topic, { workspaceId: ws, kind: 'orphan' });
    // The dead process had beaten once, listing the job, then went silent.
    await database.raw(`INSERT INTO job_workers (id, pid, host, job_ids) VALUES ($1, 999999, 'gone', ARRAY[$2]::uuid[])`, [uuidv7(), deadJob]);

    const live = await newQueue();
    const runs: string[] = [];
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => (release = r));
    await live.register(topic, {
      run: async (p) => {
        runs.push(String(p.kind));
        if (p.kind === 'long') await released;
      },
    });
    const beat = await startJobWorkerHeartbeat(database, live, logger, { exclusive: false, beatMs: 100, deadAfterSeconds: 1 });
    try {
      const longJob = uuidv7();
      await live.send(topic, { workspaceId: ws, kind: 'long' }, { id: longJob });
      await waitFor(() => runs.includes('long'), 'the long job to start');
      // Two seconds of sweeps: the long job is older than the dead-after limit, but listed by a live worker.
      await new Promise((r) => setTimeout(r, 2000));
      await beat.sweep();
      // Back in the queue (this worker runs one job at a time, so it waits for the long one).
      expect(await stateOf(deadJob)).toBe('retry');
      expect(await stateOf(longJob)).toBe('active');
      expect(runs).toEqual(['long']);
      release();
      await waitFor(() => runs.length === 2, 'both');
      const { rows } = await database.raw(`SELECT count(*) AS n FROM job_workers WHERE host = 'gone'`, []);
      expect(Number(rows[0]!.n)).toBe(0);
    } finally {
      release();
      await beat.stop();
    }
    expect(runs.sort()).toEqual(['long', 'orphan']);
  }, 60_000);
});
