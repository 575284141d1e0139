import { bigint, boolean, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const contacts = pgTable(
  'contacts',
  {
    workspaceId: uuid('workspace_id').notNull(),
    id: uuid('id').notNull(),
    firstName: text('first_name').notNull().default(''),
    lastName: text('last_name').notNull().default(''),
    email: text('email'),
    phone: text('phone'),
    whatsappUserId: text('whatsapp_user_id'),
    company: text('company'),
    additionalEmails: text('additional_emails').array().notNull().default([]),
    additionalPhones: text('additional_phones').array().notNull().default([]),
    ownerId: uuid('owner_id'),
    source: text('source').notNull(),
    sourceDetail: text('source_detail'),
    externalRefId: text('external_ref_id'),
    externalRefUrl: text('external_ref_url'),
    crmLinks: jsonb('crm_links').$type<Record<string, { id: string; lastSyncedAt: string | null }>>().notNull().default({}),
    consentTransactionalWhatsapp: boolean('consent_transactional_whatsapp').notNull().default(true),
    consentTransactionalEmail: boolean('consent_transactional_email').notNull().default(true),
    consentMarketingWhatsapp: boolean('consent_marketing_whatsapp').notNull().default(false),
    consentMarketingEmail: boolean('consent_marketing_email').notNull().default(false),
    mergedIntoId: uuid('merged_into_id'),
    // Attention and ignore (src/attention): derived in the transaction that records a communication.
    ignoredAt: ts('ignored_at'),
    attentionResetAt: ts('attention_reset_at'),
    attentionSince: ts('attention_since'),
    attentionWhatsappSince: ts('attention_whatsapp_since'),
    attentionCallSince: ts('attention_call_since'),
    attentionEmailSince: ts('attention_email_since'),
    lastInboundWhatsappAt: ts('last_inbound_whatsapp_at'),
    playbookId: uuid('playbook_id'),
    stageId: uuid('stage_id'),
    stageEnteredAt: ts('stage_entered_at'),
    customAttributes: jsonb('custom_attributes').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    deletedAt: ts('deleted_at'),
    version: bigint('version', { mode: 'number' }).notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

export type ContactRow = typeof contacts.$inferSelect;

export const contactIdentifiers = pgTable(
  'contact_identifiers',
  {
    workspaceId: uuid('workspace_id').notNull(),
    kind: text('kind').$type<IdentifierKind>().notNull(),
    value: text('value').notNull(),
    contactId: uuid('contact_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.kind, t.value] })],
);

export type IdentifierKind = 'email' | 'phone' | 'whatsapp' | 'external_ref';

export const contactEvents = pgTable(
  'contact_events',
  {
    workspaceId: uuid('workspace_id').notNull(),
    id: uuid('id').notNull(),
    contactId: uuid('contact_id').notNull(),
    type: text('type').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    occurredAt: ts('occurred_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

export const consentRecords = pgTable(
  'consent_records',
  {
    workspaceId: uuid('workspace_id').notNull(),
    id: uuid('id').notNull(),
    contactId: uuid('contact_id').notNull(),
    consent: text('consent').$type<ConsentName>().notNull(),
    value: boolean('value').notNull(),
    changedAt: ts('changed_at').notNull(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    source: text('source').notNull(),
    proof: jsonb('proof').$type<Record<string, unknown> | null>(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

/**
 * A created contact's four starting consents in one row (migration 1120): the records' ids, values
 * and "given explicitly" flags in `CREATED_CONSENTS` order. The consent history shows them as four
 * records with proof `{ reason: 'contact_created', explicit }`.
 */
export const consentStarts = pgTable(
  'consent_starts',
  {
    workspaceId: uuid('workspace_id').notNull(),
    id: uuid('id').notNull(),
    contactId: uuid('contact_id').notNull(),
    ids: uuid('ids').array().notNull(),
    vals: boolean('vals').array().notNull(),
    explicit: boolean('explicit').array().notNull(),
    changedAt: ts('changed_at').notNull(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    source: text('source').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);

export type ConsentName = 'transactionalWhatsapp' | 'transactionalEmail' | 'marketingWhatsapp' | 'marketingEmail';
