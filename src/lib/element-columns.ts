import { bigint, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Timestamps are always `timestamptz`, read as JS Dates. */
export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Columns every related element of a contact has (deals, tasks, calls, documents…), spread into
 * each table so they are named and typed the same everywhere: the key, leading with the workspace…
 */
export const elementKey = {
  workspaceId: uuid('workspace_id').notNull(),
  id: uuid('id').notNull(),
  contactId: uuid('contact_id').notNull(),
};

/** …and who made it, when, and its version for If-Match. */
export const authored = {
  authorType: text('author_type').notNull(),
  authorId: text('author_id'),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
  version: bigint('version', { mode: 'number' }).notNull().default(1),
};
