import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../lib/db.ts';

export type OutboxEntry = { id: string; topic: string; payload: Record<string, unknown>; contactVersion: number | null };

/**
 * The workspace's outbox rows with an id after `afterId` (UUIDv7: time-ordered), oldest first.
 * The contact's current version rides along (one indexed lookup by key), so a client whose cache
 * already holds it skips the refetch. Read in the tenant's scope: row-level security holds it to
 * the workspace, as does the condition.
 */
export async function outboxAfter(db: Db, workspaceId: string, afterId: string, limit: number): Promise<OutboxEntry[]> {
  const rows = await queryRows<{ id: string; topic: string; payload: Record<string, unknown>; version: string | number | null }>(
    db,
    sql`SELECT o.id, o.topic, o.payload, c.version
        FROM outbox o
        LEFT JOIN contacts c ON c.workspace_id = o.workspace_id AND c.id = (o.payload->>'contactId')::uuid
        WHERE o.workspace_id = ${workspaceId} AND o.id > ${afterId}
        ORDER BY o.id
        LIMIT ${limit}`,
  );
  return rows.map((r) => ({ id: String(r.id), topic: r.topic, payload: r.payload, contactVersion: r.version === null ? null : Number(r.version) }));
}

/** The newest outbox id of the workspace (where a stream resumes after a `resync`), or null. */
export async function newestOutboxId(db: Db, workspaceId: string): Promise<string | null> {
  const rows = await queryRows<{ id: string | null }>(db, sql`SELECT id FROM outbox WHERE workspace_id = ${workspaceId} ORDER BY id DESC LIMIT 1`);
  return rows[0]?.id ?? null;
}
