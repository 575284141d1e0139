import { pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { authored, elementKey, ts } from '../lib/element-columns.ts';

export const tasks = pgTable(
  'tasks',
  {
    ...elementKey,
    title: text('title').notNull(),
    dueAt: ts('due_at'),
    assigneeId: uuid('assignee_id'),
    status: text('status').$type<'pending' | 'done'>().notNull().default('pending'),
    completedAt: ts('completed_at'),
    ...authored,
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

export type TaskRow = typeof tasks.$inferSelect;
