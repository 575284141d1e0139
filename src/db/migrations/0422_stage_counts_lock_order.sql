-- The day counters are hot rows: two transactions touching the same (stage, day) rows in
-- different orders deadlock (seen with concurrent bulk inserts). Every writer now takes the
-- counter rows in (stage_id, day) order:
-- * inserts: one statement-level trigger adds each statement's rows per bucket, sorted;
-- * moves, trash and restore: the -1 and the +1 are applied in key order;
-- * deletes (rare: purges) keep the row-level trigger.
CREATE FUNCTION stage_day_count_add(ws uuid, pb uuid, st uuid, d date, delta int) RETURNS void LANGUAGE sql AS $$
  INSERT INTO playbook_stage_day_counts AS c (workspace_id, playbook_id, stage_id, day, n) VALUES (ws, pb, st, d, delta)
  ON CONFLICT (workspace_id, playbook_id, stage_id, day) DO UPDATE SET n = c.n + EXCLUDED.n
$$;

CREATE FUNCTION contacts_stage_day_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO playbook_stage_day_counts AS c (workspace_id, playbook_id, stage_id, day, n)
    SELECT workspace_id, playbook_id, stage_id, (stage_entered_at AT TIME ZONE 'UTC')::date, count(*)
    FROM inserted_contacts WHERE stage_id IS NOT NULL AND deleted_at IS NULL
    GROUP BY 1, 2, 3, 4 ORDER BY 3, 4
    ON CONFLICT (workspace_id, playbook_id, stage_id, day) DO UPDATE SET n = c.n + EXCLUDED.n;
  RETURN NULL;
END $$;

CREATE FUNCTION contacts_stage_day_counts_moved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_day date := (OLD.stage_entered_at AT TIME ZONE 'UTC')::date;
  new_day date := (NEW.stage_entered_at AT TIME ZONE 'UTC')::date;
  leaves boolean := OLD.stage_id IS NOT NULL AND OLD.deleted_at IS NULL;
  enters boolean := NEW.stage_id IS NOT NULL AND NEW.deleted_at IS NULL;
BEGIN
  IF leaves AND enters AND (NEW.stage_id, new_day) < (OLD.stage_id, old_day) THEN
    PERFORM stage_day_count_add(NEW.workspace_id, NEW.playbook_id, NEW.stage_id, new_day, 1);
    PERFORM stage_day_count_add(OLD.workspace_id, OLD.playbook_id, OLD.stage_id, old_day, -1);
  ELSE
    IF leaves THEN PERFORM stage_day_count_add(OLD.workspace_id, OLD.playbook_id, OLD.stage_id, old_day, -1); END IF;
    IF enters THEN PERFORM stage_day_count_add(NEW.workspace_id, NEW.playbook_id, NEW.stage_id, new_day, 1); END IF;
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER contacts_stage_day_counts_insert ON contacts;
CREATE TRIGGER contacts_stage_day_counts_insert AFTER INSERT ON contacts
  REFERENCING NEW TABLE AS inserted_contacts
  FOR EACH STATEMENT EXECUTE FUNCTION contacts_stage_day_counts_inserted();

DROP TRIGGER contacts_stage_day_counts_update ON contacts;
CREATE TRIGGER contacts_stage_day_counts_update AFTER UPDATE OF playbook_id, stage_id, stage_entered_at, deleted_at ON contacts
  FOR EACH ROW WHEN (OLD.stage_id IS DISTINCT FROM NEW.stage_id OR OLD.stage_entered_at IS DISTINCT FROM NEW.stage_entered_at
                     OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL))
  EXECUTE FUNCTION contacts_stage_day_counts_moved();
