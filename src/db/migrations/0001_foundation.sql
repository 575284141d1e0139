-- Foundation: workspaces, users, API keys, idempotency, outbox, contacts and their history.
-- Every business table leads its primary key and indexes with workspace_id (ready for Citus).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TABLE instance_secrets (
  name text PRIMARY KEY,
  value text NOT NULL
);
-- Signs pagination cursors; random per installation.
INSERT INTO instance_secrets(name, value)
  VALUES ('cursor_hmac', md5(random()::text || clock_timestamp()::text) || md5(random()::text));

CREATE TABLE workspaces (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  default_country char(2) NOT NULL DEFAULT 'ES',
  time_zone text NOT NULL DEFAULT 'Europe/Madrid',
  locale text NOT NULL DEFAULT 'es-ES',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version bigint NOT NULL DEFAULT 1
);

CREATE TABLE users (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  id uuid NOT NULL,
  email text NOT NULL,
  name text NOT NULL DEFAULT '',
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, email)
);

CREATE TABLE api_keys (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  id uuid NOT NULL,
  name text NOT NULL,
  prefix text NOT NULL,
  secret_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  user_id uuid,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at timestamptz,
  PRIMARY KEY (workspace_id, id)
);
-- Authentication looks a key up by its hash before the workspace is known.
CREATE UNIQUE INDEX api_keys_secret_hash ON api_keys (secret_hash);

CREATE TABLE idempotency_keys (
  workspace_id uuid NOT NULL,
  principal_id uuid NOT NULL,
  key text NOT NULL,
  fingerprint text NOT NULL,
  state text NOT NULL CHECK (state IN ('running', 'done')),
  status_code int,
  response_headers jsonb,
  response_body text,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, principal_id, key)
);
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);

-- Work that must follow a committed change; a relay moves rows into the job queue.
CREATE TABLE outbox (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  topic text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  published_at timestamptz,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX outbox_unpublished ON outbox (created_at) WHERE published_at IS NULL;

CREATE TABLE contacts (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  id uuid NOT NULL,
  first_name text NOT NULL DEFAULT '',
  last_name text NOT NULL DEFAULT '',
  email text,
  phone text,
  whatsapp_user_id text,
  company text,
  additional_emails text[] NOT NULL DEFAULT '{}',
  additional_phones text[] NOT NULL DEFAULT '{}',
  owner_id uuid,
  source text NOT NULL,
  source_detail text,
  external_ref_id text,
  external_ref_url text,
  crm_links jsonb NOT NULL DEFAULT '{}',
  consent_transactional_whatsapp boolean NOT NULL DEFAULT true,
  consent_transactional_email boolean NOT NULL DEFAULT true,
  consent_marketing_whatsapp boolean NOT NULL DEFAULT false,
  consent_marketing_email boolean NOT NULL DEFAULT false,
  merged_into_id uuid,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  deleted_at timestamptz,
  version bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX contacts_created ON contacts (workspace_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_updated ON contacts (workspace_id, updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_owner ON contacts (workspace_id, owner_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_deleted ON contacts (workspace_id, deleted_at, id) WHERE deleted_at IS NOT NULL;

-- Every identifier (email, phone, WhatsApp user id, external reference) of a live contact.
-- The primary key makes "at most one contact per identifier per workspace" race-free.
CREATE TABLE contact_identifiers (
  workspace_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('email', 'phone', 'whatsapp', 'external_ref')),
  value text NOT NULL,
  contact_id uuid NOT NULL,
  PRIMARY KEY (workspace_id, kind, value),
  FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id)
);
CREATE INDEX contact_identifiers_contact ON contact_identifiers (workspace_id, contact_id);

-- The contact's own history (created, updated, consent, merged, deleted, restored...): feeds the
-- timeline and the audit trail.
CREATE TABLE contact_events (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  contact_id uuid NOT NULL,
  type text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}',
  actor_type text NOT NULL,
  actor_id text,
  occurred_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX contact_events_contact ON contact_events (workspace_id, contact_id, occurred_at DESC, id DESC);

-- Each consent change, kept as proof: what, new value, when, who or which source, and the evidence.
CREATE TABLE consent_records (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  contact_id uuid NOT NULL,
  consent text NOT NULL CHECK (consent IN ('transactionalWhatsapp', 'transactionalEmail', 'marketingWhatsapp', 'marketingEmail')),
  value boolean NOT NULL,
  changed_at timestamptz NOT NULL,
  actor_type text NOT NULL,
  actor_id text,
  source text NOT NULL,
  proof jsonb,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX consent_records_contact ON consent_records (workspace_id, contact_id, changed_at DESC);
