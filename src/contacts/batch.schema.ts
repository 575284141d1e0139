import { z } from 'zod';
import { ContactCreate, ContactUpdate, Source, Contact } from './contacts.schema.ts';

/** Items one batch call takes (HubSpot's batch limit; the set-based writer itself takes any size). */
export const BATCH_MAX_ITEMS = 100;

export const MATCH_KEYS = ['email', 'phone', 'externalRef'] as const;
export const MatchKey = z.enum(MATCH_KEYS).meta({ id: 'ContactMatchKey', description: 'An identifier an upsert finds the existing contact by' });
export type MatchKey = z.infer<typeof MatchKey>;

export type BatchMode = 'create' | 'upsert' | 'update';

/** Options of `contacts.writeBatch` (the set-based writer the batch API, the import and the CRM sync share). */
export type BatchOptions = {
  mode: BatchMode;
  /** Upsert keys, tried in order; default email, phone, external reference. */
  matchBy?: MatchKey[];
  /** For created contacts (an item's own `source` wins); also the source of consent changes. */
  source?: Source;
  sourceDetail?: string;
  /** Computes every outcome exactly as a real write would, then rolls it back: nothing is written. */
  dryRun?: boolean;
};

const FieldError = z.object({ pointer: z.string(), code: z.string(), message: z.string() });

export const BatchItemProblem = z
  .object({
    code: z.string().meta({ description: '`validation_failed`, `not_found`, `contact_identifier_taken`, `duplicate_in_batch`, `precondition_failed`…' }),
    message: z.string(),
    errors: z.array(FieldError).optional().meta({ description: 'Fields at fault, as pointers into the request (`/items/3/email`)' }),
  })
  .meta({ id: 'ContactBatchItemProblem' });

export const BATCH_STATUSES = ['created', 'updated', 'unchanged', 'error', 'conflict'] as const;

export const BatchItemResult = z
  .object({
    index: z.number().int().meta({ description: 'Position of the item in `items`' }),
    status: z.enum(BATCH_STATUSES),
    contactId: z.uuid().optional(),
    version: z.number().int().optional(),
    previous: z.record(z.string(), z.unknown()).optional().meta({ description: 'For `updated`: the previous values of the fields that changed, as an update body would restore them' }),
    problem: BatchItemProblem.optional(),
  })
  .meta({ id: 'ContactBatchItemResult' });
export type BatchItemResult = z.infer<typeof BatchItemResult>;

/** An item of `/v1/contacts/batch/update`: a partial update of the contact `id`, optionally at `version`. */
export const ContactBatchUpdateItem = ContactUpdate.extend({
  id: z.uuid(),
  version: z.number().int().min(1).optional().meta({ description: 'Apply only if the contact is at this version (as If-Match); a `conflict` otherwise' }),
})
  .strict()
  .meta({ id: 'ContactBatchUpdateItem' });
export type ContactBatchUpdateItem = z.infer<typeof ContactBatchUpdateItem>;

/** Items are checked one by one (a bad item is answered in its own result), so the envelope takes any value. */
const items = (what: string) =>
  z
    .array(z.unknown().meta({ description: what }))
    .min(1)
    .max(BATCH_MAX_ITEMS)
    .meta({ description: `1-${BATCH_MAX_ITEMS} items, each ${what}; a bad item gets its own \`error\` result and the others still apply` });

export const ContactBatchCreate = z.object({ items: items('a `ContactCreate`') }).strict().meta({ id: 'ContactBatchCreate' });

export const ContactBatchUpsert = z
  .object({
    matchBy: z.array(MatchKey).min(1).max(MATCH_KEYS.length).meta({ description: 'Keys tried in order to find the contact to update; none matching creates it' }),
    items: items('a `ContactCreate`'),
  })
  .strict()
  .meta({ id: 'ContactBatchUpsert' });

export const ContactBatchUpdate = z.object({ items: items('a `ContactBatchUpdateItem` (`id`, optional `version`, and the fields to change)') }).strict().meta({ id: 'ContactBatchUpdate' });

export const ContactBatchRead = z.object({ ids: z.array(z.uuid()).min(1).max(BATCH_MAX_ITEMS) }).strict().meta({ id: 'ContactBatchRead' });

const Summary = z
  .object({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), error: z.number().int(), conflict: z.number().int() })
  .meta({ id: 'ContactBatchSummary' });

export const ContactBatchResponse = z
  .object({ results: z.array(BatchItemResult), summary: Summary })
  .meta({ id: 'ContactBatchResponse' });
export type ContactBatchResponse = z.infer<typeof ContactBatchResponse>;

export const ContactBatchReadResult = z
  .object({
    index: z.number().int(),
    id: z.uuid(),
    status: z.enum(['found', 'error']),
    contact: Contact.optional(),
    problem: BatchItemProblem.optional(),
  })
  .meta({ id: 'ContactBatchReadResult' });

export const ContactBatchReadResponse = z.object({ results: z.array(ContactBatchReadResult) }).meta({ id: 'ContactBatchReadResponse' });
export type ContactBatchReadResponse = z.infer<typeof ContactBatchReadResponse>;

export const summarise = (results: BatchItemResult[]): ContactBatchResponse['summary'] => {
  const s = { created: 0, updated: 0, unchanged: 0, error: 0, conflict: 0 };
  for (const r of results) s[r.status]++;
  return s;
};

/** Re-exported so callers (the import) validate items with the same schema the writer does. */
export { ContactCreate };
