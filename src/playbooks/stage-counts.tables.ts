import { integer, pgTable, primaryKey, uuid } from 'drizzle-orm/pg-core';

/**
 * Live contacts per stage, a running total kept by the contacts triggers (migration 1300) beside
 * the day rows of playbook_stage_day_counts. The application only reads it (the board) and drops
 * a deleted stage's row; it never writes a count.
 */
export const playbookStageCounts = pgTable(
  'playbook_stage_counts',
  {
    workspaceId: uuid('workspace_id').notNull(),
    playbookId: uuid('playbook_id').notNull(),
    stageId: uuid('stage_id').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.playbookId, t.stageId] })],
);
