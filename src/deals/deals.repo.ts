import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../lib/db.ts';
import { deals, type DealRow } from './deals.tables.ts';

export async function findDealRow(db: Db, workspaceId: string, id: string, lock = false): Promise<DealRow | undefined> {
  const q = db.select().from(deals).where(and(eq(deals.workspaceId, workspaceId), eq(deals.id, id))).limit(1);
  const rows = lock ? await q.for('update') : await q;
  return rows[0];
}

export async function insertDealRow(db: Db, row: typeof deals.$inferInsert): Promise<DealRow> {
  const [inserted] = await db.insert(deals).values(row).returning();
  return inserted!;
}

export async function updateDealRow(db: Db, workspaceId: string, id: string, changes: Partial<typeof deals.$inferInsert>): Promise<DealRow | undefined> {
  const rows = await db
    .update(deals)
    .set({ ...changes, version: sql`${deals.version} + 1` })
    .where(and(eq(deals.workspaceId, workspaceId), eq(deals.id, id)))
    .returning();
  return rows[0];
}

export async function deleteDealRow(db: Db, workspaceId: string, id: string): Promise<void> {
  await db.delete(deals).where(and(eq(deals.workspaceId, workspaceId), eq(deals.id, id)));
}

/** A contact's deals newest first, after the key `after` when given. */
export async function listDealRows(db: Db, workspaceId: string, contactId: string, after: { at: string; id: string } | undefined, take: number): Promise<DealRow[]> {
  const where = [eq(deals.workspaceId, workspaceId), eq(deals.contactId, contactId)];
  if (after) where.push(sql`(${deals.createdAt}, ${deals.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  return db
    .select()
    .from(deals)
    .where(and(...where))
    .orderBy(sql`${deals.createdAt} DESC, ${deals.id} DESC`)
    .limit(take);
}
