import { z } from 'zod';
import { Author, Instant } from '../lib/http/element-schemas.ts';
import { HttpUrl, singleLineText, multiLineText } from '../lib/http/common-schemas.ts';

export const Direction = z.enum(['inbound', 'outbound']);
export const Purpose = z.enum(['transactional', 'marketing']).meta({ description: 'Decides which consent the message needs' });
export const CallOutcome = z.enum(['answered', 'missed', 'busy', 'no_answer', 'voicemail', 'failed']);
export const WhatsappType = z.enum(['text', 'template', 'media']);
export const WhatsappDeliveryStatus = z.enum(['sent', 'delivered', 'read', 'failed']);

const EmailAddress = z.email({ message: 'must be an email address' }).max(320);
const when = (what: string) => Instant.optional().meta({ description: `${what}; defaults to now. Not in the future.` });

// ---- calls ----
export const CallCreate = z
  .object({
    direction: Direction,
    outcome: CallOutcome,
    startedAt: when('When the call started'),
    durationSeconds: z.number().int().min(0).max(86_400).nullish(),
    recordingUrl: HttpUrl.nullish(),
  })
  .strict().meta({ id: 'CallCreate' });
export type CallCreate = z.infer<typeof CallCreate>;

export const CallUpdate = z
  .object({
    outcome: CallOutcome.optional(),
    durationSeconds: z.number().int().min(0).max(86_400).nullish(),
    recordingUrl: HttpUrl.nullish(),
  })
  .strict().meta({ id: 'CallUpdate' });
export type CallUpdate = z.infer<typeof CallUpdate>;

export const Call = z.object({
  id: z.uuid(),
  contactId: z.uuid(),
  direction: Direction,
  outcome: CallOutcome,
  startedAt: z.string(),
  durationSeconds: z.number().int().nullable(),
  recordingUrl: z.string().nullable(),
  author: Author,
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
}).meta({ id: 'Call' });
export type Call = z.infer<typeof Call>;

// ---- emails ----
const subject = singleLineText(998);
const body = multiLineText(200_000);

export const EmailCreate = z
  .object({
    direction: Direction,
    from: EmailAddress.nullish(),
    to: z.array(EmailAddress).max(100).optional(),
    subject: subject.optional(),
    body: body.optional(),
    messageId: z.string().min(1).max(998).nullish().meta({ description: 'RFC 5322 Message-ID; unique in the workspace' }),
    threadId: z.string().min(1).max(998).nullish(),
    sentAt: when('When it was sent'),
  })
  .strict().meta({ id: 'EmailCreate' });
export type EmailCreate = z.infer<typeof EmailCreate>;

export const EmailSend = z
  .object({
    purpose: Purpose,
    subject: subject.min(1, { message: 'must not be empty' }),
    body: body.min(1, { message: 'must not be empty' }),
    to: z.array(EmailAddress).min(1).max(100).optional().meta({ description: "Defaults to the contact's primary email" }),
    from: EmailAddress.optional().meta({ description: "Defaults to the workspace's sender" }),
    threadId: z.string().min(1).max(998).optional(),
  })
  .strict().meta({ id: 'EmailSend' });
export type EmailSend = z.infer<typeof EmailSend>;

export const Email = z.object({
  id: z.uuid(),
  contactId: z.uuid(),
  direction: Direction,
  from: z.string().nullable(),
  to: z.array(z.string()),
  subject: z.string(),
  body: z.string(),
  messageId: z.string().nullable(),
  threadId: z.string().nullable(),
  purpose: Purpose.nullable(),
  status: z.enum(['received', 'queued', 'sent', 'failed']),
  sentAt: z.string(),
  author: Author,
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
}).meta({ id: 'Email' });
export type Email = z.infer<typeof Email>;

// ---- WhatsApp ----
const waText = multiLineText(4096).min(1, { message: 'must not be empty' });
export const TemplateName = z.string().regex(/^[a-z0-9_]{1,512}$/, { message: 'lower-case letters, digits and underscores' });
export const TemplateLanguage = z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, { message: 'a language code such as es or es_ES' });

/** A message the contact sent us (the API now, the channel webhook later). */
export const WhatsappInbound = z
  .object({
    direction: z.literal('inbound'),
    type: WhatsappType.default('text'),
    body: multiLineText(4096).nullish(),
    templateName: TemplateName.nullish(),
    mediaUrl: HttpUrl.nullish(),
    providerMessageId: z.string().min(1).max(256).nullish().meta({ description: 'Unique in the workspace' }),
    sentAt: when('When the contact sent it'),
  })
  .strict();

/** A message we send: free-form text (needs the 24-hour window) or an approved template. */
export const WhatsappOutbound = z
  .object({
    direction: z.literal('outbound'),
    purpose: Purpose,
    text: waText.optional().meta({ description: 'Free-form text; only inside the 24-hour window' }),
    template: z
      .object({ name: TemplateName, language: TemplateLanguage.optional(), variables: z.array(z.string().max(1024)).max(50).optional() })
      .strict()
      .optional(),
  })
  .strict();

export const WhatsappCreate = z.discriminatedUnion('direction', [WhatsappInbound, WhatsappOutbound]).meta({ id: 'WhatsappMessageCreate' });
export type WhatsappCreate = z.infer<typeof WhatsappCreate>;
export type WhatsappInbound = z.infer<typeof WhatsappInbound>;
export type WhatsappOutbound = z.infer<typeof WhatsappOutbound>;

export const WhatsappUpdate = z
  .object({ status: WhatsappDeliveryStatus.meta({ description: 'Delivery status reported by the provider' }) })
  .strict().meta({ id: 'WhatsappMessageStatusUpdate' });
export type WhatsappUpdate = z.infer<typeof WhatsappUpdate>;

export const WhatsappMessage = z.object({
  id: z.uuid(),
  contactId: z.uuid(),
  direction: Direction,
  type: WhatsappType,
  body: z.string().nullable(),
  templateName: z.string().nullable(),
  templateLanguage: z.string().nullable(),
  templateVariables: z.array(z.string()).nullable(),
  mediaUrl: z.string().nullable(),
  purpose: Purpose.nullable(),
  status: z.enum(['received', 'queued', 'sent', 'delivered', 'read', 'failed']),
  providerMessageId: z.string().nullable(),
  sentAt: z.string(),
  author: Author,
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
}).meta({ id: 'WhatsappMessage' });
export type WhatsappMessage = z.infer<typeof WhatsappMessage>;
