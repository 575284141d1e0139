import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** One CSV import: the file's reading, the mapping and options, the job's checkpoint and counts. */
export const imports = pgTable(
  'imports',
  {
    workspaceId: uuid('workspace_id').notNull(),
    id: uuid('id').notNull(),
    status: text('status').$type<'draft' | 'queued' | 'running' | 'succeeded' | 'failed' | 'rolled_back'>().notNull(),
    fileName: text('file_name').notNull(),
    storageKey: text('storage_key').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    estimatedRows: integer('estimated_rows').notNull().default(0),
    encoding: text('encoding').notNull(),
    delimiter: text('delimiter').notNull(),
    headers: jsonb('headers').$type<string[]>().notNull(),
    mapping: jsonb('mapping').notNull(),
    options: jsonb('options').notNull(),
    actor: jsonb('actor').notNull(),
    totalRows: integer('total_rows'),
    lastCommittedRow: integer('last_committed_row').notNull().default(0),
    createdCount: integer('created_count').notNull().default(0),
    updatedCount: integer('updated_count').notNull().default(0),
    unchangedCount: integer('unchanged_count').notNull().default(0),
    failedCount: integer('failed_count').notNull().default(0),
    conflictCount: integer('conflict_count').notNull().default(0),
    dryRun: jsonb('dry_run'),
    rollback: jsonb('rollback'),
    error: jsonb('error'),
    version: integer('version').notNull().default(1),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] }), index('imports_newest').on(t.workspaceId, t.createdAt.desc(), t.id.desc())],
);

/** The outcome of one data row of an import; (workspace, import, row) is unique, so a batch run twice writes nothing twice. */
export const importRows = pgTable(
  'import_rows',
  {
    workspaceId: uuid('workspace_id').notNull(),
    importId: uuid('import_id').notNull(),
    rowNumber: integer('row_number').notNull(),
    line: integer('line').notNull(),
    status: text('status').$type<'created' | 'updated' | 'unchanged' | 'error' | 'conflict'>().notNull(),
    contactId: uuid('contact_id'),
    contactVersion: integer('contact_version'),
    previous: jsonb('previous'),
    columnName: text('column_name'),
    code: text('code'),
    message: text('message'),
    cells: jsonb('cells').$type<string[]>(),
    rollbackState: text('rollback_state').$type<'done' | 'refused'>(),
    rollbackCode: text('rollback_code'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.importId, t.rowNumber] })],
);
