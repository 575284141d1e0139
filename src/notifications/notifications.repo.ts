import { and, eq, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../lib/db.ts';
import { notifications, type NotificationRow } from './notifications.tables.ts';

export async function insertNotificationRow(db: Db, row: typeof notifications.$inferInsert): Promise<void> {
  await db.insert(notifications).values(row);
}

/** Many at once, a thousand rows a statement (well under the parameter limit). */
export async function insertNotificationRows(db: Db, rows: (typeof notifications.$inferInsert)[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) await db.insert(notifications).values(rows.slice(i, i + 1000));
}

/** What a user sees: its own notifications and the workspace-wide ones (userId null). */
const visibleTo = (workspaceId: string, userId: string | null) =>
  and(eq(notifications.workspaceId, workspaceId), userId ? or(eq(notifications.userId, userId), isNull(notifications.userId)) : isNull(notifications.userId));

export async function listNotificationRows(
  db: Db,
  workspaceId: string,
  userId: string | null,
  opts: { unread: boolean },
  after: { at: string; id: string } | undefined,
  take: number,
): Promise<NotificationRow[]> {
  const where = [visibleTo(workspaceId, userId)];
  if (opts.unread) where.push(isNull(notifications.readAt));
  if (after) where.push(sql`(${notifications.createdAt}, ${notifications.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`);
  return db
    .select()
    .from(notifications)
    .where(and(...where))
    .orderBy(sql`${notifications.createdAt} DESC, ${notifications.id} DESC`)
    .limit(take);
}

/** Marks read (first read time wins); undefined when the notification is not visible to the user. */
export async function markNotificationRead(db: Db, workspaceId: string, userId: string | null, id: string, at: Date): Promise<NotificationRow | undefined> {
  const rows = await db
    .update(notifications)
    .set({ readAt: sql`coalesce(${notifications.readAt}, ${at.toISOString()}::timestamptz)` })
    .where(and(visibleTo(workspaceId, userId), eq(notifications.id, id)))
    .returning();
  return rows[0];
}

/** Marks every unread notification the user sees read (only one contact's when `contactId` is given); answers how many. */
export async function markAllNotificationsRead(db: Db, workspaceId: string, userId: string | null, opts: { contactId?: string }, at: Date): Promise<number> {
  const where = [visibleTo(workspaceId, userId), isNull(notifications.readAt)];
  if (opts.contactId) where.push(eq(notifications.contactId, opts.contactId));
  const rows = await db.update(notifications).set({ readAt: at }).where(and(...where)).returning({ id: notifications.id });
  return rows.length;
}
