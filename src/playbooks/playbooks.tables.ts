import { bigint, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export type StageKind = 'open' | 'won' | 'lost';

export const playbooks = pgTable(
  'playbooks',
  {
    workspaceId: uuid('workspace_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    position: integer('position').notNull(),
    archivedAt: ts('archived_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    version: bigint('version', { mode: 'number' }).notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);
export type PlaybookRow = typeof playbooks.$inferSelect;

export const playbookStages = pgTable(
  'playbook_stages',
  {
    workspaceId: uuid('workspace_id').notNull(),
    id: uuid('id').notNull(),
    playbookId: uuid('playbook_id').notNull(),
    name: text('name').notNull(),
    kind: text('kind').$type<StageKind>().notNull(),
    position: integer('position').notNull(),
    staleAfterDays: integer('stale_after_days'),
    archivedAt: ts('archived_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    version: bigint('version', { mode: 'number' }).notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);
export type StageRow = typeof playbookStages.$inferSelect;

export const contactStageHistory = pgTable(
  'contact_stage_history',
  {
    workspaceId: uuid('workspace_id').notNull(),
    id: uuid('id').notNull(),
    contactId: uuid('contact_id').notNull(),
    fromPlaybookId: uuid('from_playbook_id'),
    fromStageId: uuid('from_stage_id'),
    toPlaybookId: uuid('to_playbook_id'),
    toStageId: uuid('to_stage_id'),
    changedAt: ts('changed_at').notNull(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    source: text('source').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);
export type StageHistoryRow = typeof contactStageHistory.$inferSelect;
