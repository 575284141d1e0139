import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { Database } from '../db.ts';

export type JobPayload = Record<string, unknown> & { workspaceId: string };
export type JobHandler = (payload: JobPayload, job: { id: string; retryCount: number; lastAttempt: boolean }) => Promise<void>;

/**
 * A job's work, and what to do when its retries are spent (the job then stays `failed` in
 * pg-boss, its dead letter): mark the business record failed so nobody waits on it forever.
 */
export type JobWorker = { run: JobHandler; giveUp?: (payload: JobPayload, error: unknown) => Promise<void> };

/**
 * The job queue: pg-boss on the same database (no extra infrastructure). On PGlite it runs
 * in-process through an `executeSql` adapter over the one connection; on PostgreSQL it gets its
 * own small pool.
 */
export type Queue = {
  /** Declares a queue and, when `handler` is given, works it in this process. */
  register(topic: string, worker?: JobWorker, opts?: { retryLimit?: number }): Promise<void>;
  /** Enqueues; `id` makes the enqueue idempotent (pg-boss ignores a second job with the same id). */
  send(topic: string, payload: JobPayload, opts?: { id?: string; startAfterSeconds?: number }): Promise<void>;
  /** Enqueues a batch in one statement, idempotent per job id. */
  sendMany(jobs: { topic: string; payload: JobPayload; id: string }[]): Promise<void>;
  boss: PgBoss;
  stop(): Promise<void>;
};

export async function startQueue(database: Database, opts: { databaseUrl?: string; logger: Logger }): Promise<Queue> {
  const boss = opts.databaseUrl
    ? new PgBoss({ connectionString: opts.databaseUrl, max: 4, schema: 'pgboss' })
    : new PgBoss({ db: { executeSql: (text: string, values?: unknown[]) => database.raw(text, values) }, schema: 'pgboss' });
  boss.on('error', (err: Error) => opts.logger.error({ err }, 'job queue error'));
  await boss.start();
  const declared = new Set<string>();

  const declare = async (topic: string, retryLimit = 5) => {
    if (declared.has(topic)) return;
    // Retries back off exponentially; after the limit the job stays in the failed state (dead letter).
    await boss.createQueue(topic, { name: topic, retryLimit, retryDelay: 2, retryBackoff: true });
    declared.add(topic);
  };

  return {
    boss,
    async register(topic, worker, ro) {
      await declare(topic, ro?.retryLimit);
      if (!worker) return;
      await boss.work<JobPayload>(topic, { pollingIntervalSeconds: 0.5, batchSize: 1, includeMetadata: true }, async (jobs) => {
        for (const job of jobs) {
          const lastAttempt = job.retryCount >= job.retryLimit;
          try {
            await worker.run(job.data, { id: job.id, retryCount: job.retryCount, lastAttempt });
          } catch (err) {
            if (lastAttempt && worker.giveUp) {
              await worker.giveUp(job.data, err).catch((e: unknown) => opts.logger.error({ err: e, topic }, 'job give-up failed'));
            }
            throw err;
          }
        }
      });
    },
    async send(topic, payload, so) {
      await declare(topic);
      await boss.send(topic, payload, { id: so?.id, startAfter: so?.startAfterSeconds });
    },
    async sendMany(jobs) {
      for (const topic of new Set(jobs.map((j) => j.topic))) await declare(topic);
      // One INSERT for the batch; pg-boss skips ids it already holds (ON CONFLICT DO NOTHING).
      await boss.insert(jobs.map((j) => ({ name: j.topic, data: j.payload, id: j.id })));
    },
    stop: () => boss.stop({ graceful: true, wait: true, timeout: 5000 }),
  };
}
