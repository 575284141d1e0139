import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../lib/db.ts';
import { tasks, type TaskRow } from './tasks.tables.ts';

export async function findTaskRow(db: Db, workspaceId: string, id: string, lock = false): Promise<TaskRow | undefined> {
  const q = db.select().from(tasks).where(and(eq(tasks.workspaceId, workspaceId), eq(tasks.id, id))).limit(1);
  const rows = lock ? await q.for('update') : await q;
  return rows[0];
}

export async function insertTaskRow(db: Db, row: typeof tasks.$inferInsert): Promise<TaskRow> {
  const [inserted] = await db.insert(tasks).values(row).returning();
  return inserted!;
}

export async function updateTaskRow(db: Db, workspaceId: string, id: string, changes: Partial<typeof tasks.$inferInsert>): Promise<TaskRow | undefined> {
  const rows = await db
    .update(tasks)
    .set({ ...changes, version: sql`${tasks.version} + 1` })
    .where(and(eq(tasks.workspaceId, workspaceId), eq(tasks.id, id)))
    .returning();
  return rows[0];
}

export async function deleteTaskRow(db: Db, workspaceId: string, id: string): Promise<void> {
  await db.delete(tasks).where(and(eq(tasks.workspaceId, workspaceId), eq(tasks.id, id)));
}

/** A contact's tasks newest first, after the key `after` when given. */
export async function listTaskRows(db: Db, workspaceId: string, contactId: string, after: { at: string; id: string } | undefined, take: number): Promise<TaskRow[]> {
  const where = [eq(tasks.workspaceId, workspaceId), eq(tasks.contactId, contactId)];
  if (after) where.push(sql`(${tasks.createdAt}, ${tasks.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  return db
    .select()
    .from(tasks)
    .where(and(...where))
    .orderBy(sql`${tasks.createdAt} DESC, ${tasks.id} DESC`)
    .limit(take);
}

export async function deletePendingTaskRows(db: Db, workspaceId: string, contactId: string): Promise<number> {
  const rows = await db
    .delete(tasks)
    .where(and(eq(tasks.workspaceId, workspaceId), eq(tasks.contactId, contactId), eq(tasks.status, 'pending')))
    .returning({ id: tasks.id });
  return rows.length;
}
