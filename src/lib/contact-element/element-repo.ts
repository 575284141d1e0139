import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../db.ts';
import type { authored, elementKey } from '../element-columns.ts';

/** The columns every contact element has (`elementKey` and `authored` spread into its table). */
type ElementColumns = { [K in keyof typeof elementKey | keyof typeof authored]: PgColumn };
export type ElementTable = PgTable & ElementColumns;

/** The five queries of one contact-element table. */
export type ElementRepo<Row, Insert> = {
  find(db: Db, workspaceId: string, id: string, lock?: boolean): Promise<Row | undefined>;
  insert(db: Db, row: Insert): Promise<Row>;
  update(db: Db, workspaceId: string, id: string, changes: Partial<Insert>): Promise<Row | undefined>;
  remove(db: Db, workspaceId: string, id: string): Promise<void>;
  /** A contact's rows newest first by `at`, after the key `after` when given. */
  list(db: Db, workspaceId: string, contactId: string, after: { at: string; id: string } | undefined, take: number): Promise<Row[]>;
};

/**
 * The same five queries for any contact-element table, always led by the workspace. `at` is the
 * time a contact's list is ordered by: when the element was recorded (`created_at`, the default),
 * or when it happened (a call's start, a message's send time).
 */
export function elementRepo<T extends ElementTable>(table: T, at: PgColumn = table.createdAt): ElementRepo<T['$inferSelect'], T['$inferInsert']> {
  type Row = T['$inferSelect'];
  // Drizzle cannot type queries over a generic table; the columns used here exist on every ElementTable.
  const t = table as unknown as PgTable & ElementColumns;
  const key = (workspaceId: string, id: string): SQL => and(eq(t.workspaceId, workspaceId), eq(t.id, id))!;
  return {
    async find(db, workspaceId, id, lock = false) {
      const q = db.select().from(t).where(key(workspaceId, id)).limit(1);
      const rows = lock ? await q.for('update') : await q;
      return rows[0] as Row | undefined;
    },
    async insert(db, row) {
      const [inserted] = await db.insert(t).values(row as never).returning();
      return inserted as Row;
    },
    async update(db, workspaceId, id, changes) {
      const rows = await db
        .update(t)
        .set({ ...(changes as object), version: sql`${t.version} + 1` } as never)
        .where(key(workspaceId, id))
        .returning();
      return rows[0] as Row | undefined;
    },
    async remove(db, workspaceId, id) {
      await db.delete(t).where(key(workspaceId, id));
    },
    async list(db, workspaceId, contactId, after, take) {
      const where = [eq(t.workspaceId, workspaceId), eq(t.contactId, contactId)];
      if (after) where.push(sql`(${at}, ${t.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`);
      const rows = await db
        .select()
        .from(t)
        .where(and(...where))
        .orderBy(sql`${at} DESC, ${t.id} DESC`)
        .limit(take);
      return rows as Row[];
    },
  };
}
