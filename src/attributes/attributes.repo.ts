import { createHash } from 'node:crypto';
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { contacts } from '../contacts/contacts.tables.ts';
import { queryRows, type Db } from '../lib/db.ts';
import { sqlStateOf } from '../lib/pg-errors.ts';
import { ATTRIBUTE_KEY_RE } from './attributes.schema.ts';
import { contactAttributes, type AttributeRow } from './attributes.tables.ts';

export async function listAttributeRows(db: Db, workspaceId: string): Promise<AttributeRow[]> {
  return db.select().from(contactAttributes).where(eq(contactAttributes.workspaceId, workspaceId)).orderBy(asc(contactAttributes.position), asc(contactAttributes.key));
}

/**
 * Key-share locks the definitions of `keys` until the caller's transaction ends, so a definition
 * change (which locks FOR UPDATE) cannot slip between validating a contact's values and storing them.
 */
export async function lockAttributeKeys(db: Db, workspaceId: string, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await db
    .select({ id: contactAttributes.id })
    .from(contactAttributes)
    .where(and(eq(contactAttributes.workspaceId, workspaceId), inArray(contactAttributes.key, keys)))
    .for('key share');
}

export async function findAttributeRow(db: Db, workspaceId: string, id: string, lock = false): Promise<AttributeRow | undefined> {
  const q = db.select().from(contactAttributes).where(and(eq(contactAttributes.workspaceId, workspaceId), eq(contactAttributes.id, id)));
  const rows = lock ? await q.for('update') : await q;
  return rows[0];
}

export async function insertAttributeRow(db: Db, row: typeof contactAttributes.$inferInsert): Promise<AttributeRow> {
  const [inserted] = await db.insert(contactAttributes).values(row).returning();
  return inserted!;
}

export async function updateAttributeRow(db: Db, workspaceId: string, id: string, changes: Partial<typeof contactAttributes.$inferInsert>): Promise<AttributeRow> {
  const [row] = await db
    .update(contactAttributes)
    .set({ ...changes, version: sql`${contactAttributes.version} + 1` })
    .where(and(eq(contactAttributes.workspaceId, workspaceId), eq(contactAttributes.id, id)))
    .returning();
  return row!;
}

export async function deleteAttributeRow(db: Db, workspaceId: string, id: string): Promise<void> {
  await db.delete(contactAttributes).where(and(eq(contactAttributes.workspaceId, workspaceId), eq(contactAttributes.id, id)));
}

export async function nextAttributePosition(db: Db, workspaceId: string): Promise<number> {
  const [r] = await db.select({ n: sql<number>`coalesce(max(${contactAttributes.position}) + 1, 0)::int` }).from(contactAttributes).where(eq(contactAttributes.workspaceId, workspaceId));
  return Number(r?.n ?? 0);
}

/** `custom_attributes -> 'key'` with the key inlined, so it matches the per-key expression index. */
export function attributeValueSql(key: string): SQL {
  if (!ATTRIBUTE_KEY_RE.test(key)) throw new Error(`not an attribute key: ${key}`);
  return sql`${contacts.customAttributes} -> ${sql.raw(`'${key}'`)}`;
}

/** Contacts (trash included: they can come back) of the workspace matching `where`. */
export async function countContactsWhere(db: Db, workspaceId: string, where: SQL): Promise<number> {
  const [r] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM contacts WHERE contacts.workspace_id = ${workspaceId} AND (${where})`);
  return Number(r?.n ?? 0);
}

/** Rewrites the key's value on matching contacts (`newValue` NULL removes the key); bumps versions. */
export async function rewriteAttributeValues(db: Db, workspaceId: string, key: string, where: SQL, newValue: SQL, now: Date): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    db,
    sql`WITH changed AS (
          UPDATE contacts SET
            custom_attributes = CASE WHEN (${newValue}) IS NULL THEN custom_attributes - ${key}::text
                                     ELSE jsonb_set(custom_attributes, ARRAY[${key}::text], ${newValue}) END,
            updated_at = ${now.toISOString()}::timestamptz,
            version = version + 1
          WHERE contacts.workspace_id = ${workspaceId} AND (${where})
          RETURNING 1)
        SELECT count(*)::int AS n FROM changed`,
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Range filters and sorts on an attribute use `(workspace_id, custom_attributes -> 'key', id)`:
 * one index per key name, shared by the workspaces using that key, built on first use. Only the
 * contacts that have a value are in it (`… IS NOT NULL`, migration 1000): every condition that
 * uses it implies that, and a contact without the attribute costs no entry on write. Run
 * outside any transaction: CONCURRENTLY keeps contact writes flowing while it builds, and a
 * build that failed half-way (left invalid) is dropped and redone.
 */
export async function ensureAttributeIndex(db: Db, key: string): Promise<void> {
  if (!ATTRIBUTE_KEY_RE.test(key)) throw new Error(`not an attribute key: ${key}`);
  const name = attributeIndexName(key);
  const [existing] = await queryRows<{ valid: boolean; stats: boolean }>(db, sql`SELECT i.indisvalid AS valid,
      EXISTS (SELECT 1 FROM pg_statistic_ext WHERE stxname = ${attributeStatisticsName(key)}) AS stats
    FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid WHERE c.relname = ${name}`);
  if (existing?.valid && existing.stats) return;
  try {
    if (existing && !existing.valid) await db.execute(sql.raw(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`));
    await db.execute(sql.raw(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON contacts (workspace_id, (custom_attributes -> '${key}'), id) WHERE deleted_at IS NULL AND (custom_attributes -> '${key}') IS NOT NULL`));
  } catch (err) {
    // Another server building the same index at the same moment: theirs serves both.
    if (!['23505', '42P07'].includes(sqlStateOf(err) ?? '')) throw err;
  }
  // The planner does not read a partial index's statistics for the whole table, so it guessed
  // 0.5% of the rows for any condition on the attribute: at 100k, 500 for 26,630 "enterprise"
  // plans, and the first page read them all through this index and sorted them (19 ms) instead of
  // walking the newest contacts first (0.3 ms). Statistics on the expression itself, gathered
  // now rather than at autovacuum's next ANALYZE (after a tenth of the table changed), give it
  // the values. ANALYZE samples a fixed number of rows, whatever the table's size.
  try {
    await db.execute(sql.raw(`CREATE STATISTICS IF NOT EXISTS ${attributeStatisticsName(key)} ON ((custom_attributes -> '${key}')) FROM contacts`));
  } catch (err) {
    if (!['23505', '42P07', '42710'].includes(sqlStateOf(err) ?? '')) throw err;
  }
  await db.execute(sql.raw('ANALYZE contacts'));
}

export const attributeIndexName = (key: string) => `contacts_attr_${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;
/** The attribute's expression statistics, beside its index. */
export const attributeStatisticsName = (key: string) => `${attributeIndexName(key)}_values`;
