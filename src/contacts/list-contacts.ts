import { sql, type SQL } from 'drizzle-orm';
import type { Actor } from '../lib/actor.ts';
import { queryRows, type Db } from '../lib/db.ts';
import type { CursorCodec, Page } from '../lib/pagination.ts';
import { presentContact } from './contacts.present.ts';
import type { Contact, ContactListQuery } from './contacts.schema.ts';
import { contacts, type ContactRow } from './contacts.tables.ts';
import { emailKey, normaliseEmail, normalisePhone } from './identifiers.ts';
import { findWorkspace } from '../workspaces/workspaces.repo.ts';

const SORT_COLUMNS = { createdAt: contacts.createdAt, updatedAt: contacts.updatedAt } as const;
const EXACT_COUNT_LIMIT = 10_000;

/**
 * Keyset pagination over `(sortColumn, id)`: a page never repeats or skips a row because of
 * inserts elsewhere. `updatedAt` is mutable: a contact edited mid-walk may move (documented).
 */
export async function listContacts(db: Db, cursors: CursorCodec, actor: Actor, q: ContactListQuery): Promise<Page<Contact>> {
  const desc = q.sort.startsWith('-');
  const sortName = q.sort.replace('-', '') as keyof typeof SORT_COLUMNS;
  const column = SORT_COLUMNS[sortName];
  const where: SQL[] = [sql`${contacts.workspaceId} = ${actor.workspaceId}`];
  where.push(q.deleted === 'true' ? sql`${contacts.deletedAt} IS NOT NULL` : sql`${contacts.deletedAt} IS NULL`);
  if (q.ownerId) where.push(sql`${contacts.ownerId} = ${q.ownerId}`);
  if (q.source) where.push(sql`${contacts.source} = ${q.source}`);
  if (q.email || q.phone) {
    const matching = await identifierFilter(db, actor.workspaceId, q);
    where.push(matching);
  }
  const binding = `${actor.workspaceId}|${JSON.stringify({ ...q, cursor: undefined, limit: undefined, count: undefined })}`;
  const filterOnly = sql.join(where, sql` AND `);
  if (q.cursor) {
    const key = cursors.decode(q.cursor, binding);
    const cmp = desc ? sql`<` : sql`>`;
    where.push(sql`(${column}, ${contacts.id}) ${cmp} (${key.v}::timestamptz, ${key.id}::uuid)`);
  }
  const dir = desc ? sql`DESC` : sql`ASC`;
  const rows = (await db
    .select()
    .from(contacts)
    .where(sql.join(where, sql` AND `))
    .orderBy(sql`${column} ${dir}, ${contacts.id} ${dir}`)
    .limit(q.limit + 1)) as ContactRow[];
  const more = rows.length > q.limit;
  const page = more ? rows.slice(0, q.limit) : rows;
  const last = page.at(-1);
  const result: Page<Contact> = {
    data: page.map(presentContact),
    nextCursor: more && last ? cursors.encode({ v: (last[sortName] as Date).toISOString(), id: last.id }, binding) : null,
  };
  if (q.count === 'true') result.count = await countMatching(db, filterOnly);
  return result;
}

/** `?email=` and `?phone=` are exact identifier lookups, normalised like the stored values. */
async function identifierFilter(db: Db, workspaceId: string, q: ContactListQuery): Promise<SQL> {
  const conditions: SQL[] = [];
  if (q.email) {
    const n = normaliseEmail(q.email);
    const value = n.ok ? emailKey(n.value) : q.email.trim().toLowerCase();
    conditions.push(sql`EXISTS (SELECT 1 FROM contact_identifiers i WHERE i.workspace_id = ${workspaceId} AND i.kind = 'email' AND i.value = ${value} AND i.contact_id = ${contacts.id})`);
  }
  if (q.phone) {
    const ws = await findWorkspace(db, workspaceId);
    const n = normalisePhone(q.phone, ws?.defaultCountry ?? 'ES');
    const value = n.ok ? n.value : q.phone.trim();
    conditions.push(sql`EXISTS (SELECT 1 FROM contact_identifiers i WHERE i.workspace_id = ${workspaceId} AND i.kind = 'phone' AND i.value = ${value} AND i.contact_id = ${contacts.id})`);
  }
  return sql.join(conditions, sql` AND `);
}

/** Exact up to 10,000 matches; past that the planner's estimate, flagged as such. */
async function countMatching(db: Db, where: SQL): Promise<{ value: number; exact: boolean }> {
  const [capped] = await queryRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM contacts WHERE ${where} LIMIT ${EXACT_COUNT_LIMIT + 1}) s`,
  );
  const n = Number(capped?.n ?? 0);
  if (n <= EXACT_COUNT_LIMIT) return { value: n, exact: true };
  const [plan] = await queryRows(db, sql`EXPLAIN (FORMAT JSON) SELECT 1 FROM contacts WHERE ${where}`);
  const json = plan?.['QUERY PLAN'];
  const parsed = (typeof json === 'string' ? JSON.parse(json) : json) as [{ Plan: { 'Plan Rows': number } }];
  return { value: Math.max(Math.round(parsed[0].Plan['Plan Rows']), EXACT_COUNT_LIMIT + 1), exact: false };
}
