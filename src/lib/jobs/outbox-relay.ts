import type { Logger } from 'pino';
import type { Database } from '../db.ts';
import type { JobPayload, Queue } from './queue.ts';

const BATCH = 500;

/**
 * Moves committed outbox rows into the job queue, a batch per statement, until none is left.
 * The job id is the outbox id, so a crash between enqueue and marking the rows published
 * re-enqueues jobs pg-boss already has: a no-op.
 */
export function startOutboxRelay(database: Database, queue: Queue, logger: Logger, intervalMs = 200) {
  let running = false;
  let stopped = false;
  const tick = async (): Promise<number> => {
    if (running || stopped) return 0;
    running = true;
    let moved = 0;
    try {
      for (;;) {
        const { rows } = await database.raw(
          `SELECT workspace_id, id, topic, payload FROM outbox WHERE published_at IS NULL ORDER BY created_at, id LIMIT ${BATCH}`,
          [],
        );
        if (rows.length === 0) break;
        await queue.sendMany(rows.map((r) => ({ topic: String(r.topic), payload: r.payload as JobPayload, id: String(r.id) })));
        await database.raw(
          `UPDATE outbox SET published_at = now()
           WHERE (workspace_id, id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))`,
          [rows.map((r) => r.workspace_id), rows.map((r) => r.id)],
        );
        moved += rows.length;
        if (rows.length < BATCH || stopped) break;
      }
    } catch (err) {
      logger.error({ err }, 'outbox relay failed; will retry');
    } finally {
      running = false;
    }
    return moved;
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return {
    /** Runs one pass now (tests and the CLI use it instead of waiting for the timer). */
    flush: tick,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
