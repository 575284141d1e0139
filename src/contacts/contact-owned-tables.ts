import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../lib/db.ts';

/*
 * Which tables a merge moves, found by construction rather than listed by hand.
 *
 * Why the catalog and not a registry or the foreign keys: only contact_identifiers carries a
 * foreign key to contacts (the element tables predate it and adding them is a migration of its
 * own), so the keys would find one table of fourteen. A registry declared in each feature's tables
 * module would have contacts import thirteen features (each of which already imports contacts: a
 * cycle per feature) or rely on import side effects, and a feature that forgets to declare is
 * skipped silently. The column itself is the convention every contact-owned table follows
 * (`workspace_id` + `contact_id uuid`), so the merge asks the database which tables have it, in
 * the merge's own transaction: a table a migration adds is moved from its first merge on, with
 * no list to forget and no per-process cache to go stale when another process migrates. A merge is
 * rare and the lookup is one small catalog query (pg_catalog, not information_schema, which
 * hides tables the tenant role holds no privilege on).
 *
 * The default is the plain re-point. A table that needs more declares its rule below, keyed by
 * name (a string, not an import, so contacts depends on no other feature); merge-contacts.test.ts
 * seeds a row in every table the catalog lists and fails on a table it has no seed for, which is
 * where the author of a new table decides whether the default is right.
 */

/** A contact-owned table that a merge does not simply re-point, and why. */
export type MergeException = {
  /** `own`: merge-contacts.ts moves it with its own logic; `keep`: its rows stay where they are. */
  rule: 'own' | 'keep';
  reason: string;
};

/** The tables with a non-default merge rule. Every other contact-owned table is re-pointed. */
export const MERGE_EXCEPTIONS: Readonly<Record<string, MergeException>> = {
  contact_identifiers: {
    rule: 'own',
    reason:
      'one live contact per identifier: the merge releases both contacts’ identifiers and the survivor claims the union, so an identifier both held is not inserted twice',
  },
  bulk_job_items: {
    rule: 'keep',
    reason:
      'a bulk job’s record of what it did to which contact: it describes the job, not the contact, and re-pointing would collide on (job, contact) when both contacts were in one job',
  },
  import_rows: {
    rule: 'keep',
    reason:
      'an import’s record of the contact each row wrote: it describes the import; its rollback checks the contact’s version and refuses a contact merged since, so the row must keep naming the one it wrote',
  },
};

/** A table with a `contact_id` column and what a merge does with it. */
export type ContactOwnedTable = { table: string; rule: 'repoint' | MergeException['rule'] };

/**
 * Every ordinary table in the public schema with a live `contact_id` column, sorted by name, with
 * its merge rule (the exception declared above, else `repoint`). Works on the tenant connection:
 * pg_catalog is readable by any role.
 */
export async function contactOwnedTables(db: Db): Promise<ContactOwnedTable[]> {
  const rows = await queryRows<{ table: string }>(
    db,
    sql`SELECT c.relname AS table
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND a.attname = 'contact_id' AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY c.relname`,
  );
  return rows.map(({ table }) => ({ table, rule: MERGE_EXCEPTIONS[table]?.rule ?? 'repoint' }));
}

/**
 * Moves every row of every re-pointed contact-owned table from `otherId` to `survivorId` in one
 * workspace, and answers the tables it moved (sorted, so two merges take row locks in one order).
 */
export async function repointContactRows(db: Db, workspaceId: string, survivorId: string, otherId: string): Promise<string[]> {
  const moved: string[] = [];
  for (const { table, rule } of await contactOwnedTables(db)) {
    if (rule !== 'repoint') continue;
    await db.execute(
      sql`UPDATE ${sql.identifier(table)} SET contact_id = ${survivorId} WHERE workspace_id = ${workspaceId} AND contact_id = ${otherId}`,
    );
    moved.push(table);
  }
  return moved;
}
