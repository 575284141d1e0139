import { sql, type SQL } from 'drizzle-orm';

/**
 * Everything that can appear on a contact's timeline, one entry per table. The timeline is a
 * UNION ALL over these entries, each read newest first through its
 * `(workspace_id, contact_id, <occurredAt>, id)` index, so adding a source is adding an entry
 * here (and that index). `occurredAt` must not change after insert, or a cursor could skip or
 * repeat the row.
 */
export type TimelineSource = {
  /** The item type, or for a table holding many (contact_events) the family prefix. */
  type: string;
  table: string;
  /** Column the timeline orders by. */
  occurredAt: string;
  /** SQL expression of the item type when the table stores it per row; defaults to `type`. */
  typeColumn?: string;
  actorTypeColumn: string;
  actorIdColumn: string;
  /** jsonb expression over alias `t`; defaults to the row minus the columns the item already says. */
  data?: SQL;
  /** Row columns never shown (storage internals). */
  hidden?: string[];
  /** Columns whose API field is not their camelCase name: column → field. */
  renamed?: Record<string, string>;
};

const authored = { actorTypeColumn: 'author_type', actorIdColumn: 'author_id' };

export const TIMELINE_SOURCES: TimelineSource[] = [
  {
    type: 'contact',
    table: 'contact_events',
    occurredAt: 'occurred_at',
    typeColumn: 'type',
    actorTypeColumn: 'actor_type',
    actorIdColumn: 'actor_id',
    data: sql.raw('t.data'),
  },
  { type: 'deal', table: 'deals', occurredAt: 'created_at', ...authored },
  { type: 'meeting', table: 'meetings', occurredAt: 'created_at', ...authored },
  { type: 'task', table: 'tasks', occurredAt: 'created_at', ...authored },
  { type: 'comment', table: 'comments', occurredAt: 'created_at', ...authored },
  { type: 'document', table: 'documents', occurredAt: 'created_at', hidden: ['storage_key'], ...authored },
  { type: 'call', table: 'calls', occurredAt: 'started_at', ...authored },
  { type: 'email', table: 'emails', occurredAt: 'sent_at', renamed: { from_address: 'from', to_addresses: 'to' }, ...authored },
  { type: 'whatsapp_message', table: 'whatsapp_messages', occurredAt: 'sent_at', ...authored },
];

/** The columns every item carries outside `data`. */
export const ITEM_COLUMNS = ['workspace_id', 'contact_id', 'id', 'author_type', 'author_id', 'version'];
