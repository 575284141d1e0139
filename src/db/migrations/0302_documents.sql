-- Files attached to a contact. The bytes live in document storage (local disk by default) under
-- storage_key; the row is written in the same transaction that stores them.
CREATE TABLE documents (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  contact_id uuid NOT NULL,
  name text NOT NULL,
  content_type text NOT NULL,
  size_bytes bigint NOT NULL CHECK (size_bytes > 0),
  sha256 text NOT NULL,
  storage_key text NOT NULL,
  author_type text NOT NULL,
  author_id text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX documents_contact ON documents (workspace_id, contact_id, created_at, id);
