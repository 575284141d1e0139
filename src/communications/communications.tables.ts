import { bigint, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { authored, elementKey, ts } from '../lib/element-columns.ts';

export type Direction = 'inbound' | 'outbound';
export type Purpose = 'transactional' | 'marketing';
export type CallOutcome = 'answered' | 'missed' | 'busy' | 'no_answer' | 'voicemail' | 'failed';
export type EmailStatus = 'received' | 'queued' | 'sent' | 'failed';
export type WhatsappType = 'text' | 'template' | 'media';
export type WhatsappStatus = 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

export const calls = pgTable(
  'calls',
  {
    ...elementKey,
    direction: text('direction').$type<Direction>().notNull(),
    outcome: text('outcome').$type<CallOutcome>().notNull(),
    startedAt: ts('started_at').notNull(),
    durationSeconds: integer('duration_seconds'),
    recordingUrl: text('recording_url'),
    ...authored,
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);
export type CallRow = typeof calls.$inferSelect;

export const emails = pgTable(
  'emails',
  {
    ...elementKey,
    direction: text('direction').$type<Direction>().notNull(),
    fromAddress: text('from_address'),
    toAddresses: text('to_addresses').array().notNull().default([]),
    subject: text('subject').notNull().default(''),
    body: text('body').notNull().default(''),
    messageId: text('message_id'),
    threadId: text('thread_id'),
    purpose: text('purpose').$type<Purpose>(),
    status: text('status').$type<EmailStatus>().notNull(),
    sentAt: ts('sent_at').notNull(),
    ...authored,
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);
export type EmailRow = typeof emails.$inferSelect;

export const whatsappMessages = pgTable(
  'whatsapp_messages',
  {
    ...elementKey,
    direction: text('direction').$type<Direction>().notNull(),
    type: text('type').$type<WhatsappType>().notNull(),
    body: text('body'),
    templateName: text('template_name'),
    templateLanguage: text('template_language'),
    templateVariables: jsonb('template_variables').$type<string[] | null>(),
    mediaUrl: text('media_url'),
    purpose: text('purpose').$type<Purpose>(),
    status: text('status').$type<WhatsappStatus>().notNull(),
    providerMessageId: text('provider_message_id'),
    sentAt: ts('sent_at').notNull(),
    ...authored,
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);
export type WhatsappMessageRow = typeof whatsappMessages.$inferSelect;

export const whatsappTemplates = pgTable(
  'whatsapp_templates',
  {
    workspaceId: uuid('workspace_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    language: text('language').notNull(),
    category: text('category').$type<'marketing' | 'utility' | 'authentication'>().notNull(),
    body: text('body').notNull(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    version: bigint('version', { mode: 'number' }).notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })],
);
export type WhatsappTemplateRow = typeof whatsappTemplates.$inferSelect;

export const outboundDeliveries = pgTable(
  'outbound_deliveries',
  {
    workspaceId: uuid('workspace_id').notNull(),
    channel: text('channel').$type<'whatsapp' | 'email'>().notNull(),
    messageId: uuid('message_id').notNull(),
    contactId: uuid('contact_id').notNull(),
    recipient: text('recipient').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    providerMessageId: text('provider_message_id').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.channel, t.messageId] })],
);
