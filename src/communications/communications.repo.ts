import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../lib/db.ts';
import { calls, emails, whatsappMessages, whatsappTemplates, type WhatsappTemplateRow } from './communications.tables.ts';

type CommTable = typeof calls | typeof emails | typeof whatsappMessages;

/**
 * The same five queries for each communication table; `at` is the event time the contact's list
 * is ordered by (when the call started, when the message was sent), not the recording time.
 */
function tableRepo<T extends CommTable>(table: T, at: PgColumn) {
  type Row = T['$inferSelect'];
  type Insert = T['$inferInsert'];
  const t = table as typeof calls; // the columns used below exist on every CommTable
  const key = (workspaceId: string, id: string): SQL => and(eq(t.workspaceId, workspaceId), eq(t.id, id))!;
  return {
    async find(db: Db, workspaceId: string, id: string, lock = false): Promise<Row | undefined> {
      const q = db.select().from(t).where(key(workspaceId, id)).limit(1);
      const rows = lock ? await q.for('update') : await q;
      return rows[0] as Row | undefined;
    },
    async insert(db: Db, row: Insert): Promise<Row> {
      const [inserted] = await db.insert(t).values(row as typeof calls.$inferInsert).returning();
      return inserted as Row;
    },
    async update(db: Db, workspaceId: string, id: string, changes: Partial<Insert>): Promise<Row | undefined> {
      const rows = await db
        .update(t)
        .set({ ...(changes as object), version: sql`${t.version} + 1` })
        .where(key(workspaceId, id))
        .returning();
      return rows[0] as Row | undefined;
    },
    async remove(db: Db, workspaceId: string, id: string): Promise<void> {
      await db.delete(t).where(key(workspaceId, id));
    },
    /** A contact's rows newest first by event time, after the key `after` when given. */
    async list(db: Db, workspaceId: string, contactId: string, after: { at: string; id: string } | undefined, take: number): Promise<Row[]> {
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

export const callsRepo = tableRepo(calls, calls.startedAt);
export const emailsRepo = tableRepo(emails, emails.sentAt);
export const whatsappRepo = tableRepo(whatsappMessages, whatsappMessages.sentAt);

/** The workspace's templates of this name (one per language). */
export async function findTemplatesByName(db: Db, workspaceId: string, name: string): Promise<WhatsappTemplateRow[]> {
  return db
    .select()
    .from(whatsappTemplates)
    .where(and(eq(whatsappTemplates.workspaceId, workspaceId), eq(whatsappTemplates.name, name)))
    .orderBy(whatsappTemplates.language);
}
