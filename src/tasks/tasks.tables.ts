import { bigint, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const tasks = pgTable(
  'tasks',
  {
    workspaceId: uuid('workspace_id').notNull(),
    id: uuid('id').notNull(),
    contactId: uuid('contact_id').notNull(),
    title: text('title').notNull(),
    dueAt: ts('due_at'),
    assigneeId: uuid('assignee_id'),
    status: text('status').$type<'pending' | 'done'>().notNull().default('pending'),
    completedAt: ts('completed_at'),
    authorType: text('author_type').notNull(),
    authorId: text('author_id'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    version: bigint('version', { mode: 'number' }).notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

export type TaskRow = typeof tasks.$inferSelect;
