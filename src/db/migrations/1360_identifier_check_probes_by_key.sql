-- The identifier → contact checks of migration 1330 probe by key, whatever the statistics
-- (issue 9, batch writes).
--
-- Each check is one query in a PL/pgSQL trigger, so PostgreSQL caches its plan per connection,
-- planned with the statistics of that moment. On a workspace that starts empty (every new
-- workspace, every import into one) the planner expected a handful of contacts and cached "read
-- the workspace's contacts once, keep them in memory, compare every claimed identifier against
-- that list" (an anti join over a materialised scan): right for 2 rows, and it stayed cached while
-- the workspace grew. Measured with auto_explain in the batch bench: 30–35 ms per 100-contact
-- batch once the workspace held some 10,000 contacts (batch API 1,350 contacts/s at one call in
-- flight), growing with the workspace.
--
-- A claimed batch is never a large share of a workspace, so the only plan worth having probes
-- the key once per claimed (or removed) row. A correlated scalar subquery is not turned into a
-- join: it runs per row with both key columns bound, which leaves the planner the unique index
-- for any statistics and any cached plan.
CREATE OR REPLACE FUNCTION contact_identifiers_contact_exists() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  orphan record;
BEGIN
  SELECT n.workspace_id, n.contact_id INTO orphan
    FROM claimed n
   WHERE (SELECT c.id FROM contacts c WHERE c.workspace_id = n.workspace_id AND c.id = n.contact_id) IS NULL
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'contact_identifiers: contact % does not exist in workspace %', orphan.contact_id, orphan.workspace_id
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'contact_identifiers_contact_exists';
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION contacts_keep_identified() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  held record;
BEGIN
  SELECT r.workspace_id, r.id AS contact_id INTO held
    FROM removed r
   WHERE (SELECT i.contact_id FROM contact_identifiers i WHERE i.workspace_id = r.workspace_id AND i.contact_id = r.id LIMIT 1) IS NOT NULL
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'contacts: contact % of workspace % still holds identifiers', held.contact_id, held.workspace_id
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'contact_identifiers_contact_exists';
  END IF;
  RETURN NULL;
END $$;
