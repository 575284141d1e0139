import { z } from 'zod';
import { singleLineText } from '../lib/http/common-schemas.ts';

/** Provider ids as they appear in `/v1/hooks/{provider}/{integrationId}`. */
export const PROVIDERS = ['whatsapp', 'typeform', 'calendly', 'web_form', 'twilio', 'aircall', 'meta_lead_ads', 'email_mailbox', 'sendgrid_inbound', 'mailgun_inbound', 'bankflip'] as const;
export const Provider = z.enum(PROVIDERS).meta({ id: 'IntegrationProvider', description: 'The outside service' });

const Token = (what: string) => singleLineText(512).trim().min(1).meta({ description: what });
const GraphId = (what: string) => z.string().regex(/^\d{1,32}$/, 'must be the numeric id Meta shows').meta({ description: what });

export const WhatsappSettings = z
  .object({
    phoneNumberId: GraphId('Phone number ID (WhatsApp → API Setup)'),
    wabaId: GraphId('WhatsApp Business Account ID'),
    verifyToken: Token('The verify token you type into the App Dashboard webhook settings'),
  })
  .strict().meta({ id: 'WhatsappIntegrationSettings' });

export const WhatsappSecrets = z
  .object({
    appSecret: Token('App Secret (App Dashboard → Settings → Basic): signs webhooks'),
    accessToken: Token('System-user access token: sends messages, downloads media'),
  })
  .strict().meta({ id: 'WhatsappIntegrationSecrets' });

/**
 * Typeform: answers map to contact fields by the question's ref, as `map.<ref>` = target
 * (email, phone, fullName, firstName, lastName, company, ignore, or consent:<ConsentName>).
 * Unmapped questions follow their type (email, phone_number, a short_text named like name or
 * nombre, a legal question as consent to marketing email).
 */
export const MAPPING_TARGETS = ['email', 'phone', 'fullName', 'firstName', 'lastName', 'company', 'ignore', 'consent:transactionalWhatsapp', 'consent:transactionalEmail', 'consent:marketingWhatsapp', 'consent:marketingEmail'] as const;
export const FieldMapping = z
  .record(z.string().regex(/^map\.[A-Za-z0-9_.-]{1,100}$/, 'must be map.<field ref>'), z.enum(MAPPING_TARGETS))
  .refine((r) => Object.keys(r).length <= 100, 'at most 100 mapped fields')
  .meta({ id: 'FieldMappingSettings', description: '`map.<field ref>`: the contact field (or consent) an answer goes to' });
export const TypeformSecrets = z.object({ secret: Token('The webhook secret set on the form (Connect → Webhooks → Edit → Secret): signs deliveries') }).strict().meta({ id: 'TypeformIntegrationSecrets' });
export const CalendlySettings = z.object({}).strict().meta({ id: 'CalendlyIntegrationSettings' });
export const CalendlySecrets = z.object({ signingKey: Token('The signing_key given when creating the webhook subscription') }).strict().meta({ id: 'CalendlyIntegrationSecrets' });

const CONSENT_KEYS = ['transactionalWhatsapp', 'transactionalEmail', 'marketingWhatsapp', 'marketingEmail'];
const HTTPS_ORIGIN = /^https:\/\/[a-z0-9.-]+(:\d{1,5})?$/i;
/** A thank-you URL that cannot send visitors elsewhere than the team meant: https, or a path on the same site. */
export const safeRedirect = (v: string) => (/^\/(?![/\\])/.test(v) && !/[\s\\]/.test(v)) || (/^https:\/\/[^\s\\]+$/i.test(v) && URL.canParse(v));
/**
 * Web form: `thankYouUrl` (https or a relative path) for HTML posts, `origins` (https origins,
 * space separated) allowed by CORS, `honeypot` (the hidden field's name, default `website`),
 * `consentText.<consent>` (the text shown beside the checkbox `consent.<consent>`), and
 * `map.<posted field>` = target as for Typeform (by default the fields are named email, phone,
 * name, firstName, lastName, company).
 */
export const WebFormSettings = z
  .record(z.string().max(120), z.string().max(2000))
  .superRefine((r, ctx) => {
    if (Object.keys(r).length > 100) ctx.addIssue({ code: 'custom', message: 'at most 100 settings' });
    for (const [k, v] of Object.entries(r)) {
      const bad = (message: string) => ctx.addIssue({ code: 'custom', message, path: [k] });
      if (k === 'thankYouUrl') { if (!safeRedirect(v)) bad('must be an https URL or a path starting with /'); }
      else if (k === 'origins') { if (!v.split(/[\s,]+/).filter(Boolean).every((o) => HTTPS_ORIGIN.test(o))) bad('must be https origins (https://host[:port]), space separated'); }
      else if (k === 'honeypot') { if (!/^[A-Za-z0-9_-]{1,64}$/.test(v)) bad('must be a field name'); }
      else if (k.startsWith('consentText.')) { if (!CONSENT_KEYS.includes(k.slice(12))) bad('unknown consent'); }
      else if (k.startsWith('map.')) { if (!/^map\.[A-Za-z0-9_.-]{1,100}$/.test(k) || !(MAPPING_TARGETS as readonly string[]).includes(v)) bad(`must map to one of ${MAPPING_TARGETS.join(', ')}`); }
      else bad('unknown setting');
    }
  })
  .meta({ id: 'WebFormIntegrationSettings' });
export const WebFormSecrets = z.object({ timestampKey: Token('Optional: signs the `_ts` field your page renders (`<unix>.<hex HMAC-SHA256(key, unix)>`); when set, posts without a fresh one are refused').optional() }).strict().meta({ id: 'WebFormIntegrationSecrets' });

/** Twilio: the account whose callbacks are accepted, and the public URL Twilio calls (when a proxy changes the host). */
export const TwilioSettings = z
  .object({
    accountSid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must be the Account SID (AC + 32 hex digits)').optional().meta({ description: 'Account SID (Console → Account info); callbacks of other accounts are refused' }),
    publicBaseUrl: z.string().max(300).regex(/^https?:\/\/[^\s/?#]+$/, 'must be a scheme and host, like https://crm.example.com').optional().meta({ description: 'The scheme and host Twilio calls, when a proxy in front of this server changes them (the signature covers the URL)' }),
  })
  .strict().meta({ id: 'TwilioIntegrationSettings' });
export const TwilioSecrets = z.object({ authToken: Token("The account's primary Auth Token: signs callbacks (an API key cannot)") }).strict().meta({ id: 'TwilioIntegrationSecrets' });
export const AircallSettings = z.object({}).strict().meta({ id: 'AircallIntegrationSettings' });
export const AircallSecrets = z.object({ token: Token("The webhook's token (Integrations → Webhook, or the `token` of POST /v1/webhooks): sent in every payload") }).strict().meta({ id: 'AircallIntegrationSecrets' });
/**
 * Meta lead ads: `verifyToken` (typed into the App Dashboard webhook), `pageId` (optional: leads of
 * other pages are refused), and `map.<question key>` = target as for Typeform (standard keys
 * full_name, first_name, last_name, email, phone_number, company_name map by default; a
 * disclaimer checkbox key maps to a consent, by default marketing email).
 */
export const MetaLeadAdsSettings = z
  .record(z.string().max(120), z.string().max(512))
  .superRefine((r, ctx) => {
    if (Object.keys(r).length > 100) ctx.addIssue({ code: 'custom', message: 'at most 100 settings' });
    for (const [k, v] of Object.entries(r)) {
      const bad = (message: string) => ctx.addIssue({ code: 'custom', message, path: [k] });
      if (k === 'verifyToken') { if (!v.trim() || v.includes('\n') || v.includes('\r')) bad('must be a non-empty line of text'); }
      else if (k === 'pageId') { if (!/^\d{1,32}$/.test(v)) bad('must be the numeric id Meta shows'); }
      else if (k.startsWith('map.')) { if (!/^map\.[A-Za-z0-9_.-]{1,100}$/.test(k) || !(MAPPING_TARGETS as readonly string[]).includes(v)) bad(`must map to one of ${MAPPING_TARGETS.join(', ')}`); }
      else bad('unknown setting');
    }
  })
  .meta({ id: 'MetaLeadAdsIntegrationSettings' });
export const MetaLeadAdsSecrets = z
  .object({
    appSecret: Token('App Secret (App Dashboard → Settings → Basic): signs webhooks'),
    pageAccessToken: Token('A page access token with leads_retrieval: reads each lead from the Graph API'),
  })
  .strict().meta({ id: 'MetaLeadAdsIntegrationSecrets' });

/**
 * The team's own mailbox (IMAP in, SMTP out). Ports are strings, as every setting is; `tls` is
 * `tls` (implicit, 993/465), `starttls` (587/143) or `none` (only for a server on your own network).
 */
const MailHost = singleLineText(253).trim().regex(/^[A-Za-z0-9.-]+$/, 'must be a host name or an IPv4 address').meta({ description: 'Host name of the server' });
const MailPort = z.string().regex(/^\d{1,5}$/, 'must be a port number, as a string').refine((v) => Number(v) >= 1 && Number(v) <= 65535, 'must be between 1 and 65535');
const MailTls = z.enum(['tls', 'starttls', 'none']);
const mailboxFields = {
  address: z.email({ message: 'must be an email address' }).max(320).meta({ description: 'The mailbox address (From of the mail sent through it)' }),
  username: singleLineText(320).trim().min(1).meta({ description: 'Login for IMAP and SMTP (often the address)' }),
  imapHost: MailHost,
  imapPort: MailPort.meta({ description: 'IMAP port, e.g. 993 (tls) or 143 (starttls)' }),
  imapTls: MailTls,
  smtpHost: MailHost,
  smtpPort: MailPort.meta({ description: 'SMTP port, e.g. 465 (tls) or 587 (starttls)' }),
  smtpTls: MailTls,
  sentFolder: singleLineText(200).trim().min(1).optional().meta({ description: 'The Sent folder, when the server marks none \\Sent' }),
  saveSent: z.enum(['yes', 'no']).optional().meta({ description: 'Put a copy of mail sent from Vixiees in the Sent folder (default yes; no for Gmail, whose SMTP does it)' }),
};
export const MailboxSettings = z.object(mailboxFields).strict().meta({ id: 'MailboxIntegrationSettings' });
export const MailboxSettingsPatch = z.object(mailboxFields).partial().strict().meta({ id: 'MailboxIntegrationSettingsPatch' });
export const MailboxSecrets = z.object({ password: Token('The mailbox password (an app password where the provider has them)') }).strict().meta({ id: 'MailboxIntegrationSecrets' });

/** Mail forwarded as raw MIME: `address` (optional) is the team address it was sent to, shown as the new contacts' source detail. */
export const ForwardedMailSettings = z.object({ address: z.email({ message: 'must be an email address' }).max(320).optional() }).strict().meta({ id: 'ForwardedMailIntegrationSettings' });
export const SendgridInboundSecrets = z.object({ urlToken: Token('A random token you add to the Inbound Parse URL as ?token=… (SendGrid signs nothing by default)') }).strict().meta({ id: 'SendgridInboundIntegrationSecrets' });
export const MailgunInboundSecrets = z.object({ signingKey: Token('The HTTP webhook signing key (Mailgun → Sending → Webhooks)') }).strict().meta({ id: 'MailgunInboundIntegrationSecrets' });

/** Bankflip / Permisso: the workspace's API host (given by Permisso; reached through the SSRF guard) and, behind a proxy, the public base the webhook URL is signed with. */
export const BankflipSettings = z
  .object({
    apiBaseUrl: z.string().max(300).regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'must be a URL like https://core.bankflip.io').meta({ description: 'Your Bankflip API host, e.g. https://core.bankflip.io (https only outside tests)' }),
    publicBaseUrl: z.string().max(300).regex(/^https?:\/\/[^\s/?#]+$/, 'must be a scheme and host, like https://crm.example.com').optional().meta({ description: 'The scheme and host Bankflip calls, when a proxy changes them (the signature covers the URL)' }),
  })
  .strict().meta({ id: 'BankflipIntegrationSettings' });
export const BankflipSecrets = z
  .object({
    webhookSecret: Token('The webhook secret Permisso gives you (base64): signs deliveries'),
    apiKey: Token('The API key: reads sessions, summaries and documents'),
  })
  .strict().meta({ id: 'BankflipIntegrationSecrets' });

const name = singleLineText(120).trim().min(1);
export const IntegrationCreate = z
  .discriminatedUnion('provider', [
    z.object({ provider: z.literal('whatsapp'), name, settings: WhatsappSettings, secrets: WhatsappSecrets }).strict(),
    z.object({ provider: z.literal('typeform'), name, settings: FieldMapping.default({}), secrets: TypeformSecrets }).strict(),
    z.object({ provider: z.literal('calendly'), name, settings: CalendlySettings.default({}), secrets: CalendlySecrets }).strict(),
    z.object({ provider: z.literal('web_form'), name, settings: WebFormSettings.default({}), secrets: WebFormSecrets.default({}) }).strict(),
    z.object({ provider: z.literal('email_mailbox'), name, settings: MailboxSettings, secrets: MailboxSecrets }).strict(),
    z.object({ provider: z.literal('sendgrid_inbound'), name, settings: ForwardedMailSettings.default({}), secrets: SendgridInboundSecrets }).strict(),
    z.object({ provider: z.literal('mailgun_inbound'), name, settings: ForwardedMailSettings.default({}), secrets: MailgunInboundSecrets }).strict(),
    z.object({ provider: z.literal('twilio'), name, settings: TwilioSettings.default({}), secrets: TwilioSecrets }).strict(),
    z.object({ provider: z.literal('aircall'), name, settings: AircallSettings.default({}), secrets: AircallSecrets }).strict(),
    z.object({ provider: z.literal('meta_lead_ads'), name, settings: MetaLeadAdsSettings.refine((r) => !!r.verifyToken, { message: 'verifyToken is required', path: ['verifyToken'] }), secrets: MetaLeadAdsSecrets }).strict(),
    z.object({ provider: z.literal('bankflip'), name, settings: BankflipSettings, secrets: BankflipSecrets }).strict(),
  ])
  .meta({ id: 'IntegrationCreate' });
export type IntegrationCreate = z.infer<typeof IntegrationCreate>;

export const IntegrationUpdate = z
  .object({
    name: name.optional(),
    settings: z.union([WhatsappSettings.partial().strict(), FieldMapping, WebFormSettings, TwilioSettings, MetaLeadAdsSettings, MailboxSettingsPatch, ForwardedMailSettings, BankflipSettings.partial().strict()]).optional(),
    secrets: z.union([WhatsappSecrets.partial().strict(), TypeformSecrets.partial().strict(), CalendlySecrets.partial().strict(), WebFormSecrets, TwilioSecrets.partial().strict(), AircallSecrets.partial().strict(), MetaLeadAdsSecrets.partial().strict(), MailboxSecrets.partial().strict(), SendgridInboundSecrets.partial().strict(), MailgunInboundSecrets.partial().strict(), BankflipSecrets.partial().strict()]).optional().meta({ description: 'New secret values; a new signing secret keeps the previous one valid for webhooks until the next change (rotation)' }),
  })
  .strict().meta({ id: 'IntegrationUpdate' });
export type IntegrationUpdate = z.infer<typeof IntegrationUpdate>;

export const IntegrationStatus = z.object({
  connected: z.boolean().meta({ description: 'Secrets are set and the last thing that happened was not an error' }),
  lastEventAt: z.string().nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
}).meta({ id: 'IntegrationStatus' });

export const Integration = z.object({
  id: z.uuid(),
  provider: Provider,
  name: z.string(),
  settings: z.record(z.string(), z.string()),
  secretsSet: z.array(z.string()).meta({ description: 'Names of the secrets stored; their values are never returned' }),
  webhookUrl: z.string().meta({ description: 'Path to give the provider as callback URL, on this server' }),
  status: IntegrationStatus,
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
}).meta({ id: 'Integration' });
export type Integration = z.infer<typeof Integration>;

export const EventStatus = z.enum(['received', 'processed', 'failed']);

export const IntegrationEvent = z.object({
  id: z.uuid(),
  integrationId: z.uuid(),
  eventKey: z.string().meta({ description: "The provider's event id (a redelivery of it is not stored twice)" }),
  kind: z.string(),
  status: EventStatus,
  reason: z.string().nullable().meta({ description: 'Why it failed, or a note on how it was processed' }),
  attempts: z.number().int(),
  payload: z.unknown(),
  receivedAt: z.string(),
  processedAt: z.string().nullable(),
}).meta({ id: 'IntegrationEvent' });
export type IntegrationEvent = z.infer<typeof IntegrationEvent>;

export const EventListQuery = z
  .object({
    status: EventStatus.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type EventListQuery = z.infer<typeof EventListQuery>;

export const EventParams = z.object({ id: z.uuid({ message: 'must be a UUID' }), eventId: z.uuid({ message: 'must be a UUID' }) }).strict();
export const HookParams = z.object({ provider: z.string().max(40), integrationId: z.string().max(64) }).strict();

export const TemplateSyncResult = z.object({
  fetched: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  skipped: z.array(z.object({ name: z.string(), language: z.string(), reason: z.string() })),
}).meta({ id: 'TemplateSyncResult' });
export type TemplateSyncResult = z.infer<typeof TemplateSyncResult>;
