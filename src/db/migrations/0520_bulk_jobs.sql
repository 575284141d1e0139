-- Bulk actions on contacts (issue 5). The selection is frozen into items when the job is created,
-- so progress has a stable total and a restarted worker resumes at the first pending item.
CREATE TABLE bulk_jobs (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  id uuid NOT NULL,
  kind text NOT NULL,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  action jsonb NOT NULL,
  actor jsonb NOT NULL,
  total int NOT NULL DEFAULT 0,
  done int NOT NULL DEFAULT 0,
  failed int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  finished_at timestamptz,
  PRIMARY KEY (workspace_id, id)
);

CREATE TABLE bulk_job_items (
  workspace_id uuid NOT NULL,
  job_id uuid NOT NULL,
  contact_id uuid NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
  code text,
  message text,
  PRIMARY KEY (workspace_id, job_id, contact_id)
);
CREATE INDEX bulk_job_items_pending ON bulk_job_items (workspace_id, job_id, contact_id) WHERE state = 'pending';
CREATE INDEX bulk_job_items_failed ON bulk_job_items (workspace_id, job_id, contact_id) WHERE state = 'failed';
