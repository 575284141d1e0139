import type { Logger } from 'pino';
import type { Database } from '../db.ts';
import type { JobPayload, Queue } from './queue.ts';

const BATCH = 500;
/** Published rows are kept this long (for tracing a delivery back to its change), then purged. */
export const OUTBOX_RETENTION_HOURS = 24;

export type RelayOptions = {
  intervalMs?: number;
  /**
   * Topics declared with no consumer yet (`contact.changed` until CRM sync and outbound webhooks
   * exist). Their rows are marked published without a job: a pg-boss job nobody works would sit
   * in the job table for its whole retention, slowing every fetch. Only topics named here are
   * skipped, never merely unknown ones: during a rolling upgrade an older relay must still
   * enqueue the topics that only newer workers know. The rows stay in the outbox until the
   * retention purge; a consumer that arrives later starts from its own full sync, not from a
   * backlog of whatever happened to be kept.
   */
  unconsumedTopics?: string[];
};

/**
 * Moves committed outbox rows into the job queue, a batch per statement, until none is left.
 * The job id is the outbox id, so a crash between enqueue and marking the rows published
 * re-enqueues jobs pg-boss already has: a no-op. Works across workspaces on purpose: raw SQL,
 * outside row-level security.
 */
export function startOutboxRelay(database: Database, queue: Queue, logger: Logger, opts: RelayOptions = {}) {
  const skip = new Set(opts.unconsumedTopics ?? []);
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
        const jobs = rows.filter((r) => !skip.has(String(r.topic)));
        if (jobs.length > 0) await queue.sendMany(jobs.map((r) => ({ topic: String(r.topic), payload: r.payload as JobPayload, id: String(r.id) })));
        await database.raw(
          `UPDATE outbox SET published_at = now()
           WHERE (workspace_id, id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))`,
          [rows.map((r) => r.workspace_id), rows.map((r) => r.id)],
        );
        moved += jobs.length;
        if (rows.length < BATCH || stopped) break;
        // Let requests run between batches: on the embedded database they share one connection.
        await new Promise((r) => setImmediate(r));
      }
    } catch (err) {
      logger.error({ err }, 'outbox relay failed; will retry');
    } finally {
      running = false;
    }
    return moved;
  };
  const timer = setInterval(() => void tick(), opts.intervalMs ?? 200);
  timer.unref();
  return {
    /** Runs one pass now (tests and the CLI use it instead of waiting for the timer); returns the jobs enqueued. */
    flush: tick,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

/**
 * Deletes published outbox rows older than the retention, a batch per statement so no
 * transaction holds the embedded database's one connection for long. Unpublished rows are never
 * purged: their work has not been handed to the queue yet. Returns the rows deleted.
 */
export async function purgePublishedOutbox(database: Database, now: Date, retentionHours = OUTBOX_RETENTION_HOURS): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionHours * 3600_000).toISOString();
  let deleted = 0;
  for (;;) {
    const { rows } = await database.raw(
      `WITH doomed AS (SELECT workspace_id, id FROM outbox WHERE published_at IS NOT NULL AND published_at < $1 LIMIT ${BATCH})
       DELETE FROM outbox o USING doomed d WHERE o.workspace_id = d.workspace_id AND o.id = d.id RETURNING 1`,
      [cutoff],
    );
    deleted += rows.length;
    if (rows.length < BATCH) return deleted;
    await new Promise((r) => setImmediate(r));
  }
}
