import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../lib/actor.ts';
import { queryRows, type Db } from '../lib/db.ts';

export type JobRow = {
  workspace_id: string; id: string; kind: string; status: 'queued' | 'running' | 'succeeded' | 'failed';
  action: Record<string, unknown>; actor: Actor; total: number; done: number; failed: number;
  created_at: Date | string; updated_at: Date | string; finished_at: Date | string | null;
};

export async function insertJob(db: Db, workspaceId: string, id: string, action: object, actor: Actor, now: Date): Promise<void> {
  await db.execute(sql`INSERT INTO bulk_jobs (workspace_id, id, kind, status, action, actor, created_at, updated_at)
    VALUES (${workspaceId}, ${id}, 'contacts.bulk', 'queued', ${JSON.stringify(action)}::jsonb, ${JSON.stringify(actor)}::jsonb, ${now.toISOString()}, ${now.toISOString()})`);
}

/** Freezes the selection: one pending item per contact, and the total. */
export async function insertItems(db: Db, workspaceId: string, jobId: string, source: { ids: string[] } | { where: SQL }): Promise<number> {
  if ('ids' in source) {
    const unique = [...new Set(source.ids)];
    await db.execute(sql`INSERT INTO bulk_job_items (workspace_id, job_id, contact_id)
      SELECT ${workspaceId}, ${jobId}, x::uuid FROM unnest(${`{${unique.join(',')}}`}::text[]) AS x ON CONFLICT DO NOTHING`);
  } else {
    await db.execute(sql`INSERT INTO bulk_job_items (workspace_id, job_id, contact_id)
      SELECT ${workspaceId}, ${jobId}, contacts.id FROM contacts WHERE ${source.where}`);
  }
  const [row] = await queryRows<{ n: number }>(db, sql`UPDATE bulk_jobs SET total = (SELECT count(*) FROM bulk_job_items WHERE workspace_id = ${workspaceId} AND job_id = ${jobId})
    WHERE workspace_id = ${workspaceId} AND id = ${jobId} RETURNING total AS n`);
  return Number(row?.n ?? 0);
}

export async function findJob(db: Db, workspaceId: string, id: string): Promise<JobRow | undefined> {
  const [row] = await queryRows<JobRow>(db, sql`SELECT * FROM bulk_jobs WHERE workspace_id = ${workspaceId} AND id = ${id}`);
  return row;
}

export async function setJobStatus(db: Db, workspaceId: string, id: string, status: JobRow['status'], now: Date): Promise<void> {
  const finished = status === 'succeeded' || status === 'failed' ? sql`${now.toISOString()}::timestamptz` : sql`NULL`;
  await db.execute(sql`UPDATE bulk_jobs SET status = ${status}, updated_at = ${now.toISOString()}, finished_at = ${finished}
    WHERE workspace_id = ${workspaceId} AND id = ${id}`);
}

export async function nextPendingItems(db: Db, workspaceId: string, jobId: string, take: number): Promise<string[]> {
  const rows = await queryRows<{ contact_id: string }>(db, sql`SELECT contact_id FROM bulk_job_items
    WHERE workspace_id = ${workspaceId} AND job_id = ${jobId} AND state = 'pending' ORDER BY contact_id LIMIT ${take}`);
  return rows.map((r) => r.contact_id);
}

/**
 * Locks one item while it is still pending: a second worker on the same item waits for this
 * transaction, then finds it settled and skips it.
 */
export async function claimPendingItem(db: Db, workspaceId: string, jobId: string, contactId: string): Promise<boolean> {
  const rows = await queryRows(db, sql`SELECT 1 FROM bulk_job_items
    WHERE workspace_id = ${workspaceId} AND job_id = ${jobId} AND contact_id = ${contactId} AND state = 'pending' FOR UPDATE`);
  return rows.length > 0;
}

/**
 * Records one item's outcome and the job's counters in one transaction; an item already settled
 * (a second worker, a replay) changes nothing.
 */
export async function settleItem(db: Db, workspaceId: string, jobId: string, contactId: string, outcome: { code: string; message: string } | null, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    const state = outcome ? 'failed' : 'done';
    const updated = await queryRows(tx, sql`UPDATE bulk_job_items SET state = ${state}, code = ${outcome?.code ?? null}, message = ${outcome?.message ?? null}
      WHERE workspace_id = ${workspaceId} AND job_id = ${jobId} AND contact_id = ${contactId} AND state = 'pending' RETURNING 1`);
    if (updated.length === 0) return;
    const counter = outcome ? sql`failed = failed + 1` : sql`done = done + 1`;
    await tx.execute(sql`UPDATE bulk_jobs SET ${counter}, updated_at = ${now.toISOString()} WHERE workspace_id = ${workspaceId} AND id = ${jobId}`);
  });
}

export async function listFailures(db: Db, workspaceId: string, jobId: string, limit: number) {
  return queryRows<{ contact_id: string; code: string; message: string }>(db, sql`SELECT contact_id, code, message FROM bulk_job_items
    WHERE workspace_id = ${workspaceId} AND job_id = ${jobId} AND state = 'failed' ORDER BY contact_id LIMIT ${limit}`);
}
