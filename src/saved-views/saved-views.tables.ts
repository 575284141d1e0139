import { bigint, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const savedViews = pgTable(
  'saved_views',
  {
    workspaceId: uuid('workspace_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    filter: jsonb('filter').$type<Record<string, unknown> | null>(),
    sort: text('sort').notNull(),
    columns: jsonb('columns').$type<string[]>().notNull().default([]),
    visibility: text('visibility').$type<'private' | 'shared'>().notNull(),
    ownerPrincipal: text('owner_principal').notNull(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    version: bigint('version', { mode: 'number' }).notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);
export type SavedViewRow = typeof savedViews.$inferSelect;
