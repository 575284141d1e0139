import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../lib/db.ts';
import { mailboxFolders, mailboxMessages, type MailboxFolderRow, type MailboxMessageRow } from './mailboxes.tables.ts';

export async function findFolder(db: Db, workspaceId: string, integrationId: string, folder: string): Promise<MailboxFolderRow | undefined> {
  return (await db.select().from(mailboxFolders).where(and(eq(mailboxFolders.workspaceId, workspaceId), eq(mailboxFolders.integrationId, integrationId), eq(mailboxFolders.folder, folder))).limit(1))[0];
}

/** Sets where a folder's fetch stands (a new UIDVALIDITY starts it again from `lastUid`). */
export async function saveFolder(db: Db, row: MailboxFolderRow): Promise<void> {
  await db
    .insert(mailboxFolders)
    .values(row)
    .onConflictDoUpdate({ target: [mailboxFolders.workspaceId, mailboxFolders.integrationId, mailboxFolders.folder], set: { uidValidity: row.uidValidity, lastUid: row.lastUid, syncedAt: row.syncedAt } });
}

export async function findMessage(db: Db, workspaceId: string, integrationId: string, messageId: string): Promise<MailboxMessageRow | undefined> {
  return (await db.select().from(mailboxMessages).where(and(eq(mailboxMessages.workspaceId, workspaceId), eq(mailboxMessages.integrationId, integrationId), eq(mailboxMessages.messageId, messageId))).limit(1))[0];
}

/** The newest of these ids any mailbox of the workspace knows (the thread a reply joins). */
export async function newestKnown(db: Db, workspaceId: string, messageIds: string[]): Promise<MailboxMessageRow | undefined> {
  if (!messageIds.length) return undefined;
  return (await db.select().from(mailboxMessages).where(and(eq(mailboxMessages.workspaceId, workspaceId), inArray(mailboxMessages.messageId, messageIds))).orderBy(desc(mailboxMessages.recordedAt)).limit(1))[0];
}

/** A thread's messages, oldest first (the References of a reply). */
export async function threadMessages(db: Db, workspaceId: string, threadId: string): Promise<MailboxMessageRow[]> {
  return (await db.select().from(mailboxMessages).where(and(eq(mailboxMessages.workspaceId, workspaceId), eq(mailboxMessages.threadId, threadId))).orderBy(desc(mailboxMessages.recordedAt)).limit(50)).reverse();
}

/** False when the message was recorded already (by an earlier run, or one racing this one). */
export async function insertMessage(db: Db, row: MailboxMessageRow): Promise<boolean> {
  return (await db.insert(mailboxMessages).values(row).onConflictDoNothing().returning({ id: mailboxMessages.messageId })).length > 0;
}
