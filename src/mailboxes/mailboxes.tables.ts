import { bigint, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** How far each folder of a mailbox has been read (1100_mailboxes.sql). */
export const mailboxFolders = pgTable(
  'mailbox_folders',
  {
    workspaceId: uuid('workspace_id').notNull(),
    integrationId: uuid('integration_id').notNull(),
    folder: text('folder').notNull(),
    uidValidity: bigint('uid_validity', { mode: 'number' }).notNull(),
    lastUid: bigint('last_uid', { mode: 'number' }).notNull().default(0),
    syncedAt: ts('synced_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.integrationId, t.folder] })],
);
export type MailboxFolderRow = typeof mailboxFolders.$inferSelect;

/** Every Message-ID a mailbox has seen or sent, once (the dedupe and the threads). */
export const mailboxMessages = pgTable(
  'mailbox_messages',
  {
    workspaceId: uuid('workspace_id').notNull(),
    integrationId: uuid('integration_id').notNull(),
    messageId: text('message_id').notNull(),
    emailId: uuid('email_id'),
    threadId: text('thread_id').notNull(),
    direction: text('direction').$type<'inbound' | 'outbound'>().notNull(),
    note: text('note'),
    recordedAt: ts('recorded_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.integrationId, t.messageId] }), index('mailbox_messages_thread').on(t.workspaceId, t.threadId, t.recordedAt)],
);
export type MailboxMessageRow = typeof mailboxMessages.$inferSelect;
