import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../lib/actor.ts';
import { queryRows, type Db } from '../lib/db.ts';
import { AppError } from '../lib/errors.ts';
import type { CursorCodec, Page } from '../lib/pagination.ts';
import { CONTACT_MEMBERS, presentContact, presentMembers } from '../contacts/contacts.present.ts';
import type { Contact, ContactFields } from '../contacts/contacts.schema.ts';
import { contacts, type ContactRow } from '../contacts/contacts.tables.ts';
import { readWorkspaceSettings } from '../workspaces/workspace-settings.ts';
import { listAttributes } from '../attributes/attributes.service.ts';
import { compileFilter } from './compile-filter.ts';
import { exactIdentifier, isWholeEmail, type FilterContext } from './filter-fields.ts';
import { searchBoxCondition } from './search-box.ts';
import { orderBy, partCondition, partsFor, resolveSort } from './keyset.ts';
import { sortsWithValues } from './non-null.ts';

export const MAX_PAGE_SIZE = 500;
const EXACT_COUNT_LIMIT = 10_000;

/** One list request, whichever door it came through (query string, search body, saved view, bulk). */
export type ListRequest = {
  filter?: unknown;
  q?: string;
  sort?: string;
  limit: number;
  cursor?: string;
  count?: boolean;
  deleted?: boolean;
  /**
   * A light page (`fields=`): only these members, in this order (the contact's own, `id` first),
   * and only the columns they read are selected.
   */
  fields?: readonly (keyof Contact)[];
};

/** Where errors point: `/query/…` for GET, `/…` for a JSON body; and the status they carry. */
export type RequestPlace = { prefix: string; status: 400 | 422 };

/** The workspace's phone country, read only when the request needs it (phone filters, search). */
export async function contextFor(db: Db, actor: Actor, req: Pick<ListRequest, 'filter' | 'q' | 'sort'>, now: Date): Promise<FilterContext> {
  const tree = JSON.stringify(req.filter ?? null);
  const text = req.q !== undefined || tree.includes('"phone"') || tree.includes('"q"');
  const country = text ? (await readWorkspaceSettings(db, actor.workspaceId)).defaultCountry : 'ES';
  const wantsAttributes = tree.includes('"attributes.') || (req.sort ?? '').includes('attributes.');
  const attributes = wantsAttributes
    ? new Map((await listAttributes(db, actor.workspaceId)).map((a) => [a.key, a]))
    : undefined;
  return { workspaceId: actor.workspaceId, country, now, attributes };
}

/** The WHERE of a request without the cursor and the search box: tenant, trash and filter tree. */
async function compileBase(db: Db, actor: Actor, req: ListRequest, place: RequestPlace, now: Date) {
  const ctx = await contextFor(db, actor, req, now);
  const where: SQL[] = [sql`contacts.workspace_id = ${actor.workspaceId}`];
  where.push(req.deleted ? sql`contacts.deleted_at IS NOT NULL` : sql`contacts.deleted_at IS NULL`);
  if (req.filter !== undefined) where.push(withStatus(() => compileFilter(req.filter, ctx, `${place.prefix}/filter`), place.status));
  return { where: sql.join(where, sql` AND `), ctx };
}

/** `where` and the search box's condition (which costs a statement of its own: search-box.ts). */
const withSearch = async (db: Db, where: SQL, q: string | undefined) => (q ? sql`${where} AND ${await searchBoxCondition(db, q)}` : where);

/** The WHERE of a request without the cursor: tenant, trash, filter tree and search box. */
export async function compileWhere(db: Db, actor: Actor, req: ListRequest, place: RequestPlace, now: Date) {
  const { where, ctx } = await compileBase(db, actor, req, place, now);
  return { where: await withSearch(db, where, req.q), ctx };
}

/** Builds the page's queries (also run directly by the benchmarks to measure API overhead). */
export async function prepareList(db: Db, cursors: CursorCodec, actor: Actor, req: ListRequest, place: RequestPlace, now: Date) {
  if (req.limit > MAX_PAGE_SIZE || req.limit < 1) {
    throw new AppError('validation_failed', `limit must be between 1 and ${MAX_PAGE_SIZE}`, {
      status: 400,
      errors: [{ pointer: `${place.prefix}/limit`, code: 'too_big', message: `at most ${MAX_PAGE_SIZE} contacts per page` }],
    });
  }
  const { where: filtered, ctx } = await compileBase(db, actor, req, place, now);
  const sortText = req.sort ?? (req.q ? 'relevance' : '-createdAt');
  const { spec, desc, name } = withStatus(() => resolveSort(sortText, `${place.prefix}/sort`, ctx, !!req.q), place.status);
  // Relevance: exact identifier matches head the first page; the rest pages newest first.
  const exact = name === 'relevance' && req.q ? exactIdentifier(req.q, ctx) : undefined;
  const binding = `${actor.workspaceId}|${name}|${JSON.stringify({ f: req.filter ?? null, q: req.q ?? null, d: !!req.deleted })}`;
  const key = req.cursor ? withCursorPointer(() => cursors.decode(req.cursor!, binding), `${place.prefix}/cursor`) : undefined;
  const columns = {
    ...columnsFor(req.fields),
    sortKey: sql<string | null>`(${spec.expr})::text`,
    // The stage's name in the same round trip (a page needs it for every contact in a stage).
    ...(!req.fields || req.fields.includes('stage')
      ? { stageName: sql<string | null>`(SELECT s.name FROM playbook_stages s WHERE s.workspace_id = contacts.workspace_id AND s.id = contacts.stage_id)` }
      : {}),
  };
  const valuesOnly = sortsWithValues(req.filter).has(name.replace(/^-/, ''));
  // The contacts holding the identifier typed (by key, whatever the search text says).
  const exactQuery = exact && !req.cursor ? db.select({ ...columns, sortKey: sql<string | null>`NULL` }).from(contacts).where(sql`${filtered} AND ${exact}`).limit(req.limit) : undefined;
  // A whole email that is some contact's identifier is that contact alone (at most one per
  // workspace): the search box's own statement and the substring scan for longer emails
  // containing it are skipped. One that matches no identifier (still being typed, say) is
  // searched as a fragment like any other input.
  const exactOnly = !!exactQuery && isWholeEmail(req.q!);
  /** The page's queries (values first, then the contacts without one), once the search box is asked. */
  const pageQueries = async () => {
    const where = await withSearch(db, filtered, req.q);
    const base = exact ? sql`${where} AND NOT ${exact}` : where;
    const queries = partsFor(spec, key, valuesOnly).map((part) => {
      const after = partCondition(spec, desc, part, key);
      return db
        .select(columns)
        .from(contacts)
        .where(after ? sql`${base} AND ${after}` : base)
        .orderBy(orderBy(spec, desc, part))
        .limit(req.limit + 1);
    });
    return { queries, where };
  };
  return { exactQuery, exactOnly, pageQueries, binding, spec, sortName: name };
}

/** Every column of a contact, or (a light page) the id and the columns the members named read. */
function columnsFor(fields: readonly (keyof Contact)[] | undefined) {
  const all = getTableColumns(contacts);
  if (!fields) return all;
  const keys = new Set<keyof typeof all>(['id', ...fields.flatMap((f) => CONTACT_MEMBERS[f]!.reads)]);
  return Object.fromEntries([...keys].map((k) => [k, all[k]])) as Partial<typeof all>;
}

/** A page of contacts: keyset over (sort key, id), so inserts elsewhere never repeat or skip a row. */
export async function listPage(db: Db, cursors: CursorCodec, actor: Actor, req: ListRequest & { fields?: undefined }, place: RequestPlace, now: Date): Promise<Page<Contact>>;
export async function listPage(db: Db, cursors: CursorCodec, actor: Actor, req: ListRequest, place: RequestPlace, now: Date): Promise<Page<Contact> | Page<ContactFields>>;
export async function listPage(db: Db, cursors: CursorCodec, actor: Actor, req: ListRequest, place: RequestPlace, now: Date): Promise<Page<Contact> | Page<ContactFields>> {
  const { pageQueries, exactQuery, exactOnly, binding } = await prepareList(db, cursors, actor, req, place, now);
  type Row = ContactRow & { sortKey: string | null; stageName: string | null };
  const first = exactQuery ? ((await exactQuery) as Row[]) : [];
  const rows = [...first];
  const done = exactOnly && first.length > 0;
  const rest = done ? undefined : await pageQueries();
  // Values first, then (only if the page is not full yet) the contacts without a value.
  for (const q of rest?.queries ?? []) if (rows.length <= req.limit) rows.push(...((await q) as Row[]));
  const more = rows.length > req.limit;
  const shown = more ? rows.slice(0, req.limit) : rows;
  const last = shown.at(-1);
  const stageNames = new Map(shown.filter((r) => r.stageId && r.stageName != null).map((r) => [r.stageId!, r.stageName!]));
  const fields = req.fields;
  const result: Page<Contact> | Page<ContactFields> = {
    data: shown.map(({ sortKey: _k, stageName: _s, ...row }) =>
      fields ? (presentMembers(row as ContactRow, fields, { now, stageNames }) as ContactFields) : presentContact(row as ContactRow, { now, stageNames }),
    ) as Contact[] | ContactFields[],
    // After an exact match (first page only) the next page starts at the top of the rest.
    nextCursor: more && last ? cursors.encode(last.sortKey === null && first.includes(last) ? { v: 'infinity', id: 'ffffffff-ffff-ffff-ffff-ffffffffffff' } : { v: last.sortKey, id: last.id }, binding) : null,
  };
  if (req.count) result.count = rest ? await countMatching(db, rest.where) : { value: first.length, exact: true };
  return result;
}

/** Exact up to 10,000 matches; past that the planner's estimate, flagged as such. */
export async function countMatching(db: Db, where: SQL): Promise<{ value: number; exact: boolean }> {
  const [capped] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM contacts WHERE ${where} LIMIT ${EXACT_COUNT_LIMIT + 1}) s`);
  const n = Number(capped?.n ?? 0);
  if (n <= EXACT_COUNT_LIMIT) return { value: n, exact: true };
  const [plan] = await queryRows(db, sql`EXPLAIN (FORMAT JSON) SELECT 1 FROM contacts WHERE ${where}`);
  const json = plan?.['QUERY PLAN'];
  const parsed = (typeof json === 'string' ? JSON.parse(json) : json) as [{ Plan: { 'Plan Rows': number } }];
  return { value: Math.max(Math.round(parsed[0].Plan['Plan Rows']), EXACT_COUNT_LIMIT + 1), exact: false };
}

function withStatus<T>(fn: () => T, status: number): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof AppError && err.code === 'validation_failed') throw new AppError(err.code, err.message, { ...err.options, status });
    throw err;
  }
}

function withCursorPointer<T>(fn: () => T, pointer: string): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof AppError && err.code === 'invalid_cursor') {
      throw new AppError(err.code, err.message, { errors: [{ pointer, code: 'invalid_cursor', message: 'not a cursor of this list' }] });
    }
    throw err;
  }
}
