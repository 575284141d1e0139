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
