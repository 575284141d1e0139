import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../lib/db.ts';
import { documents, type DocumentRow } from './documents.tables.ts';

export async function findDocumentRow(db: Db, workspaceId: string, id: string, lock = false): Promise<DocumentRow | undefined> {
  const q = db.select().from(documents).where(and(eq(documents.workspaceId, workspaceId), eq(documents.id, id))).limit(1);
  const rows = lock ? await q.for('update') : await q;
  return rows[0];
}

export async function insertDocumentRow(db: Db, row: typeof documents.$inferInsert): Promise<DocumentRow> {
  const [inserted] = await db.insert(documents).values(row).returning();
  return inserted!;
}

export async function updateDocumentRow(db: Db, workspaceId: string, id: string, changes: Partial<typeof documents.$inferInsert>): Promise<DocumentRow | undefined> {
  const rows = await db
    .update(documents)
    .set({ ...changes, version: sql`${documents.version} + 1` })
    .where(and(eq(documents.workspaceId, workspaceId), eq(documents.id, id)))
    .returning();
  return rows[0];
}

export async function deleteDocumentRow(db: Db, workspaceId: string, id: string): Promise<void> {
  await db.delete(documents).where(and(eq(documents.workspaceId, workspaceId), eq(documents.id, id)));
}

/** A contact's documents newest first, after the key `after` when given. */
export async function listDocumentRows(db: Db, workspaceId: string, contactId: string, after: { at: string; id: string } | undefined, take: number): Promise<DocumentRow[]> {
  const where = [eq(documents.workspaceId, workspaceId), eq(documents.contactId, contactId)];
  if (after) where.push(sql`(${documents.createdAt}, ${documents.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  return db
    .select()
    .from(documents)
    .where(and(...where))
    .orderBy(sql`${documents.createdAt} DESC, ${documents.id} DESC`)
    .limit(take);
}
