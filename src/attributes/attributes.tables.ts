import { bigint, boolean, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export type AttributeType = 'text' | 'number' | 'date' | 'single_select' | 'multi_select' | 'boolean';
export type AttributeOption = { value: string; label: string };

export const contactAttributes = pgTable(
  'contact_attributes',
  {
    workspaceId: uuid('workspace_id').notNull(),
    id: uuid('id').notNull(),
    key: text('key').notNull(),
    label: text('label').notNull(),
    type: text('type').$type<AttributeType>().notNull(),
    options: jsonb('options').$type<AttributeOption[]>().notNull().default([]),
    required: boolean('required').notNull().default(false),
    position: integer('position').notNull(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    version: bigint('version', { mode: 'number' }).notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);
export type AttributeRow = typeof contactAttributes.$inferSelect;
