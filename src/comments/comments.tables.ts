import { pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { authored, elementKey } from '../lib/element-columns.ts';

export const comments = pgTable(
  'comments',
  {
    ...elementKey,
    body: text('body').notNull(),
    ...authored,
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

export type CommentRow = typeof comments.$inferSelect;
