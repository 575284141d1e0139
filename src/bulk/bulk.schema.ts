import { z } from 'zod';
import { ConsentName } from '../contacts/contacts.schema.ts';
import { FilterTree } from '../contact-lists/contact-lists.schema.ts';

export const MAX_BULK_IDS = 1000;
/** Up to this many contacts a bulk action answers at once; past it (or for a filter) it is a job. */
export const SYNC_LIMIT = 100;

export const BulkAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('setOwner'), ownerId: z.uuid().nullable() }).strict(),
  z.object({ type: z.literal('setConsent'), consent: ConsentName, value: z.boolean() }).strict(),
  z.object({ type: z.literal('moveStage'), playbookId: z.uuid(), stageId: z.uuid() }).strict(),
  z.object({ type: z.literal('clearStage') }).strict(),
  z.object({ type: z.literal('setAttribute'), key: z.string().min(1).max(63), value: z.unknown() }).strict(),
  z.object({ type: z.literal('ignore') }).strict(),
  z.object({ type: z.literal('unignore') }).strict(),
  z.object({ type: z.literal('delete') }).strict(),
]).meta({ id: 'ContactBulkAction' });
export type BulkAction = z.infer<typeof BulkAction>;

export const BulkRequest = z
  .object({
    selection: z
      .object({
        ids: z.array(z.uuid()).min(1).max(MAX_BULK_IDS).optional().meta({ description: `Up to ${MAX_BULK_IDS} contact ids` }),
        filter: FilterTree.optional().meta({ description: 'Every live contact matching this filter tree' }),
        q: z.string().trim().min(1).max(200).optional().meta({ description: 'With `filter`: the search box too' }),
      })
      .strict()
      .refine((s) => (s.ids === undefined) !== (s.filter === undefined && s.q === undefined), {
        message: 'give either ids or a filter (and/or q), not both',
        params: { code: 'invalid_selection' },
      }),
    action: BulkAction,
  })
  .strict().meta({ id: 'ContactBulkRequest' });
export type BulkRequest = z.infer<typeof BulkRequest>;

export const JobFailure = z.object({ contactId: z.uuid(), code: z.string(), message: z.string() });

export const Job = z.object({
  id: z.uuid(),
  kind: z.string(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  action: z.record(z.string(), z.unknown()),
  progress: z.object({ done: z.number().int(), failed: z.number().int(), total: z.number().int() }),
  result: z.object({ failures: z.array(JobFailure), failuresTruncated: z.boolean() }).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
}).meta({ id: 'Job' });
export type Job = z.infer<typeof Job>;
