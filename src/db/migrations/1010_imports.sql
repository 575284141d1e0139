-- CSV imports of contacts (issue 9, R23–R25). The uploaded file lives in the data folder; the
-- import row holds its reading (encoding, delimiter, headers), the chosen mapping and options, and
-- the job's checkpoint: every batch of rows commits with `last_committed_row` and the outcome of
-- each of its rows in `import_rows`, so a resumed job starts after the last committed row and a
-- batch run twice writes nothing twice.
CREATE TABLE imports (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('draft', 'queued', 'running', 'succeeded', 'failed', 'rolled_back')),
  file_name text NOT NULL,
  storage_key text NOT NULL,
  size_bytes bigint NOT NULL,
  sha256 text NOT NULL,
  estimated_rows int NOT NULL DEFAULT 0,
  encoding text NOT NULL,
  delimiter text NOT NULL,
  headers jsonb NOT NULL,
  mapping jsonb NOT NULL,
  options jsonb NOT NULL,
  actor jsonb NOT NULL,
  total_rows int,
  last_committed_row int NOT NULL DEFAULT 0,
  created_count int NOT NULL DEFAULT 0,
  updated_count int NOT NULL DEFAULT 0,
  unchanged_count int NOT NULL DEFAULT 0,
  failed_count int NOT NULL DEFAULT 0,
  conflict_count int NOT NULL DEFAULT 0,
  dry_run jsonb,
  rollback jsonb,
  error jsonb,
  version int NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  started_at timestamptz,
  finished_at timestamptz,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX imports_newest ON imports (workspace_id, created_at DESC, id DESC);

CREATE TABLE import_rows (
  workspace_id uuid NOT NULL,
  import_id uuid NOT NULL,
  row_number int NOT NULL,
  line int NOT NULL,
  status text NOT NULL CHECK (status IN ('created', 'updated', 'unchanged', 'error', 'conflict')),
  contact_id uuid,
  contact_version int,
  previous jsonb,
  column_name text,
  code text,
  message text,
  cells jsonb,
  rollback_state text CHECK (rollback_state IN ('done', 'refused')),
  rollback_code text,
  PRIMARY KEY (workspace_id, import_id, row_number)
);
CREATE INDEX import_rows_failed ON import_rows (workspace_id, import_id, row_number) WHERE status IN ('error', 'conflict');

SELECT enable_tenant_rls('imports');
SELECT enable_tenant_rls('import_rows');
