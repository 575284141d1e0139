import { pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { authored, elementKey, ts } from '../lib/element-columns.ts';

export const meetings = pgTable(
  'meetings',
  {
    ...elementKey,
    title: text('title').notNull(),
    startsAt: ts('starts_at').notNull(),
    endsAt: ts('ends_at').notNull(),
    location: text('location'),
    link: text('link'),
    source: text('source').$type<'manual' | 'calendly'>().notNull().default('manual'),
    ...authored,
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

export type MeetingRow = typeof meetings.$inferSelect;
