import { index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** What the Graph API answered for one message we sent (see migration 1020). */
export const whatsappCloudSends = pgTable(
  'whatsapp_cloud_sends',
  {
    workspaceId: uuid('workspace_id').notNull(),
    messageId: uuid('message_id').notNull(),
    integrationId: uuid('integration_id').notNull(),
    wamid: text('wamid'),
    attempts: integer('attempts').notNull().default(0),
    errorCode: integer('error_code'),
    errorMessage: text('error_message'),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.messageId] }), index('whatsapp_cloud_sends_wamid').on(t.workspaceId, t.wamid)],
);
export type WhatsappCloudSendRow = typeof whatsappCloudSends.$inferSelect;
