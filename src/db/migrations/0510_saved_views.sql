-- Saved contact views (issue 5): a named filter tree + sort + columns, private to its creator or shared.
CREATE TABLE saved_views (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  id uuid NOT NULL,
  name text NOT NULL,
  filter jsonb,
  sort text NOT NULL,
  columns jsonb NOT NULL DEFAULT '[]',
  visibility text NOT NULL CHECK (visibility IN ('private', 'shared')),
  -- The user (or, without one, the API key) that created it: the only one who sees a private view.
  owner_principal text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX saved_views_visible ON saved_views (workspace_id, visibility, owner_principal, name);
