import { sql } from 'drizzle-orm';
import type { Db } from '../db.ts';
import { uuidv7 } from '../ids.ts';

export type OutboxEvent = { topic: string; payload: Record<string, unknown> };

/**
 * Records work that must follow a change, inside the same transaction as the change: a rollback
 * leaves nothing to do, a crash after commit loses nothing (the relay picks it up on restart).
 */
export async function recordOutbox(tx: Db, workspaceId: string, event: OutboxEvent, now: Date): Promise<string> {
  const id = uuidv7(now.getTime());
  await tx.execute(sql`INSERT INTO outbox (workspace_id, id, topic, payload, created_at)
    VALUES (${workspaceId}, ${id}, ${event.topic}, ${JSON.stringify({ ...event.payload, workspaceId })}::jsonb, ${now.toISOString()})`);
  return id;
}

export type OutboxRow = { id: string; topic: string; payload: Record<string, unknown>; created_at: string };

/** Outbox rows of the batch (as `recordOutbox` writes them one at a time: the payload carries the workspace). */
export async function insertOutboxRows(db: Db, workspaceId: string, rows: OutboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.execute(sql`INSERT INTO outbox (workspace_id, id, topic, payload, created_at)
    SELECT ${workspaceId}::uuid, id, topic, payload, created_at
    FROM jsonb_to_recordset(${JSON.stringify(rows.map((r) => ({ ...r, payload: { ...r.payload, workspaceId } })))}::jsonb) AS v(id uuid, topic text, payload jsonb, created_at timestamptz)`);
}

