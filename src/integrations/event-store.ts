import { sql } from 'drizzle-orm';
import { AppError } from '../lib/errors.ts';
import type { Clock } from '../lib/clock.ts';
import { queryRows, type Db } from '../lib/db.ts';
import { makeGroupCommit } from '../lib/group-commit.ts';
import { uuidv7 } from '../lib/ids.ts';
import { inWorkspace } from '../lib/tenant-scope.ts';
import type { EventStatus, IntegrationRow } from './integrations.tables.ts';

export const INTEGRATION_EVENTS_TOPIC = 'integration.events';

/** One event cut from a webhook body, stored under `key` (the provider's event id). */
export type ProviderEvent = { key: string; kind: string; payload: unknown; failed?: string };

export type Receipt = { received: number; stored: number };

type Delivery = { row: IntegrationRow; events: ProviderEvent[] };

/**
 * Batches of one integration written at once. Each is one autocommitted statement on its own
 * connection, so while one commits (its WAL flush) the deliveries that arrived meanwhile are
 * already being written, and PostgreSQL flushes the overlapping commits together. On PGlite's
 * single connection they queue, which costs nothing.
 */
const BATCHES_IN_FLIGHT = 3;

/**
 * The durable side of a webhook delivery (R14, R15): the events of concurrent deliveries to one
 * integration are stored by group commit (src/lib/group-commit.ts), each answered only after
 * the commit that holds it.
 *
 * A batch is ONE statement, autocommitted: the multi-row insert of the events (each once under
 * its key, whether it came twice in the batch or was stored before) and, in a data-modifying
 * CTE over what that insert returned, the one outbox row that queues the job for the new ones.
 * On PostgreSQL that is one round trip and one commit on a connection that holds the workspace
 * (tenant-connection.ts), where a transaction took four (BEGIN with the workspace, the insert,
 * the outbox row, COMMIT). It runs as the integration's workspace, so row-level security checks
 * every row it writes.
 */
export function makeEventStore(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function storeBatch(deliveries: Delivery[]): Promise<Receipt[]> {
    const { row } = deliveries[0]!;
    const now = clock.now();
    const keys = new Set<string>();
    const owner = new Map<string, number>();
    const rows: { id: string; event_key: string; kind: string; payload: unknown; status: EventStatus; reason: string | null }[] = [];
    deliveries.forEach(({ events }, d) =>
      events.forEach((e, i) => {
        if (keys.has(e.key)) return;
        keys.add(e.key);
        const id = uuidv7(now.getTime() + i);
        owner.set(id, d);
        rows.push({ id, event_key: e.key, kind: e.kind, payload: e.payload, status: e.failed ? 'failed' : 'received', reason: e.failed ?? null });
      }),
    );
    const at = now.toISOString();
    const stored = await inWorkspace(row.workspaceId, () =>
      queryRows<{ id: string }>(
        db,
        sql`WITH stored AS (
        INSERT INTO integration_events (workspace_id, id, integration_id, event_key, kind, payload, status, reason, received_at)
        SELECT ${row.workspaceId}::uuid, v.id, ${row.id}::uuid, v.event_key, v.kind, v.payload, v.status, v.reason, ${at}::timestamptz
        FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS v(id uuid, event_key text, kind text, payload jsonb, status text, reason text)
        ON CONFLICT DO NOTHING
        RETURNING id, status
      ), job AS (
        INSERT INTO outbox (workspace_id, id, topic, payload, created_at)
        SELECT ${row.workspaceId}::uuid, ${uuidv7(now.getTime())}::uuid, ${INTEGRATION_EVENTS_TOPIC},
          jsonb_build_object('integrationId', ${row.id}::text, 'eventIds', jsonb_agg(id::text ORDER BY id), 'workspaceId', ${row.workspaceId}::text), ${at}::timestamptz
        FROM stored WHERE status = 'received'
        HAVING count(*) > 0
      )
      SELECT id::text AS id FROM stored`,
      ),
    );
    const receipts = deliveries.map(({ events }) => ({ received: events.length, stored: 0 }));
    for (const s of stored) receipts[owner.get(s.id)!]!.stored++;
    return receipts;
  }

  const batcher = makeGroupCommit<Delivery, Receipt>((_integrationId, deliveries) => storeBatch(deliveries), { inFlight: BATCHES_IN_FLIGHT });

  return {
    /** Stores events once each under their key and queues the new ones for the job (R14, R15), grouped with concurrent deliveries. */
    async store(row: IntegrationRow, events: ProviderEvent[]): Promise<Receipt> {
      if (events.length === 0) return { received: 0, stored: 0 };
      // Stored, or the sender is told to retry (503): never a 2xx for an event that was not kept (R15).
      return batcher.add(row.id, { row, events }).catch((err: unknown): never => {
        // The database's message stays out of the answer (it can quote SQL and the sender's data); the error is kept as the cause for the log.
        throw Object.assign(new AppError('service_unavailable', 'The event could not be stored; retry later', { status: 503 }), { cause: err });
      });
    },
  };
}
