-- The identifiers of a contact, indexed by the contact alone (issue 9).
--
-- `contact_identifiers_contact` was (workspace_id, contact_id). The batch writer's lookup
-- (workspace, kind, value) could then be answered by either index: the primary key, or this one
-- with kind and value as a filter. When the statistics did not know the workspace yet (a new
-- workspace importing into a database with big ones, before autovacuum's next ANALYZE), both
-- looked like one row and the planner took this one: every probe read the whole workspace's
-- identifiers. Measured: 556 ms per 1,000-row batch at 40,000 identifiers (0.28 ms a probe), an
-- import running at 1,100 rows/s instead of 8,000. Led by contact_id, this index can serve only
-- questions about a contact (a contact id is unique in the whole database, so the workspace adds
-- nothing to it), and the lookup has one index to take.
DROP INDEX contact_identifiers_contact;
CREATE INDEX contact_identifiers_contact ON contact_identifiers (contact_id);
