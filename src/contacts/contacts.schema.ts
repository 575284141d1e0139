import { z } from 'zod';
import { HttpUrl, singleLineText, isoInstant } from '../lib/http/common-schemas.ts';
import { PendingAttention, WhatsappWindow } from './attention-state.ts';

export const SOURCES = [
  'manual', 'csv', 'api', 'call', 'whatsapp', 'email', 'crm', 'web', 'typeform', 'calendly', 'meta_ads', 'bankflip',
] as const;
export const Source = z.enum(SOURCES).meta({ id: 'ContactSource' });
export type Source = z.infer<typeof Source>;

export const CONSENT_NAMES = ['transactionalWhatsapp', 'transactionalEmail', 'marketingWhatsapp', 'marketingEmail'] as const;
export const ConsentName = z.enum(CONSENT_NAMES).meta({ id: 'ConsentName' });

const shortText = (max: number) => singleLineText(max);

export const ExternalRef = z
  .object({ id: singleLineText(200).trim().min(1), url: HttpUrl.nullish() })
  .strict()
  .meta({ description: 'The contact in another system: its id (unique in the workspace) and a link' });

export const Consents = z.object({
  transactionalWhatsapp: z.boolean(),
  transactionalEmail: z.boolean(),
  marketingWhatsapp: z.boolean(),
  marketingEmail: z.boolean(),
}).meta({ id: 'Consents' });
export type Consents = z.infer<typeof Consents>;

const identifierFields = {
  email: shortText(320).nullish().meta({ description: 'Primary email; the domain is lower-cased' }),
  phone: shortText(64).nullish().meta({ description: "Primary phone, national or international; stored E.164 using the workspace's country" }),
  whatsappUserId: shortText(128).nullish().meta({ description: 'WhatsApp user id, for users who chat with a username' }),
  additionalEmails: z.array(shortText(320)).max(20).optional(),
  additionalPhones: z.array(shortText(64)).max(20).optional(),
};

const profileFields = {
  firstName: shortText(200).nullish(),
  lastName: shortText(200).nullish().meta({ description: 'Both surnames, as typed: "García López"' }),
  company: shortText(300).nullish(),
  ownerId: z.uuid().nullish(),
  externalRef: ExternalRef.nullish(),
};

export const ContactCreate = z
  .object({
    ...profileFields,
    ...identifierFields,
    source: Source.optional().meta({ description: 'How the contact arrived; set once. Defaults to `api`.' }),
    sourceDetail: shortText(500).nullish().meta({ description: 'Form id, campaign, ad id, import id…; set once' }),
    consents: Consents.partial().strict().optional(),
    customAttributes: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .meta({
    id: 'ContactCreate',
    examples: [{ firstName: 'Lucía', lastName: 'García López', email: 'lucia@example.com', phone: '612 345 678', source: 'web', sourceDetail: 'form:contact-us', consents: { transactionalEmail: true } }],
  });
export type ContactCreate = z.infer<typeof ContactCreate>;

export const ContactUpdate = z
  .object({
    ...profileFields,
    ...identifierFields,
    consents: Consents.partial().strict().optional(),
    customAttributes: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .meta({ id: 'ContactUpdate', examples: [{ company: 'Acme Iberia', phone: null, consents: { marketingEmail: true } }] });
export type ContactUpdate = z.infer<typeof ContactUpdate>;

/** Fields the server owns: writing them is named as such, not as an unknown field. */
export const READ_ONLY_CONTACT_FIELDS = ['id', 'createdAt', 'updatedAt', 'version', 'source', 'sourceDetail', 'deletedAt', 'mergedIntoId', 'crmLinks'];

/** Where the contact is in its playbook; `secondsInStage` is computed with the server's clock. */
export const ContactStage = z.object({
  playbookId: z.uuid(),
  id: z.uuid(),
  name: z.string(),
  enteredAt: z.string(),
  secondsInStage: z.number().int(),
}).meta({ id: 'ContactStage' });
export type ContactStage = z.infer<typeof ContactStage>;

export const Contact = z.object({
  id: z.uuid(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  whatsappUserId: z.string().nullable(),
  company: z.string().nullable(),
  additionalEmails: z.array(z.string()),
  additionalPhones: z.array(z.string()),
  ownerId: z.uuid().nullable(),
  source: Source,
  sourceDetail: z.string().nullable(),
  externalRef: z.object({ id: z.string(), url: z.string().nullable() }).nullable(),
  crmLinks: z.record(z.string(), z.object({ id: z.string(), lastSyncedAt: z.string().nullable() })),
  consents: Consents,
  customAttributes: z.record(z.string(), z.unknown()),
  stage: ContactStage.nullable(),
  pendingAttention: PendingAttention,
  ignored: z.boolean().meta({ description: 'Ignored contacts raise no attention and no notifications' }),
  whatsappWindow: WhatsappWindow,
  mergedIntoId: z.uuid().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  deletedAt: z.string().nullable(),
  version: z.number().int(),
}).passthrough().meta({
  id: 'Contact',
  examples: [
    {
      id: '0193a5f2-7c1e-7b3a-9f7e-2d6c1a0b9e41', firstName: 'Lucía', lastName: 'García López', email: 'lucia@example.com', phone: '+34612345678', whatsappUserId: null,
      company: 'Acme Iberia', additionalEmails: [], additionalPhones: [], ownerId: '0193a5f2-7c1e-7b3a-9f7e-2d6c1a0b9e42', source: 'web', sourceDetail: 'form:contact-us',
      externalRef: null, crmLinks: {}, consents: { transactionalWhatsapp: false, transactionalEmail: true, marketingWhatsapp: false, marketingEmail: false },
      customAttributes: {}, stage: null, pendingAttention: { pending: false, reasons: [] }, ignored: false,
      whatsappWindow: { open: false, expiresAt: null, remainingSeconds: 0 }, mergedIntoId: null,
      createdAt: '2026-11-24T08:00:00.000Z', updatedAt: '2026-11-24T08:00:00.000Z', deletedAt: null, version: 1,
    },
  ],
});
export type Contact = z.infer<typeof Contact>;

/** The members `fields=` may name (a light list page asks for a few; `id` always comes). */
export const CONTACT_FIELD_NAMES = Object.keys(Contact.shape) as (keyof Contact)[];
const FIELD_NAME = `(${CONTACT_FIELD_NAMES.join('|')})`;

/** A contact cut down by `fields=`: the members asked for, in the contact's own order, and `id`. */
export const ContactFields = Contact.partial().required({ id: true }).meta({
  id: 'ContactFields',
  description: 'A contact with only the members named by `fields` (and `id`); each member as in `Contact`',
});
export type ContactFields = z.infer<typeof ContactFields>;

/** `fields=id,firstName,phone`: checked here so an unknown name points at `/query/fields`. */
const FieldsParam = z
  .string()
  .max(1000)
  .superRefine((value, ctx) => {
    const unknown = value.split(',').filter((name) => !(CONTACT_FIELD_NAMES as string[]).includes(name));
    if (unknown.length) {
      ctx.addIssue({ code: 'custom', message: `not a contact field: ${unknown.slice(0, 5).join(', ')}`, params: { code: 'unknown_field' } });
    }
  })
  .meta({
    pattern: `^${FIELD_NAME}(,${FIELD_NAME})*$`,
    description: `Comma-separated members each contact carries (\`id\` always comes): a light page, e.g. \`id,firstName,lastName,phone\`. Items are then \`ContactFields\`. One of: ${CONTACT_FIELD_NAMES.map((n) => `\`${n}\``).join(', ')}`,
  });

const flag = z.enum(['true', 'false']);

/**
 * `GET /v1/contacts`: simple filters as parameters (combined with AND); the JSON filter tree of
 * `POST /v1/contacts/search` covers the rest. `sort` is checked by the list (it may name an attribute).
 */
export const ContactListQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(2000).optional(),
    sort: z.string().max(100).optional().meta({ description: '`-createdAt` (default; `relevance` with `q`), `updatedAt`, `lastName`, `firstName`…; `-` for descending' }),
    q: z.string().trim().min(1).max(200).optional().meta({ description: 'Search box: name fragments, email fragment, phone digits in any format, company' }),
    ownerId: z.uuid().optional(),
    source: Source.optional(),
    email: z.string().max(320).optional().meta({ description: 'Exact email (any of the contact\'s)' }),
    phone: z.string().max(64).optional().meta({ description: 'Exact phone in any format (any of the contact\'s)' }),
    firstName: z.string().min(1).max(200).optional().meta({ description: 'Fragment, accent- and case-insensitive' }),
    lastName: z.string().min(1).max(200).optional().meta({ description: 'Fragment of either surname, accent- and case-insensitive' }),
    company: z.string().min(1).max(300).optional().meta({ description: 'Fragment, accent- and case-insensitive' }),
    createdAfter: isoInstant().optional(),
    createdBefore: isoInstant().optional(),
    updatedAfter: isoInstant().optional(),
    updatedBefore: isoInstant().optional(),
    'consents.transactionalWhatsapp': flag.optional(),
    'consents.transactionalEmail': flag.optional(),
    'consents.marketingWhatsapp': flag.optional(),
    'consents.marketingEmail': flag.optional(),
    pendingAttention: flag.optional(),
    attentionReason: z.enum(['whatsapp', 'call', 'email']).optional(),
    ignored: flag.optional(),
    whatsappWindowOpen: flag.optional(),
    playbookId: z.uuid().optional(),
    stageId: z.uuid().optional(),
    deleted: flag.default('false').meta({ description: '`true` lists the trash' }),
    count: flag.default('false'),
    fields: FieldsParam.optional(),
  })
  .strict();
export type ContactListQuery = z.infer<typeof ContactListQuery>;

export const ConsentChange = z
  .object({
    consent: ConsentName,
    value: z.boolean(),
    source: z.string().min(1).max(100).optional().meta({ description: 'Which source carried the change (form, message…); default: the API' }),
    proof: z.record(z.string(), z.unknown()).optional().meta({ description: 'Evidence: form id, message id, text shown…' }),
  })
  .strict().meta({ id: 'ConsentChange' });
export type ConsentChange = z.infer<typeof ConsentChange>;

/** The fields a merge can take from the absorbed contact instead of keeping the survivor's. */
export const MergeField = z.enum(['firstName', 'lastName', 'company', 'email', 'phone']).meta({ id: 'ContactMergeField' });
export type MergeField = z.infer<typeof MergeField>;

export const MergeRequest = z
  .object({
    otherContactId: z.uuid().meta({ description: 'The contact absorbed into this one' }),
    takeFromOther: z
      .array(MergeField)
      .max(MergeField.options.length)
      .optional()
      .meta({ description: "Fields where the other contact's value wins over this one's (the rest keep this contact's value, a blank filled from the other). A taken email or phone becomes the primary one; this contact's own moves to the additional values." }),
  })
  .strict().meta({ id: 'ContactMerge' });
