import type { Actor } from '../lib/actor.ts';
import type { Db } from '../lib/db.ts';
import type { CursorCodec, Page } from '../lib/pagination.ts';
import { CONSENT_NAMES, CONTACT_FIELD_NAMES, type Contact, type ContactFields, type ContactListQuery } from '../contacts/contacts.schema.ts';
import type { FilterCondition } from './compile-filter.ts';
import { listPage } from './contact-query.ts';

/**
 * Query parameters → filter conditions (AND). `GET /v1/contacts` is served by contacts.routes.ts
 * through the contact-lists service, so that contacts never imports the query engine that imports it.
 */
export function conditionsOf(q: ContactListQuery): FilterCondition[] {
  const out: FilterCondition[] = [];
  const add = (field: string, op: string, value: unknown) => {
    if (value !== undefined) out.push({ field, op, value });
  };
  add('ownerId', 'eq', q.ownerId);
  add('source', 'eq', q.source);
  add('email', 'eq', q.email);
  add('phone', 'eq', q.phone);
  add('firstName', 'contains', q.firstName);
  add('lastName', 'contains', q.lastName);
  add('company', 'contains', q.company);
  add('createdAt', 'gte', q.createdAfter);
  add('createdAt', 'lt', q.createdBefore);
  add('updatedAt', 'gte', q.updatedAfter);
  add('updatedAt', 'lt', q.updatedBefore);
  const bool = (v: 'true' | 'false' | undefined) => (v === undefined ? undefined : v === 'true');
  add('pendingAttention', 'eq', bool(q.pendingAttention));
  add('attentionReason', 'eq', q.attentionReason);
  add('ignored', 'eq', bool(q.ignored));
  add('whatsappWindow', 'open', bool(q.whatsappWindowOpen));
  add('playbookId', 'eq', q.playbookId);
  add('stageId', 'eq', q.stageId);
  for (const name of CONSENT_NAMES) {
    const v = q[`consents.${name}`];
    if (v !== undefined) add(`consents.${name}`, 'eq', v === 'true');
  }
  return out;
}

/**
 * `GET /v1/contacts` (and `vixiees contacts list`): keyset pagination for every sort; a page never
 * repeats or skips a row because of inserts elsewhere. `updatedAt` is mutable: a contact edited
 * mid-walk may move (documented).
 */
export async function listContacts(db: Db, cursors: CursorCodec, actor: Actor, q: ContactListQuery, now = new Date()): Promise<Page<Contact> | Page<ContactFields>> {
  const conditions = conditionsOf(q);
  const page = await listPage(
    db,
    cursors,
    actor,
    {
      filter: conditions.length ? { and: conditions } : undefined,
      q: q.q,
      sort: q.sort,
      limit: q.limit,
      cursor: q.cursor,
      count: q.count === 'true',
      deleted: q.deleted === 'true',
      ...(q.fields === undefined ? {} : { fields: orderedFields(q.fields.split(',')) }),
    },
    { prefix: '/query', status: 400 },
    now,
  );
  return page;
}

/**
 * `fields`: the members named (and `id`), once each, in the contact's own order so both
 * serializers write the same bytes. The page then selects only the columns these members read.
 */
export function orderedFields(fields: readonly string[]): (keyof Contact)[] {
  const wanted = new Set(['id', ...fields]);
  return CONTACT_FIELD_NAMES.filter((name) => wanted.has(name));
}
