import { bigint, char, date, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const deals = pgTable(
  'deals',
  {
    workspaceId: uuid('workspace_id').notNull(),
    id: uuid('id').notNull(),
    contactId: uuid('contact_id').notNull(),
    title: text('title').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }),
    currency: char('currency', { length: 3 }),
    status: text('status').$type<'open' | 'won' | 'lost'>().notNull().default('open'),
    expectedCloseDate: date('expected_close_date', { mode: 'string' }),
    closedAt: ts('closed_at'),
    authorType: text('author_type').notNull(),
    authorId: text('author_id'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    version: bigint('version', { mode: 'number' }).notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

export type DealRow = typeof deals.$inferSelect;
