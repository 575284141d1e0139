import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../lib/db.ts';

export type ImportStatus = 'draft' | 'queued' | 'running' | 'succeeded' | 'failed' | 'rolled_back';
export type RowStatus = 'created' | 'updated' | 'unchanged' | 'error' | 'conflict';

export type ImportRow = {
  workspace_id: string; id: string; status: ImportStatus; file_name: string; storage_key: string;
  size_bytes: number | string; sha256: string; estimated_rows: number; encoding: string; delimiter: string;
  headers: string[]; mapping: unknown[]; options: Record<string, unknown>; actor: Record<string, unknown>;
  total_rows: number | null; last_committed_row: number;
  created_count: number; updated_count: number; unchanged_count: number; failed_count: number; conflict_count: number;
  dry_run: unknown; rollback: unknown; error: { code: string; message: string } | null; version: number;
  created_at: Date | string; updated_at: Date | string; started_at: Date | string | null; finished_at: Date | string | null;
};

/** One row's outcome as stored in `import_rows`. */
export type RowOutcome = {
  row: number; line: number; status: RowStatus; contactId?: string | null; contactVersion?: number | null;
  previous?: Record<string, unknown> | null; column?: string | null; code?: string | null; message?: string | null; cells?: string[] | null;
};

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
const parse = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

function normalise(row: ImportRow): ImportRow {
  for (const k of ['headers', 'mapping', 'options', 'actor', 'dry_run', 'rollback', 'error'] as const) (row as Record<string, unknown>)[k] = parse(row[k]);
  return row;
}

export async function insertImport(db: Db, r: {
  workspaceId: string; id: string; fileName: string; storageKey: string; sizeBytes: number; sha256: string; estimatedRows: number;
  encoding: string; delimiter: string; headers: string[]; mapping: unknown[]; options: object; actor: object; now: Date;
}): Promise<void> {
  const now = r.now.toISOString();
  await db.execute(sql`INSERT INTO imports (workspace_id, id, status, file_name, storage_key, size_bytes, sha256, estimated_rows,
      encoding, delimiter, headers, mapping, options, actor, created_at, updated_at)
    VALUES (${r.workspaceId}, ${r.id}, 'draft', ${r.fileName}, ${r.storageKey}, ${r.sizeBytes}, ${r.sha256}, ${r.estimatedRows},
      ${r.encoding}, ${r.delimiter}, ${JSON.stringify(r.headers)}::jsonb, ${JSON.stringify(r.mapping)}::jsonb, ${JSON.stringify(r.options)}::jsonb,
      ${JSON.stringify(r.actor)}::jsonb, ${now}, ${now})`);
}

export async function findImport(db: Db, workspaceId: string, id: string, opts: { lock?: boolean } = {}): Promise<ImportRow | undefined> {
  const lock = opts.lock ? sql` FOR UPDATE` : sql``;
  const [row] = await queryRows<ImportRow>(db, sql`SELECT * FROM imports WHERE workspace_id = ${workspaceId} AND id = ${id}${lock}`);
  return row ? normalise(row) : undefined;
}

/** Newest first, after the cursor's (created_at, id). */
export async function listImports(db: Db, workspaceId: string, limit: number, after?: { createdAt: string; id: string }): Promise<ImportRow[]> {
  const where = after ? sql` AND (created_at, id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)` : sql``;
  const rows = await queryRows<ImportRow>(db, sql`SELECT * FROM imports WHERE workspace_id = ${workspaceId}${where}
    ORDER BY created_at DESC, id DESC LIMIT ${limit}`);
  return rows.map(normalise);
}

export async function updateImport(db: Db, workspaceId: string, id: string, changes: {
  status?: ImportStatus; encoding?: string; delimiter?: string; headers?: string[]; mapping?: unknown[]; options?: object;
  dryRun?: object | null; rollback?: object; error?: object | null; totalRows?: number; started?: boolean; finished?: boolean;
  counts?: { created: number; updated: number; unchanged: number; failed: number; conflict: number }; lastCommittedRow?: number;
}, now: Date): Promise<void> {
  const sets = [sql`updated_at = ${now.toISOString()}`, sql`version = version + 1`];
  if (changes.status) sets.push(sql`status = ${changes.status}`);
  if (changes.encoding) sets.push(sql`encoding = ${changes.encoding}`);
  if (changes.delimiter) sets.push(sql`delimiter = ${changes.delimiter}`);
  if (changes.headers) sets.push(sql`headers = ${JSON.stringify(changes.headers)}::jsonb`);
  if (changes.mapping) sets.push(sql`mapping = ${JSON.stringify(changes.mapping)}::jsonb`);
  if (changes.options) sets.push(sql`options = ${JSON.stringify(changes.options)}::jsonb`);
  if (changes.dryRun !== undefined) sets.push(sql`dry_run = ${json(changes.dryRun)}::jsonb`);
  if (changes.rollback) sets.push(sql`rollback = ${JSON.stringify(changes.rollback)}::jsonb`);
  if (changes.error !== undefined) sets.push(sql`error = ${json(changes.error)}::jsonb`);
  if (changes.totalRows !== undefined) sets.push(sql`total_rows = ${changes.totalRows}`);
  if (changes.started) sets.push(sql`started_at = coalesce(started_at, ${now.toISOString()}::timestamptz)`);
  if (changes.finished) sets.push(sql`finished_at = ${now.toISOString()}`);
  if (changes.lastCommittedRow !== undefined) sets.push(sql`last_committed_row = ${changes.lastCommittedRow}`);
  if (changes.counts) {
    const c = changes.counts;
    sets.push(sql`created_count = ${c.created}, updated_count = ${c.updated}, unchanged_count = ${c.unchanged}, failed_count = ${c.failed}, conflict_count = ${c.conflict}`);
  }
  await db.execute(sql`UPDATE imports SET ${sql.join(sets, sql`, `)} WHERE workspace_id = ${workspaceId} AND id = ${id}`);
}

/**
 * Records a batch's row outcomes and moves the checkpoint, in the caller's transaction (the one
 * that applied the batch). A row already recorded (a batch run twice) is left as it was.
 */
export async function commitBatch(db: Db, workspaceId: string, importId: string, rows: RowOutcome[], lastRow: number, now: Date): Promise<void> {
  if (rows.length) {
    const payload = JSON.stringify(rows.map((r) => ({
      row_number: r.row, line: r.line, status: r.status, contact_id: r.contactId ?? null, contact_version: r.contactVersion ?? null,
      previous: r.previous ?? null, column_name: r.column ?? null, code: r.code ?? null, message: r.message ?? null, cells: r.cells ?? null,
    })));
    await db.execute(sql`INSERT INTO import_rows (workspace_id, import_id, row_number, line, status, contact_id, contact_version, previous, column_name, code, message, cells)
      SELECT ${workspaceId}, ${importId}, x.row_number, x.line, x.status, x.contact_id, x.contact_version, x.previous, x.column_name, x.code, x.message, x.cells
      FROM jsonb_to_recordset(${payload}::jsonb) AS x(row_number int, line int, status text, contact_id uuid, contact_version int, previous jsonb,
        column_name text, code text, message text, cells jsonb)
      ON CONFLICT (workspace_id, import_id, row_number) DO NOTHING`);
  }
  const count = (s: RowStatus) => rows.filter((r) => r.status === s).length;
  await db.execute(sql`UPDATE imports SET last_committed_row = ${lastRow}, updated_at = ${now.toISOString()},
      created_count = created_count + ${count('created')}, updated_count = updated_count + ${count('updated')},
      unchanged_count = unchanged_count + ${count('unchanged')}, failed_count = failed_count + ${count('error')},
      conflict_count = conflict_count + ${count('conflict')}
    WHERE workspace_id = ${workspaceId} AND id = ${importId}`);
}

/**
 * Pipelined batches of one import (PostgreSQL): batch `n` holds this lock until it commits or rolls
 * back, and batch `n + 1` waits for it in the database (not in Node) before it commits, so a lock
 * cycle between the two is one the server sees and breaks (40P01) instead of a silent hang.
 */
export async function holdBatchTurn(db: Db, importId: string, n: number): Promise<void> {
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${importId}), ${n % 2_147_483_647}::int)`);
}

/** Waits until batch `n` of the import has committed or rolled back (see holdBatchTurn). */
export async function awaitBatchTurn(db: Db, importId: string, n: number): Promise<void> {
  await db.execute(sql`SELECT pg_advisory_xact_lock_shared(hashtext(${importId}), ${n % 2_147_483_647}::int)`);
}

export type StoredRow = {
  row_number: number; line: number; status: RowStatus; contact_id: string | null; contact_version: number | null;
  previous: Record<string, unknown> | null; column_name: string | null; code: string | null; message: string | null; cells: string[] | null;
};

/** Failed rows (error or conflict) in file order, after `afterRow`. */
export async function failedRows(db: Db, workspaceId: string, importId: string, afterRow: number, limit: number): Promise<StoredRow[]> {
  const rows = await queryRows<StoredRow>(db, sql`SELECT row_number, line, status, column_name, code, message, cells FROM import_rows
    WHERE workspace_id = ${workspaceId} AND import_id = ${importId} AND status IN ('error', 'conflict') AND row_number > ${afterRow}
    ORDER BY row_number LIMIT ${limit}`);
  return rows.map((r) => ({ ...r, cells: parse<string[] | null>(r.cells) }));
}

/** Rows that wrote a contact and are not rolled back yet, last first, before `beforeRow`. */
export async function rowsToRollBack(db: Db, workspaceId: string, importId: string, beforeRow: number, limit: number): Promise<StoredRow[]> {
  const rows = await queryRows<StoredRow>(db, sql`SELECT row_number, line, status, contact_id, contact_version, previous FROM import_rows
    WHERE workspace_id = ${workspaceId} AND import_id = ${importId} AND status IN ('created', 'updated') AND rollback_state IS NULL
      AND row_number < ${beforeRow}
    ORDER BY row_number DESC LIMIT ${limit}`);
  return rows.map((r) => ({ ...r, previous: parse<Record<string, unknown> | null>(r.previous) }));
}

export async function markRolledBack(db: Db, workspaceId: string, importId: string, row: number, state: 'done' | 'refused', code: string | null): Promise<void> {
  await db.execute(sql`UPDATE import_rows SET rollback_state = ${state}, rollback_code = ${code}
    WHERE workspace_id = ${workspaceId} AND import_id = ${importId} AND row_number = ${row}`);
}

/** Totals of the rollback so far (a rollback interrupted and asked again continues). */
export async function rollbackTotals(db: Db, workspaceId: string, importId: string) {
  const rows = await queryRows<{ status: RowStatus; rollback_state: string; n: number | string }>(db, sql`SELECT status, rollback_state, count(*) AS n
    FROM import_rows WHERE workspace_id = ${workspaceId} AND import_id = ${importId} AND rollback_state IS NOT NULL GROUP BY 1, 2`);
  const n = (status: RowStatus | null, state: string) => rows.filter((r) => (status === null || r.status === status) && r.rollback_state === state).reduce((s, r) => s + Number(r.n), 0);
  return { removed: n('created', 'done'), restored: n('updated', 'done'), refused: n(null, 'refused') };
}

export async function refusedRollbacks(db: Db, workspaceId: string, importId: string, limit: number) {
  return queryRows<{ row_number: number; contact_id: string; rollback_code: string }>(db, sql`SELECT row_number, contact_id, rollback_code FROM import_rows
    WHERE workspace_id = ${workspaceId} AND import_id = ${importId} AND rollback_state = 'refused' ORDER BY row_number LIMIT ${limit}`);
}
