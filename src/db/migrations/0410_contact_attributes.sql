-- Custom contact attributes: definitions per workspace, values in contacts.custom_attributes.
CREATE TABLE contact_attributes (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  id uuid NOT NULL,
  key text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,62}$'),
  label text NOT NULL,
  type text NOT NULL CHECK (type IN ('text', 'number', 'date', 'single_select', 'multi_select', 'boolean')),
  options jsonb NOT NULL DEFAULT '[]',
  required boolean NOT NULL DEFAULT false,
  position int NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, key)
);

ALTER TABLE contacts ADD COLUMN custom_attributes jsonb NOT NULL DEFAULT '{}';

-- Equality, one-of, contains-any/all and boolean filters: containment (@>) on a GIN index whose
-- first column is the workspace (btree_gin), so one workspace's values never scan another's.
-- Ranges and sorts use per-key expression indexes the attributes service creates on demand.
CREATE INDEX contacts_custom_attributes ON contacts USING gin (workspace_id, custom_attributes jsonb_path_ops)
  WHERE deleted_at IS NULL;
