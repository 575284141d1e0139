-- Tasks of a contact: title, due time, assignee (a user of the workspace), pending / done.
CREATE TABLE tasks (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  contact_id uuid NOT NULL,
  title text NOT NULL,
  due_at timestamptz,
  assignee_id uuid,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done')),
  completed_at timestamptz,
  author_type text NOT NULL,
  author_id text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (workspace_id, id)
);
-- A contact's tasks newest first (list, timeline) and its pending ones (ignore deletes them).
CREATE INDEX tasks_contact ON tasks (workspace_id, contact_id, created_at, id);
CREATE INDEX tasks_assignee_pending ON tasks (workspace_id, assignee_id, due_at) WHERE status = 'pending';
