import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../lib/db.ts';
import { meetings, type MeetingRow } from './meetings.tables.ts';

export async function findMeetingRow(db: Db, workspaceId: string, id: string, lock = false): Promise<MeetingRow | undefined> {
  const q = db.select().from(meetings).where(and(eq(meetings.workspaceId, workspaceId), eq(meetings.id, id))).limit(1);
  const rows = lock ? await q.for('update') : await q;
  return rows[0];
}

export async function insertMeetingRow(db: Db, row: typeof meetings.$inferInsert): Promise<MeetingRow> {
  const [inserted] = await db.insert(meetings).values(row).returning();
  return inserted!;
}

export async function updateMeetingRow(db: Db, workspaceId: string, id: string, changes: Partial<typeof meetings.$inferInsert>): Promise<MeetingRow | undefined> {
  const rows = await db
    .update(meetings)
    .set({ ...changes, version: sql`${meetings.version} + 1` })
    .where(and(eq(meetings.workspaceId, workspaceId), eq(meetings.id, id)))
    .returning();
  return rows[0];
}

export async function deleteMeetingRow(db: Db, workspaceId: string, id: string): Promise<void> {
  await db.delete(meetings).where(and(eq(meetings.workspaceId, workspaceId), eq(meetings.id, id)));
}

/** A contact's meetings newest first, after the key `after` when given. */
export async function listMeetingRows(db: Db, workspaceId: string, contactId: string, after: { at: string; id: string } | undefined, take: number): Promise<MeetingRow[]> {
  const where = [eq(meetings.workspaceId, workspaceId), eq(meetings.contactId, contactId)];
  if (after) where.push(sql`(${meetings.createdAt}, ${meetings.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  return db
    .select()
    .from(meetings)
    .where(and(...where))
    .orderBy(sql`${meetings.createdAt} DESC, ${meetings.id} DESC`)
    .limit(take);
}
