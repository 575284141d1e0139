import { bigint, char, date, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { authored, elementKey, ts } from '../lib/element-columns.ts';

export const deals = pgTable(
  'deals',
  {
    ...elementKey,
    title: text('title').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }),
    currency: char('currency', { length: 3 }),
    status: text('status').$type<'open' | 'won' | 'lost'>().notNull().default('open'),
    expectedCloseDate: date('expected_close_date', { mode: 'string' }),
    closedAt: ts('closed_at'),
    ...authored,
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

export type DealRow = typeof deals.$inferSelect;
