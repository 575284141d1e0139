import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Database } from '../db.ts';
import { uuidv7 } from '../ids.ts';
import type { Queue } from './queue.ts';

/** Any number that no other advisory lock of ours uses: one sweeper at a time. */
const SWEEP_LOCK = 724_101;

export type HeartbeatOptions = {
  /**
   * This process is the only one that can work jobs on this database (PGlite: the data folder's
   * lock), so every job still `active` at start was held by a process that died.
   */
  exclusive: boolean;
  beatMs?: number;
  /** A worker silent this long is dead; several beats, so a busy event loop is not mistaken for one. */
  deadAfterSeconds?: number;
};

/**
 * Finds jobs whose worker died and puts them back in the queue, so a killed process's job resumes
 * at the next start rather than after pg-boss's expiry (15 minutes by default, longer for bulk).
 *
 * pg-boss marks a fetched job `active` but does not record who holds it, so each worker process
 * keeps a row in `job_workers` and beats every few seconds, listing the jobs it is working. On
 * PostgreSQL several processes may work the same queues; an `active` job is an orphan when
 *  - a worker that stopped beating listed it, and it started before that worker's last beat (so it
 *    is the same run, not a retry a live worker picked up since), or
 *  - no live worker lists it and it started longer ago than a live worker takes to list it.
 * The second rule also covers a process that died between pg-boss's fetch and its next beat.
 * Every process sweeps; an advisory lock keeps two from failing the same job twice.
 *
 * On the embedded database only one process can open the data folder, so at start every `active`
 * job is an orphan, and there is no one else to watch: no beats at all.
 */
export async function startJobWorkerHeartbeat(database: Database, queue: Queue, logger: Logger, opts: HeartbeatOptions) {
  const id = uuidv7();
  const beatMs = opts.beatMs ?? 5_000;
  const deadAfter = opts.deadAfterSeconds ?? 30;

  if (opts.exclusive) {
    const { rows } = await database.raw(`SELECT name, id FROM pgboss.job WHERE state = 'active'`, []);
    await database.raw(`DELETE FROM job_workers`, []);
    if (rows.length > 0) {
      logger.warn({ jobs: rows.length }, 'resuming jobs left active by a process that died');
      await queue.requeueOrphans(rows.map((r) => ({ name: String(r.name), id: String(r.id) })));
    }
    return { id, sweep: async () => 0, stop: async () => undefined };
  }

  const beat = () =>
    database.raw(
      `INSERT INTO job_workers (id, pid, host, job_ids) VALUES ($1, $2, $3, $4::uuid[])
       ON CONFLICT (id) DO UPDATE SET beat_at = now(), job_ids = EXCLUDED.job_ids`,
      [id, process.pid, hostname(), queue.activeJobIds()],
    );

  const sweep = () =>
    database.session(async (raw) => {
      const { rows: locked } = await raw(`SELECT pg_try_advisory_lock(${SWEEP_LOCK}) AS ok`, []);
      if (!locked[0]?.ok) return 0;
      try {
        const { rows } = await raw(
          `WITH live AS (SELECT job_ids FROM job_workers WHERE beat_at >= now() - make_interval(secs => $1)),
                dead AS (SELECT job_ids, beat_at FROM job_workers WHERE beat_at < now() - make_interval(secs => $1))
           SELECT j.name, j.id FROM pgboss.job j
           WHERE j.state = 'active'
             AND NOT EXISTS (SELECT 1 FROM live WHERE j.id = ANY (live.job_ids))
             AND (j.started_on < now() - make_interval(secs => $1)
                  OR EXISTS (SELECT 1 FROM dead WHERE j.id = ANY (dead.job_ids) AND j.started_on <= dead.beat_at))`,
          [deadAfter],
        );
        if (rows.length > 0) {
          logger.warn({ jobs: rows.length }, 'resuming jobs whose worker stopped beating');
          await queue.requeueOrphans(rows.map((r) => ({ name: String(r.name), id: String(r.id) })));
        }
        await raw(`DELETE FROM job_workers WHERE beat_at < now() - make_interval(secs => $1)`, [deadAfter]);
        return rows.length;
      } finally {
        await raw(`SELECT pg_advisory_unlock(${SWEEP_LOCK})`, []);
      }
    });

  await beat();
  await sweep();
  // Beat often (cheap: one row), sweep less (it reads pg-boss's job table): twice per dead-after.
  let lastSweep = Date.now();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    const sweepNow = Date.now() - lastSweep >= (deadAfter * 1000) / 2;
    if (sweepNow) lastSweep = Date.now();
    beat()
      .then(() => (sweepNow ? sweep() : 0))
      .catch((err: unknown) => logger.error({ err }, 'job worker heartbeat failed'))
      .finally(() => (busy = false));
  }, beatMs);
  timer.unref();
  return {
    id,
    /** One sweep now (tests use it instead of waiting for the timer). */
    sweep,
    /** Call after the queue stopped: pg-boss has handed back what it still held, so nothing is listed. */
    async stop() {
      clearInterval(timer);
      await database.raw(`DELETE FROM job_workers WHERE id = $1`, [id]).catch(() => undefined);
    },
  };
}
