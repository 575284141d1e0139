-- Stage moves, trash and restore keep the board's counters per statement, not per row (issue 9).
--
-- The row-level trigger (0422, 1300) upserted the same counter row (this stage, today) once per
-- moved contact. Each upsert walks the versions of that row the statement made before it, so one
-- statement moving n contacts into a stage cost O(n²): an import batch moving 700 contacts spent
-- more in its stage UPDATE than in its INSERT, and one UPDATE moving 700,000 did not end in 9 min.
--
-- Now the row trigger (same WHEN: it fires only for a contact whose stage, entry time or trash
-- state changes) only appends the move to `stage_count_moves`, and a statement-level trigger sums
-- the statement's moves per (stage, day), writes each counter row once, and removes them. The
-- sums are taken in the INSERT trigger's lock order: totals by stage, then days by (stage, day).
--
-- Why not one statement trigger over transition tables: those take no column list and no WHEN,
-- so every UPDATE of contacts (attention, the window, a renamed contact) would copy its rows'
-- old and new versions for it. Measured on the webhook processing path: 2.1 → 2.8 ms per
-- 32-contact attention UPDATE, 12 % fewer events/s. Here a statement that moves nothing pays one
-- call that reads a transaction-local setting.
--
-- A move's rows never outlive its statement (the statement trigger deletes them, and a rolled
-- back transaction leaves none), so the table is unlogged: no WAL for rows that are gone at commit.
CREATE UNLOGGED TABLE stage_count_moves (
  tx xid8 NOT NULL DEFAULT pg_current_xact_id(),
  workspace_id uuid NOT NULL,
  playbook_id uuid NOT NULL,
  stage_id uuid NOT NULL,
  day date NOT NULL,
  delta int NOT NULL
);
CREATE INDEX stage_count_moves_tx ON stage_count_moves (tx);
SELECT enable_tenant_rls('stage_count_moves');

-- Row level, only for the rows the WHEN lets through: the move's −1 and +1, appended.
CREATE OR REPLACE FUNCTION contacts_stage_day_counts_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO stage_count_moves (workspace_id, playbook_id, stage_id, day, delta)
  SELECT NEW.workspace_id, m.playbook_id, m.stage_id, m.day, m.delta
  FROM (VALUES
    (OLD.playbook_id, OLD.stage_id, (OLD.stage_entered_at AT TIME ZONE 'UTC')::date, -1, OLD.stage_id IS NOT NULL AND OLD.deleted_at IS NULL),
    (NEW.playbook_id, NEW.stage_id, (NEW.stage_entered_at AT TIME ZONE 'UTC')::date, 1, NEW.stage_id IS NOT NULL AND NEW.deleted_at IS NULL)
  ) AS m (playbook_id, stage_id, day, delta, counted)
  WHERE m.counted;
  PERFORM set_config('vixiees.stage_moves', 'pending', true);
  RETURN NULL;
END $$;

-- Statement level, after every UPDATE of contacts (after its row triggers): the pending moves of
-- this transaction, summed per (stage, day), removed, then written once each (totals first).
CREATE TYPE stage_count_delta AS (workspace_id uuid, playbook_id uuid, stage_id uuid, day date, delta int);

CREATE FUNCTION contacts_stage_day_counts_flush() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  deltas stage_count_delta[];
BEGIN
  IF coalesce(current_setting('vixiees.stage_moves', true), '') <> 'pending' THEN RETURN NULL; END IF;
  PERFORM set_config('vixiees.stage_moves', '', true);
  WITH moved AS (
    DELETE FROM stage_count_moves WHERE tx = pg_current_xact_id() RETURNING workspace_id, playbook_id, stage_id, day, delta
  )
  SELECT array_agg(ROW(workspace_id, playbook_id, stage_id, day, delta)::stage_count_delta) INTO deltas
  FROM (SELECT workspace_id, playbook_id, stage_id, day, sum(delta)::int AS delta FROM moved GROUP BY 1, 2, 3, 4 HAVING sum(delta) <> 0) AS per_day;
  IF deltas IS NULL THEN RETURN NULL; END IF;

  INSERT INTO playbook_stage_counts AS c (workspace_id, playbook_id, stage_id, n)
    SELECT workspace_id, playbook_id, stage_id, sum(delta) FROM unnest(deltas)
    GROUP BY 1, 2, 3 HAVING sum(delta) <> 0 ORDER BY 3
    ON CONFLICT (workspace_id, playbook_id, stage_id) DO UPDATE SET n = c.n + EXCLUDED.n;
  INSERT INTO playbook_stage_day_counts AS c (workspace_id, playbook_id, stage_id, day, n)
    SELECT workspace_id, playbook_id, stage_id, day, delta FROM unnest(deltas) ORDER BY 3, 4
    ON CONFLICT (workspace_id, playbook_id, stage_id, day) DO UPDATE SET n = c.n + EXCLUDED.n;
  RETURN NULL;
END $$;

CREATE TRIGGER contacts_stage_day_counts_flush AFTER UPDATE ON contacts
  FOR EACH STATEMENT EXECUTE FUNCTION contacts_stage_day_counts_flush();
