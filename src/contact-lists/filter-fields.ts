import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { isoInstant } from '../lib/http/common-schemas.ts';
import { CONSENT_NAMES, SOURCES } from '../contacts/contacts.schema.ts';
import { emailKey, normaliseEmail, normalisePhone } from '../contacts/identifiers.ts';
import { escapeLike, foldText, phoneDigits } from './fold.ts';
import { STAGE_FIELDS } from './stage-fields.ts';
import { ATTENTION_FIELDS } from './attention-fields.ts';

import type { FieldOps, FilterContext, Operator } from './field-types.ts';

export type { FieldOps, FilterContext, Operator };

const c = (column: string) => sql.raw(`contacts.${column}`);
const Text = z.string().min(1).max(200);
const IsEmpty = z.boolean();
const Instant = isoInstant();
const Uuid = z.uuid();
const UuidList = z.array(z.uuid()).min(1).max(1000);

/** `search_text LIKE` narrows through the trigram index; the second condition pins the field. */
const containsFolded = (folded: SQL) => ({
  value: Text,
  build: (v: string) => {
    const pattern = `%${escapeLike(foldText(v))}%`;
    return sql`(contacts.search_text LIKE ${pattern} AND ${folded} LIKE ${pattern})`;
  },
});

const nameField = (sortColumn: string): FieldOps => ({
  eq: { value: Text, build: (v: string) => sql`${c(sortColumn)} = ${foldText(v)}` },
  startsWith: { value: Text, build: (v: string) => sql`${c(sortColumn)} LIKE ${`${escapeLike(foldText(v))}%`}` },
  contains: containsFolded(c(sortColumn)),
  isEmpty: { value: IsEmpty, build: (v: boolean) => (v ? sql`${c(sortColumn)} = ''` : sql`${c(sortColumn)} <> ''`) },
});

const identifierIs = (ctx: FilterContext, kind: string, value: string) =>
  sql`contacts.id IN (SELECT i.contact_id FROM contact_identifiers i WHERE i.workspace_id = ${ctx.workspaceId} AND i.kind = ${kind} AND i.value = ${value})`;

const range = (column: string): FieldOps => ({
  gt: { value: Instant, build: (v: string) => sql`${c(column)} > ${v}::timestamptz` },
  gte: { value: Instant, build: (v: string) => sql`${c(column)} >= ${v}::timestamptz` },
  lt: { value: Instant, build: (v: string) => sql`${c(column)} < ${v}::timestamptz` },
  lte: { value: Instant, build: (v: string) => sql`${c(column)} <= ${v}::timestamptz` },
  between: {
    value: z.tuple([Instant, Instant]),
    build: ([a, b]: [string, string]) => sql`${c(column)} >= ${a}::timestamptz AND ${c(column)} < ${b}::timestamptz`,
  },
});

/**
 * The search box as data: LIKE patterns the folded search text must all match, strings it must
 * contain, or (a phone typed) a pattern on the phone digits that is enough alone. Every word must
 * match. For an email the trigram index is given only the part before the domain's first dot:
 * ".com", ".es" trigrams are in nearly every row and would make the index read most of the
 * workspace; the full word is still required, checked on the few rows found.
 */
export type SearchTerms = { textPatterns: string[]; textContains: string[]; digitsPattern: string | null };

export function searchTerms(q: string): SearchTerms {
  const terms: SearchTerms = { textPatterns: [], textContains: [], digitsPattern: null };
  for (const w of foldText(q).split(' ').filter(Boolean)) {
    const at = w.indexOf('@');
    const dot = at >= 0 ? w.indexOf('.', at) : -1;
    terms.textPatterns.push(`%${escapeLike(dot <= at + 1 ? w : w.slice(0, dot))}%`);
    if (dot > at + 1) terms.textContains.push(w);
  }
  const digits = phoneDigits(q);
  if (digits) terms.digitsPattern = `%${digits}%`;
  return terms;
}

/**
 * The search box's terms as a condition on `contacts` (what `vx_search_contact_ids` runs too,
 * migration 1350). `common`: the terms are known to match thousands, and the LIKEs go through
 * `vx_like` (migration 1370), which the planner cannot see into, so it plans for many matches.
 */
export function searchTermsCondition(terms: SearchTerms, common = false): SQL {
  const like = (column: SQL, pattern: string) => (common ? sql`vx_like(${column}, ${pattern})` : sql`${column} LIKE ${pattern}`);
  const text = sql.join(
    [...terms.textPatterns.map((p) => like(sql`contacts.search_text`, p)), ...terms.textContains.map((w) => sql`strpos(contacts.search_text, ${w}) > 0`)],
    sql` AND `,
  );
  return terms.digitsPattern ? sql`(${like(sql`contacts.search_digits`, terms.digitsPattern)} OR (${text}))` : sql`(${text})`;
}

/** The search box as a filter: name fragments (every word must match), email, phone digits, company. */
export function searchCondition(q: string, _ctx: FilterContext): SQL {
  return searchTermsCondition(searchTerms(q));
}

/** The search box holds one whole, valid email address (no spaces): an identifier lookup first. */
export const isWholeEmail = (q: string): boolean => !/\s/.test(q.trim()) && normaliseEmail(q).ok;

/**
 * Contacts whose identifier is exactly the input (an email, or a phone typed in any format):
 * they head the search results. Undefined when the input cannot be an identifier.
 */
export function exactIdentifier(q: string, ctx: FilterContext): SQL | undefined {
  const exact: SQL[] = [];
  const email = normaliseEmail(q);
  if (email.ok) exact.push(identifierIs(ctx, 'email', emailKey(email.value)));
  const phone = phoneDigits(q) ? normalisePhone(q, ctx.country) : undefined;
  if (phone?.ok) exact.push(identifierIs(ctx, 'phone', phone.value));
  return exact.length ? sql`(${sql.join(exact, sql` OR `)})` : undefined;
}

const consentField = (column: string): FieldOps => ({
  eq: { value: z.boolean(), build: (v: boolean) => (v ? sql`${c(column)}` : sql`NOT ${c(column)}`) },
});

/** Every filterable field and its operators. Features with their own columns add theirs here. */
export const FILTER_FIELDS: Record<string, FieldOps> = {
  q: { matches: { value: z.string().trim().min(1).max(200), build: (v: string, ctx: FilterContext) => searchCondition(v, ctx) } },
  id: {
    eq: { value: Uuid, build: (v: string) => sql`contacts.id = ${v}::uuid` },
    in: { value: UuidList, build: (v: string[]) => sql`contacts.id IN (${sql.join(v.map((x) => sql`${x}::uuid`), sql`, `)})` },
  },
  firstName: nameField('sort_first_name'),
  lastName: nameField('sort_last_name'),
  company: {
    eq: { value: Text, build: (v: string) => sql`(contacts.search_text LIKE ${`%${escapeLike(foldText(v))}%`} AND vx_fold(contacts.company) = ${foldText(v)})` },
    contains: containsFolded(sql`vx_fold(contacts.company)`),
    isEmpty: { value: IsEmpty, build: (v: boolean) => (v ? sql`contacts.company IS NULL` : sql`contacts.company IS NOT NULL`) },
  },
  email: {
    eq: {
      value: z.string().min(1).max(320),
      build: (v: string, ctx: FilterContext) => {
        const n = normaliseEmail(v);
        return identifierIs(ctx, 'email', n.ok ? emailKey(n.value) : v.trim().toLowerCase());
      },
    },
    contains: containsFolded(sql`vx_fold(concat_ws(' ', contacts.email, array_to_string(contacts.additional_emails, ' ')))`),
    isEmpty: { value: IsEmpty, build: (v: boolean) => (v ? sql`contacts.email IS NULL` : sql`contacts.email IS NOT NULL`) },
  },
  phone: {
    eq: {
      value: z.string().min(1).max(64),
      build: (v: string, ctx: FilterContext) => {
        const n = normalisePhone(v, ctx.country);
        return identifierIs(ctx, 'phone', n.ok ? n.value : v.trim());
      },
    },
    contains: {
      value: z.string().regex(/\d{3}/, 'needs at least 3 digits').max(64),
      build: (v: string) => sql`contacts.search_digits LIKE ${`%${phoneDigits(v) ?? v.replace(/\D/g, '')}%`}`,
    },
    isEmpty: { value: IsEmpty, build: (v: boolean) => (v ? sql`contacts.phone IS NULL` : sql`contacts.phone IS NOT NULL`) },
  },
  ownerId: {
    eq: { value: Uuid, build: (v: string) => sql`contacts.owner_id = ${v}::uuid` },
    in: { value: UuidList, build: (v: string[]) => sql`contacts.owner_id IN (${sql.join(v.map((x) => sql`${x}::uuid`), sql`, `)})` },
    isEmpty: { value: IsEmpty, build: (v: boolean) => (v ? sql`contacts.owner_id IS NULL` : sql`contacts.owner_id IS NOT NULL`) },
  },
  source: {
    eq: { value: z.enum(SOURCES), build: (v: string) => sql`contacts.source = ${v}` },
    in: { value: z.array(z.enum(SOURCES)).min(1).max(SOURCES.length), build: (v: string[]) => sql`contacts.source IN (${sql.join(v.map((x) => sql`${x}`), sql`, `)})` },
  },
  createdAt: range('created_at'),
  updatedAt: range('updated_at'),
  ...STAGE_FIELDS,
  ...ATTENTION_FIELDS,
  ...Object.fromEntries(
    CONSENT_NAMES.map((n) => [`consents.${n}`, consentField(`consent_${n.replace(/[A-Z]/g, (m) => `_${m.toLowerCase()}`)}`)]),
  ),
};
