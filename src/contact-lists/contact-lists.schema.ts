import { z } from 'zod';
import { CONTACT_FIELD_NAMES, type Contact } from '../contacts/contacts.schema.ts';
import { MAX_PAGE_SIZE } from './contact-query.ts';
import { filterLimitError } from './filter-limits.ts';

/** A node of the filter tree; validated node by node so each mistake gets its own pointer. */
export const FilterTree = z
  .record(z.string(), z.unknown())
  // Bounds checked before the tree is compiled (or stored in a saved view), with the breach's pointer.
  .superRefine((tree, ctx) => {
    const breach = filterLimitError(tree, '');
    if (breach) {
      const path = breach.pointer.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      ctx.addIssue({ code: 'custom', message: breach.message, path, params: { code: breach.code } });
    }
  })
  .meta({
    id: 'ContactFilter',
    description:
      'A group `{ "and": [node, …] }` / `{ "or": [node, …] }`, a negation `{ "not": node }`, or a condition ' +
      '`{ "field": "ownerId", "op": "eq", "value": "…" }`. Fields: q (matches), id, firstName, lastName, company, email, phone, ' +
      'ownerId, source, createdAt, updatedAt, consents.<name>, and the fields of enabled features (attention, stages, attributes.<key>…).',
    examples: [{ and: [{ field: 'source', op: 'in', value: ['web', 'meta_ads'] }, { or: [{ field: 'ownerId', op: 'isEmpty', value: true }, { field: 'consents.marketingWhatsapp', op: 'eq', value: true }] }] }],
  });

export const ContactSearch = z
  .object({
    filter: FilterTree.optional(),
    q: z.string().trim().min(1).max(200).optional().meta({ description: 'Search box, as in `GET /v1/contacts?q=`' }),
    sort: z.string().max(100).optional().meta({ description: '`-createdAt` (default; `relevance` with `q`), `updatedAt`, `lastName`, `timeInStage`, `attributes.<key>`…; `-` for descending' }),
    // The bound is checked by the list (400 `too_big`, as for GET); the document states it.
    limit: z.number().int().min(1).default(50).meta({ maximum: MAX_PAGE_SIZE, description: `At most ${MAX_PAGE_SIZE}` }),
    cursor: z.string().max(2000).optional(),
    count: z.boolean().default(false),
    deleted: z.boolean().default(false),
    fields: z
      .array(z.enum(CONTACT_FIELD_NAMES as [keyof Contact, ...(keyof Contact)[]]))
      .min(1)
      .max(CONTACT_FIELD_NAMES.length)
      .optional()
      .meta({ description: 'A light page, as `fields=` of `GET /v1/contacts`: each contact carries only these members (and `id`); items are then `ContactFields`' }),
  })
  .strict()
  .meta({
    id: 'ContactSearch',
    examples: [{ filter: { and: [{ field: 'source', op: 'in', value: ['web', 'meta_ads'] }, { field: 'pendingAttention', op: 'eq', value: true }] }, sort: '-updatedAt', limit: 50 }],
  });
export type ContactSearch = z.infer<typeof ContactSearch>;
