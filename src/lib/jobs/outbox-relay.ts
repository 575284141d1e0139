import type { Logger } from 'pino';
import type { Database } from '../db.ts';
import type { Queue } from './queue.ts';

/**
 * Moves committed outbox rows into the job queue. The job id is the outbox id, so a crash
 * between enqueue and marking the row published re-enqueues a job pg-boss already has: a no-op.
 */
export function startOutboxRelay(database: Database, queue: Queue, logger: Logger, intervalMs = 200) {
  let running = false;
  let stopped = false;
  const tick = async (): Promise<number> => {
    if (running || stopped) return 0;
    running = true;
    let moved = 0;
    try {
      const { rows } = await database.raw(
        `SELECT workspace_id, id, topic, payload FROM outbox WHERE published_at IS NULL ORDER BY created_at LIMIT 200`,
        [],
      );
      for (const row of rows) {
        await queue.send(String(row.topic), row.payload as never, { id: String(row.id) });
        await database.raw(`UPDATE outbox SET published_at = now() WHERE workspace_id = $1 AND id = $2`, [
          row.workspace_id,
          row.id,
        ]);
        moved++;
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
