import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../lib/db.ts';
import { comments, type CommentRow } from './comments.tables.ts';

export async function findCommentRow(db: Db, workspaceId: string, id: string, lock = false): Promise<CommentRow | undefined> {
  const q = db.select().from(comments).where(and(eq(comments.workspaceId, workspaceId), eq(comments.id, id))).limit(1);
  const rows = lock ? await q.for('update') : await q;
  return rows[0];
}

export async function insertCommentRow(db: Db, row: typeof comments.$inferInsert): Promise<CommentRow> {
  const [inserted] = await db.insert(comments).values(row).returning();
  return inserted!;
}

export async function updateCommentRow(db: Db, workspaceId: string, id: string, changes: Partial<typeof comments.$inferInsert>): Promise<CommentRow | undefined> {
  const rows = await db
    .update(comments)
    .set({ ...changes, version: sql`${comments.version} + 1` })
    .where(and(eq(comments.workspaceId, workspaceId), eq(comments.id, id)))
    .returning();
  return rows[0];
}

export async function deleteCommentRow(db: Db, workspaceId: string, id: string): Promise<void> {
  await db.delete(comments).where(and(eq(comments.workspaceId, workspaceId), eq(comments.id, id)));
}

/** A contact's comments newest first, after the key `after` when given. */
export async function listCommentRows(db: Db, workspaceId: string, contactId: string, after: { at: string; id: string } | undefined, take: number): Promise<CommentRow[]> {
  const where = [eq(comments.workspaceId, workspaceId), eq(comments.contactId, contactId)];
  if (after) where.push(sql`(${comments.createdAt}, ${comments.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  return db
    .select()
    .from(comments)
    .where(and(...where))
    .orderBy(sql`${comments.createdAt} DESC, ${comments.id} DESC`)
    .limit(take);
}
