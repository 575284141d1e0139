import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { Database } from '../db.ts';
import { inWorkspace } from '../tenant-scope.ts';

export type JobPayload = Record<string, unknown> & { workspaceId: string };
export type JobHandler = (payload: JobPayload, job: { id: string; retryCount: number; lastAttempt: boolean }) => Promise<void>;

/**
 * A job's work, and what to do when its retries are spent (the job then stays `failed` in
 * pg-boss, its dead letter): mark the business record failed so nobody waits on it forever.
 */
export type JobWorker = {
  run: JobHandler;
  giveUp?: (payload: JobPayload, error: unknown) => Promise<void>;
  /**
   * Several jobs of one workspace as one piece of work, for topics whose jobs merge (see
   * `QueueOptions.batchSize`): done for all of them or, if it throws, failed and retried for all,
   * so it must be idempotent per job, as every handler is.
   */
  runMany?: (payloads: JobPayload[]) => Promise<void>;
};

export type QueueOptions = {
  retryLimit?: number;
  /**
   * How long pg-boss lets a job stay `active` before failing it. A dead worker's job is found by
   * the heartbeat (worker-heartbeat.ts) long before; this only bounds a worker that hangs, so a
   * long job (a bulk action over 100k contacts) gets hours, not pg-boss's 15 minutes, which
   * would hand a live job to a second worker.
   */
  expireInSeconds?: number;
  /** Jobs fetched at once (default 1); a worker with `runMany` gets each workspace's share in one call. */
  batchSize?: number;
};

/**
 * The job queue: pg-boss on the same database (no extra infrastructure). On PGlite it runs
 * in-process through an `executeSql` adapter over the one connection; on PostgreSQL it gets its
 * own small pool.
 */
export type Queue = {
  /** Declares a queue and, when `handler` is given, works it in this process. */
  register(topic: string, worker?: JobWorker, opts?: QueueOptions): Promise<void>;
  /** Enqueues; `id` makes the enqueue idempotent (pg-boss ignores a second job with the same id). */
  send(topic: string, payload: JobPayload, opts?: { id?: string; startAfterSeconds?: number }): Promise<void>;
  /** Enqueues a batch in one statement, idempotent per job id. */
  sendMany(jobs: { topic: string; payload: JobPayload; id: string }[]): Promise<void>;
  /** The pg-boss ids of the jobs this process is working right now (the heartbeat lists them). */
  activeJobIds(): string[];
  /**
   * Puts jobs whose worker died back in the queue at once (an attempt counts, with pg-boss's
   * back-off); a job whose retries were spent ends `failed` and its worker's `giveUp` runs.
   */
  requeueOrphans(jobs: { name: string; id: string }[]): Promise<void>;
  boss: PgBoss;
  stop(): Promise<void>;
};

/** Whether a queue already has each of these settings (those not given are left as they are). */
function hasSettings(queue: PgBoss.QueueResult, wanted: { retryLimit: number; retryDelay: number; retryBackoff: boolean; expireInSeconds?: number }): boolean {
  return Object.entries(wanted).every(([key, value]) => queue[key as keyof typeof wanted] === value);
}

/**
 * How often an idle worker asks for jobs. A worker is also woken when this process sends to its
 * topic and fetches again at once after a batch, so the interval only bounds how late it sees jobs
 * sent by other processes (PostgreSQL) and retries whose back-off ran out. The embedded database
 * has no other process: it polls less, an idle server's queries being work on its one thread.
 */
const POLL_SECONDS = { postgres: 0.5, embedded: 2 };

export async function startQueue(
  database: Database,
  opts: { databaseUrl?: string; logger: Logger; pollingIntervalSeconds?: number },
): Promise<Queue> {
  const pollingIntervalSeconds = opts.pollingIntervalSeconds ?? (opts.databaseUrl ? POLL_SECONDS.postgres : POLL_SECONDS.embedded);
  const boss = opts.databaseUrl
    ? new PgBoss({ connectionString: opts.databaseUrl, max: 4, schema: 'pgboss' })
    : new PgBoss({ db: { executeSql: (text: string, values?: unknown[]) => database.raw(text, values) }, schema: 'pgboss' });
  boss.on('error', (err: Error) => opts.logger.error({ err }, 'job queue error'));
  await boss.start();
  const declared = new Set<string>();
  const workers = new Map<string, JobWorker>();
  /** pg-boss's worker id by topic, for the topics this process works: to wake them. */
  const workerIds = new Map<string, string>();
  const wake = (topic: string) => {
    const id = workerIds.get(topic);
    if (id) boss.notifyWorker(id);
  };
  const active = new Set<string>();
  // The queues as they stand, read once: a start declares each topic again, and pg-boss's
  // create_queue (a function call taking a lock) cost 16 ms a topic on the embedded database,
  // 146 ms of work queued in front of the first requests after the server listens.
  const existing = new Map((await boss.getQueues()).map((q) => [q.name, q]));

  const declare = async (topic: string, qo: QueueOptions = {}) => {
    if (declared.has(topic)) return;
    const { retryLimit = 5, expireInSeconds } = qo;
    // Retries back off exponentially; after the limit the job stays in the failed state (dead letter).
    const options = { retryLimit, retryDelay: 2, retryBackoff: true, ...(expireInSeconds ? { expireInSeconds } : {}) };
    const current = existing.get(topic);
    if (!current) {
      await boss.createQueue(topic, { name: topic, ...options });
      // Another process may have created it first, with its settings: make them this version's.
      if (expireInSeconds) await boss.updateQueue(topic, { name: topic, ...options });
    } else if (!hasSettings(current, options)) {
      // Created by an earlier version with other settings: bring them up to this version's.
      await boss.updateQueue(topic, { name: topic, ...options });
    }
    declared.add(topic);
  };

  /** Job handlers do tenant work: they run as the workspace their payload belongs to. */
  const giveUp = async (topic: string, payload: JobPayload, err: unknown) => {
    const worker = workers.get(topic);
    if (!worker?.giveUp) return;
    await inWorkspace(payload.workspaceId, () => worker.giveUp!(payload, err)).catch((e: unknown) =>
      opts.logger.error({ err: e, topic }, 'job give-up failed'),
    );
  };

  /** A fetched batch, each workspace's jobs in one call; on a failure every job of the batch fails (pg-boss retries them). */
  const runMany = async (topic: string, run: NonNullable<JobWorker['runMany']>, jobs: PgBoss.JobWithMetadata<JobPayload>[]) => {
    for (const job of jobs) active.add(job.id);
    try {
      for (const workspaceId of new Set(jobs.map((j) => j.data.workspaceId))) {
        await inWorkspace(workspaceId, () => run(jobs.filter((j) => j.data.workspaceId === workspaceId).map((j) => j.data)));
      }
    } catch (err) {
      for (const job of jobs) if (job.retryCount >= job.retryLimit) await giveUp(topic, job.data, err);
      throw err;
    } finally {
      for (const job of jobs) active.delete(job.id);
    }
  };

  return {
    boss,
    async register(topic, worker, ro) {
      await declare(topic, ro);
      if (!worker) return;
      workers.set(topic, worker);
      const batchSize = worker.runMany ? (ro?.batchSize ?? 1) : 1;
      const id = await boss.work<JobPayload>(topic, { pollingIntervalSeconds, batchSize, includeMetadata: true }, async (jobs) => {
        // pg-boss waits a polling interval after every batch, even a full one: fetch again at
        // once instead, so a backlog is worked through, not one job per interval.
        if (jobs.length) wake(topic);
        if (worker.runMany && jobs.length > 1) return runMany(topic, worker.runMany, jobs);
        for (const job of jobs) {
          const lastAttempt = job.retryCount >= job.retryLimit;
          active.add(job.id);
          try {
            await inWorkspace(job.data.workspaceId, () => worker.run(job.data, { id: job.id, retryCount: job.retryCount, lastAttempt }));
          } catch (err) {
            if (lastAttempt) await giveUp(topic, job.data, err);
            throw err;
          } finally {
            active.delete(job.id);
          }
        }
      });
      workerIds.set(topic, id);
    },
    async send(topic, payload, so) {
      await declare(topic);
      await boss.send(topic, payload, { id: so?.id, startAfter: so?.startAfterSeconds });
      if (!so?.startAfterSeconds) wake(topic);
    },
    async sendMany(jobs) {
      const topics = new Set(jobs.map((j) => j.topic));
      for (const topic of topics) await declare(topic);
      // One INSERT for the batch; pg-boss skips ids it already holds (ON CONFLICT DO NOTHING).
      await boss.insert(jobs.map((j) => ({ name: j.topic, data: j.payload, id: j.id })));
      for (const topic of topics) wake(topic);
    },
    activeJobIds: () => [...active],
    async requeueOrphans(jobs) {
      for (const name of new Set(jobs.map((j) => j.name))) {
        const ids = jobs.filter((j) => j.name === name).map((j) => j.id);
        // pg-boss's own fail: `retry` while attempts remain, else `failed` (its dead letter).
        for (const id of ids) await boss.fail(name, id, { message: 'the worker process died while the job was active' });
        const { rows } = await database.raw(`SELECT id, data FROM pgboss.job WHERE name = $1 AND id = ANY($2::uuid[]) AND state = 'failed'`, [name, ids]);
        for (const row of rows) await giveUp(name, row.data as JobPayload, new Error('worker died on the last attempt'));
      }
    },
    stop: () => boss.stop({ graceful: true, wait: true, timeout: 5000 }),
  };
}
