-- A created contact's starting consents, one row for all four (issue 9, write path).
--
-- Every created contact used to leave 4 rows in consent_records (one per consent, defaults
-- included, proof { reason: 'contact_created', explicit }): 4,000 rows and 8,000 index entries for
-- a 1,000-contact batch, the second-largest write of the batch writer after the contacts row. The
-- same facts fit one row: the four record ids, values and "given explicitly" flags as arrays (in the
-- order transactionalWhatsapp, transactionalEmail, marketingWhatsapp, marketingEmail), with the
-- time, actor and source the four records shared. The consent history reads both tables
-- (contacts.repo.ts listConsentRecords) and answers exactly as before: same ids, values, proofs and
-- order. Later changes are still one consent_records row each. Rows written before this migration
-- stay in consent_records. A merge re-points these rows like any contact-owned table, so the
-- survivor's history keeps the loser's starting consents, as it did.
CREATE TABLE consent_starts (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL, -- the first record's id (ids[1])
  contact_id uuid NOT NULL,
  ids uuid[] NOT NULL CHECK (cardinality(ids) = 4),
  vals boolean[] NOT NULL CHECK (cardinality(vals) = 4),
  explicit boolean[] NOT NULL CHECK (cardinality(explicit) = 4),
  changed_at timestamptz NOT NULL,
  actor_type text NOT NULL,
  actor_id text,
  source text NOT NULL,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX consent_starts_contact ON consent_starts (workspace_id, contact_id);
SELECT enable_tenant_rls('consent_starts');
