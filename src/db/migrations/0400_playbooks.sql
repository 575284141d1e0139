-- Playbooks (sales processes) with ordered stages; a contact sits in at most one stage of one
-- playbook. Keys lead with workspace_id (Citus-ready); the composite foreign key from contacts
-- makes "a stage always belongs to the contact's playbook" true in the database itself.
CREATE TABLE playbooks (
  workspace_id uuid NOT NULL REFERENCES workspaces(id),
  id uuid NOT NULL,
  name text NOT NULL,
  position int NOT NULL,
  archived_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX playbooks_name ON playbooks (workspace_id, lower(name));

CREATE TABLE playbook_stages (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  playbook_id uuid NOT NULL,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('open', 'won', 'lost')),
  position int NOT NULL,
  stale_after_days int CHECK (stale_after_days > 0),
  archived_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, playbook_id, id),
  FOREIGN KEY (workspace_id, playbook_id) REFERENCES playbooks (workspace_id, id)
);
CREATE UNIQUE INDEX playbook_stages_name ON playbook_stages (workspace_id, playbook_id, lower(name));

ALTER TABLE contacts
  ADD COLUMN playbook_id uuid,
  ADD COLUMN stage_id uuid,
  ADD COLUMN stage_entered_at timestamptz,
  ADD CONSTRAINT contacts_stage_all_or_none
    CHECK ((stage_id IS NULL) = (playbook_id IS NULL) AND (stage_id IS NULL) = (stage_entered_at IS NULL)),
  ADD CONSTRAINT contacts_stage_of_playbook
    FOREIGN KEY (workspace_id, playbook_id, stage_id) REFERENCES playbook_stages (workspace_id, playbook_id, id);

-- Board columns (longest in stage first or most recent), stale counts (range on entered_at) and
-- the foreign-key check when a stage is deleted. Not partial: the FK check needs every row.
CREATE INDEX contacts_stage ON contacts (workspace_id, stage_id, stage_entered_at, id) INCLUDE (deleted_at)
  WHERE stage_id IS NOT NULL;

-- Every stage change of a contact: from, to, when, by whom or which source.
CREATE TABLE contact_stage_history (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  contact_id uuid NOT NULL,
  from_playbook_id uuid,
  from_stage_id uuid,
  to_playbook_id uuid,
  to_stage_id uuid,
  changed_at timestamptz NOT NULL,
  actor_type text NOT NULL,
  actor_id text,
  source text NOT NULL,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX contact_stage_history_contact ON contact_stage_history (workspace_id, contact_id, changed_at, id);
