import { jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** In-app notifications: to a user, or to the whole workspace when `userId` is null. */
export const notifications = pgTable(
  'notifications',
  {
    workspaceId: uuid('workspace_id').notNull(),
    id: uuid('id').notNull(),
    userId: uuid('user_id'),
    type: text('type').notNull(),
    contactId: uuid('contact_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ts('created_at').notNull(),
    readAt: ts('read_at'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);
export type NotificationRow = typeof notifications.$inferSelect;
