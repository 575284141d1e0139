-- Deals, meetings and comments of a contact. Each lists newest first by (created_at, id).
CREATE TABLE deals (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  contact_id uuid NOT NULL,
  title text NOT NULL,
  amount_minor bigint CHECK (amount_minor >= 0),
  currency char(3),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'won', 'lost')),
  expected_close_date date,
  closed_at timestamptz,
  author_type text NOT NULL,
  author_id text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (workspace_id, id),
  CHECK (amount_minor IS NULL OR currency IS NOT NULL)
);
CREATE INDEX deals_contact ON deals (workspace_id, contact_id, created_at, id);

CREATE TABLE meetings (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  contact_id uuid NOT NULL,
  title text NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  location text,
  link text,
  source text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'calendly')),
  author_type text NOT NULL,
  author_id text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (workspace_id, id),
  CHECK (ends_at > starts_at)
);
CREATE INDEX meetings_contact ON meetings (workspace_id, contact_id, created_at, id);

CREATE TABLE comments (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  contact_id uuid NOT NULL,
  body text NOT NULL,
  author_type text NOT NULL,
  author_id text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX comments_contact ON comments (workspace_id, contact_id, created_at, id);
