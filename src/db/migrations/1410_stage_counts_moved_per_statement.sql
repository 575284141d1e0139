-- Stage moves, trash and restore keep the board's counters per statement, not per row (issue 9).
--
-- The row-level trigger (0422, 1300) upserted the same counter row (this stage, today) once per
-- moved contact. Each upsert walks the versions of that row the statement made before it, so one
-- statement moving n contacts into a stage cost O(n²): an import batch moving 700 contacts spent
-- more in its stage UPDATE than in its INSERT, and one UPDATE moving 700,000 did not end in 9 min.
-- Now the statement's moves are summed per (stage, day) first and each counter row is written
-- once, as the INSERT trigger already does.
--
-- Transition tables take no column list and no WHEN, so this trigger runs after every UPDATE of
-- contacts: a statement that moves nothing costs one query over its own rows and writes nothing.
-- Lock order is the INSERT trigger's: totals in stage order, then day rows in (stage, day) order.
-- A sum of zero (a move within one stage and day) writes nothing, as the row trigger's -1 and +1
-- netted out.
CREATE TYPE stage_count_delta AS (workspace_id uuid, playbook_id uuid, stage_id uuid, day date, delta int);

CREATE OR REPLACE FUNCTION contacts_stage_day_counts_moved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  deltas stage_count_delta[];
BEGIN
  -- Each changed contact leaves its old (stage, day) and enters its new one, where it was and is live in a stage.
  SELECT array_agg(ROW(workspace_id, playbook_id, stage_id, day, delta)::stage_count_delta) INTO deltas
  FROM (
    SELECT o.workspace_id, side.playbook_id, side.stage_id, side.day, sum(side.delta)::int AS delta
    FROM old_contacts o JOIN new_contacts n ON n.workspace_id = o.workspace_id AND n.id = o.id
    CROSS JOIN LATERAL (VALUES
      (o.playbook_id, o.stage_id, (o.stage_entered_at AT TIME ZONE 'UTC')::date, -1, o.stage_id IS NOT NULL AND o.deleted_at IS NULL),
      (n.playbook_id, n.stage_id, (n.stage_entered_at AT TIME ZONE 'UTC')::date, 1, n.stage_id IS NOT NULL AND n.deleted_at IS NULL)
    ) AS side (playbook_id, stage_id, day, delta, counted)
    WHERE side.counted
      AND (o.stage_id IS DISTINCT FROM n.stage_id OR o.stage_entered_at IS DISTINCT FROM n.stage_entered_at
           OR (o.deleted_at IS NULL) <> (n.deleted_at IS NULL))
    GROUP BY 1, 2, 3, 4
    HAVING sum(side.delta) <> 0
  ) AS per_day;
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

DROP TRIGGER contacts_stage_day_counts_update ON contacts;
CREATE TRIGGER contacts_stage_day_counts_update AFTER UPDATE ON contacts
  REFERENCING OLD TABLE AS old_contacts NEW TABLE AS new_contacts
  FOR EACH STATEMENT EXECUTE FUNCTION contacts_stage_day_counts_moved();
