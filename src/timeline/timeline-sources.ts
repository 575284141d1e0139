import type { z } from 'zod';
import {
  TimelineCallData,
  TimelineCommentData,
  TimelineDealData,
  TimelineDocumentData,
  TimelineEmailData,
  TimelineMeetingData,
  TimelineTaskData,
  TimelineWhatsappMessageData,
} from './timeline.schema.ts';

/**
 * How an API field is read from its column. Timestamps and dates are formatted in SQL from the
 * column's type, never by recognising a value: a comment that reads "2026-11-24T08:00:00Z" is
 * text and comes back as written.
 */
export type Field = { column: string; as: 'value' | 'instant' | 'date' };

const value = (column: string): Field => ({ column, as: 'value' });
const instant = (column: string): Field => ({ column, as: 'instant' });
const date = (column: string): Field => ({ column, as: 'date' });

/** Exactly one field spec per key of the entry's data schema: no more, none missing. */
type FieldsOf<S extends z.ZodObject> = { [K in keyof z.output<S>]-?: Field };

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
  /** Column holding the item type when the table stores it per row; defaults to `type`. */
  typeColumn?: string;
  actorTypeColumn: string;
  actorIdColumn: string;
  /**
   * `data` as an allow-list, API field → column. Without it, `dataColumn` is sent as it is: only
   * for contact_events, whose `data` is built in API shape by the code that records the event.
   */
  fields?: Record<string, Field>;
  dataColumn?: string;
  /**
   * Columns deliberately not shown. With the columns the item and `fields` use, they must be all
   * of the table's columns (a test checks it), so a new column is shown or hidden by decision.
   */
  hidden: string[];
};

/** Element columns the timeline does not show: it is the contact's timeline, and `version` serves If-Match on the element's own resource. */
const ELEMENT_HIDDEN = ['workspace_id', 'contact_id', 'version'];

function element<S extends z.ZodObject>(
  type: string,
  table: string,
  occurredAt: string,
  _data: S,
  fields: FieldsOf<S>,
  hidden: string[] = [],
): TimelineSource {
  return { type, table, occurredAt, actorTypeColumn: 'author_type', actorIdColumn: 'author_id', fields, hidden: [...ELEMENT_HIDDEN, ...hidden] };
}

const stamps = { createdAt: instant('created_at'), updatedAt: instant('updated_at') };

export const TIMELINE_SOURCES: TimelineSource[] = [
  {
    type: 'contact',
    table: 'contact_events',
    occurredAt: 'occurred_at',
    typeColumn: 'type',
    actorTypeColumn: 'actor_type',
    actorIdColumn: 'actor_id',
    dataColumn: 'data',
    hidden: ['workspace_id', 'contact_id'],
  },
  element('deal', 'deals', 'created_at', TimelineDealData, {
    title: value('title'),
    amountMinor: value('amount_minor'),
    currency: value('currency'),
    status: value('status'),
    expectedCloseDate: date('expected_close_date'),
    closedAt: instant('closed_at'),
    ...stamps,
  }),
  element('meeting', 'meetings', 'created_at', TimelineMeetingData, {
    title: value('title'),
    startsAt: instant('starts_at'),
    endsAt: instant('ends_at'),
    location: value('location'),
    link: value('link'),
    source: value('source'),
    ...stamps,
  }),
  element('task', 'tasks', 'created_at', TimelineTaskData, {
    title: value('title'),
    dueAt: instant('due_at'),
    assigneeId: value('assignee_id'),
    status: value('status'),
    completedAt: instant('completed_at'),
    ...stamps,
  }),
  element('comment', 'comments', 'created_at', TimelineCommentData, { body: value('body'), ...stamps }),
  element(
    'document',
    'documents',
    'created_at',
    TimelineDocumentData,
    { name: value('name'), contentType: value('content_type'), sizeBytes: value('size_bytes'), sha256: value('sha256'), ...stamps },
    ['storage_key'], // where the file lies in storage: internal
  ),
  element('call', 'calls', 'started_at', TimelineCallData, {
    direction: value('direction'),
    outcome: value('outcome'),
    startedAt: instant('started_at'),
    durationSeconds: value('duration_seconds'),
    recordingUrl: value('recording_url'),
    ...stamps,
  }),
  element('email', 'emails', 'sent_at', TimelineEmailData, {
    direction: value('direction'),
    from: value('from_address'),
    to: value('to_addresses'),
    subject: value('subject'),
    body: value('body'),
    messageId: value('message_id'),
    threadId: value('thread_id'),
    purpose: value('purpose'),
    status: value('status'),
    sentAt: instant('sent_at'),
    ...stamps,
  }),
  element('whatsapp_message', 'whatsapp_messages', 'sent_at', TimelineWhatsappMessageData, {
    direction: value('direction'),
    type: value('type'),
    body: value('body'),
    templateName: value('template_name'),
    templateLanguage: value('template_language'),
    templateVariables: value('template_variables'),
    mediaUrl: value('media_url'),
    purpose: value('purpose'),
    status: value('status'),
    providerMessageId: value('provider_message_id'),
    sentAt: instant('sent_at'),
    ...stamps,
  }),
];

/** Every column of its table a source accounts for: read for the item or its data, or hidden on purpose. */
export function columnsOf(s: TimelineSource): string[] {
  const used = ['id', s.occurredAt, s.actorTypeColumn, s.actorIdColumn, ...(s.typeColumn ? [s.typeColumn] : []), ...(s.dataColumn ? [s.dataColumn] : [])];
  const fields = Object.values(s.fields ?? {}).map((f) => f.column);
  return [...new Set([...used, ...fields, ...s.hidden])].sort();
}
