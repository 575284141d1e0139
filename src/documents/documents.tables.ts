import { bigint, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { authored, elementKey } from '../lib/element-columns.ts';

export const documents = pgTable(
  'documents',
  {
    ...elementKey,
    name: text('name').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    storageKey: text('storage_key').notNull(),
    ...authored,
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

export type DocumentRow = typeof documents.$inferSelect;
