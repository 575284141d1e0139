import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export type Provider = 'whatsapp' | 'typeform' | 'calendly' | 'web_form' | 'twilio' | 'aircall' | 'meta_lead_ads' | 'email_mailbox' | 'sendgrid_inbound' | 'mailgun_inbound' | 'bankflip';
export type EventStatus = 'received' | 'processed' | 'failed';

export const integrations = pgTable(
  'integrations',
  {
    workspaceId: uuid('workspace_id').notNull(),
    id: uuid('id').notNull(),
    provider: text('provider').$type<Provider>().notNull(),
    name: text('name').notNull(),
    settings: jsonb('settings').$type<Record<string, string>>().notNull().default({}),
    secretsSealed: text('secrets_sealed').notNull(),
    secretNames: text('secret_names').array().notNull().default([]),
    lastEventAt: ts('last_event_at'),
    lastError: text('last_error'),
    lastErrorAt: ts('last_error_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    version: bigint('version', { mode: 'number' }).notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] }), uniqueIndex('integrations_by_id').on(t.id)],
);
export type IntegrationRow = typeof integrations.$inferSelect;

export const integrationEvents = pgTable(
  'integration_events',
  {
    workspaceId: uuid('workspace_id').notNull(),
    id: uuid('id').notNull(),
    integrationId: uuid('integration_id').notNull(),
    eventKey: text('event_key').notNull(),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<unknown>().notNull(),
    status: text('status').$type<EventStatus>().notNull(),
    reason: text('reason'),
    attempts: integer('attempts').notNull().default(0),
    receivedAt: ts('received_at').notNull(),
    processedAt: ts('processed_at'),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.id] }),
    uniqueIndex('integration_events_key').on(t.workspaceId, t.integrationId, t.eventKey),
    index('integration_events_recent').on(t.workspaceId, t.integrationId, t.receivedAt, t.id),
  ],
);
export type IntegrationEventRow = typeof integrationEvents.$inferSelect;
