-- The board's count per stage as one row (issue 12, B6). The board summed every day row of a
-- stage twice (its total, and its stale days): at 1M contacts 6 stages × 488 days, 33,782
-- buffers and 58.7 ms. playbook_stage_counts keeps each stage's live contacts as a running total,
-- written by the same triggers and in the same statements as the day rows, so the board reads one
-- row per stage for its count and only the days from the stale cutoff on for its stale count
-- (stale = total − days on or after the cutoff's day + the cutoff's own day before the cutoff).
-- The day rows stay: they are what makes the stale count exact without counting contacts.
--
-- Lock order. Each trigger call takes every total it changes first, in stage order, then the day
-- rows in (stage, day) order, as 0422 did for the days alone, so two writers never take the same
-- two counters in opposite orders. A move within one stage leaves its total alone.
CREATE TABLE playbook_stage_counts (
  workspace_id uuid NOT NULL,
  playbook_id uuid NOT NULL,
  stage_id uuid NOT NULL,
  n int NOT NULL,
  PRIMARY KEY (workspace_id, playbook_id, stage_id)
) WITH (fillfactor = 50); -- a handful of hot rows: room on their page keeps updates HOT
SELECT enable_tenant_rls('playbook_stage_counts');

CREATE FUNCTION stage_count_add(ws uuid, pb uuid, st uuid, delta int) RETURNS void LANGUAGE sql AS $$
  INSERT INTO playbook_stage_counts AS c (workspace_id, playbook_id, stage_id, n) VALUES (ws, pb, st, delta)
  ON CONFLICT (workspace_id, playbook_id, stage_id) DO UPDATE SET n = c.n + EXCLUDED.n
$$;

-- Inserts (statement level): the statement's totals per stage, then its day rows, each sorted.
CREATE OR REPLACE FUNCTION contacts_stage_day_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO playbook_stage_counts AS c (workspace_id, playbook_id, stage_id, n)
    SELECT workspace_id, playbook_id, stage_id, count(*)
    FROM inserted_contacts WHERE stage_id IS NOT NULL AND deleted_at IS NULL
    GROUP BY 1, 2, 3 ORDER BY 3
    ON CONFLICT (workspace_id, playbook_id, stage_id) DO UPDATE SET n = c.n + EXCLUDED.n;
  INSERT INTO playbook_stage_day_counts AS c (workspace_id, playbook_id, stage_id, day, n)
    SELECT workspace_id, playbook_id, stage_id, (stage_entered_at AT TIME ZONE 'UTC')::date, count(*)
    FROM inserted_contacts WHERE stage_id IS NOT NULL AND deleted_at IS NULL
    GROUP BY 1, 2, 3, 4 ORDER BY 3, 4
    ON CONFLICT (workspace_id, playbook_id, stage_id, day) DO UPDATE SET n = c.n + EXCLUDED.n;
  RETURN NULL;
END $$;

-- Moves, trash and restore (row level): totals (when the stage changes), then days, each in key order.
CREATE OR REPLACE FUNCTION contacts_stage_day_counts_moved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_day date := (OLD.stage_entered_at AT TIME ZONE 'UTC')::date;
  new_day date := (NEW.stage_entered_at AT TIME ZONE 'UTC')::date;
  leaves boolean := OLD.stage_id IS NOT NULL AND OLD.deleted_at IS NULL;
  enters boolean := NEW.stage_id IS NOT NULL AND NEW.deleted_at IS NULL;
  same_stage boolean := leaves AND enters AND NEW.stage_id = OLD.stage_id;
  new_first boolean := leaves AND enters AND NEW.stage_id < OLD.stage_id;
BEGIN
  IF NOT same_stage THEN
    IF new_first THEN
      PERFORM stage_count_add(NEW.workspace_id, NEW.playbook_id, NEW.stage_id, 1);
      PERFORM stage_count_add(OLD.workspace_id, OLD.playbook_id, OLD.stage_id, -1);
    ELSE
      IF leaves THEN PERFORM stage_count_add(OLD.workspace_id, OLD.playbook_id, OLD.stage_id, -1); END IF;
      IF enters THEN PERFORM stage_count_add(NEW.workspace_id, NEW.playbook_id, NEW.stage_id, 1); END IF;
    END IF;
  END IF;
  IF leaves AND enters AND (NEW.stage_id, new_day) < (OLD.stage_id, old_day) THEN
    PERFORM stage_day_count_add(NEW.workspace_id, NEW.playbook_id, NEW.stage_id, new_day, 1);
    PERFORM stage_day_count_add(OLD.workspace_id, OLD.playbook_id, OLD.stage_id, old_day, -1);
  ELSE
    IF leaves THEN PERFORM stage_day_count_add(OLD.workspace_id, OLD.playbook_id, OLD.stage_id, old_day, -1); END IF;
    IF enters THEN PERFORM stage_day_count_add(NEW.workspace_id, NEW.playbook_id, NEW.stage_id, new_day, 1); END IF;
  END IF;
  RETURN NULL;
END $$;

-- Deletes (purges; row level, fired only for a live contact in a stage): its total, then its day.
CREATE OR REPLACE FUNCTION contacts_stage_day_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM stage_count_add(OLD.workspace_id, OLD.playbook_id, OLD.stage_id, -1);
  PERFORM stage_day_count_add(OLD.workspace_id, OLD.playbook_id, OLD.stage_id, (OLD.stage_entered_at AT TIME ZONE 'UTC')::date, -1);
  RETURN NULL;
END $$;

-- From the contacts themselves (not the day rows), under the lock the triggers' writers wait for.
LOCK TABLE contacts IN SHARE MODE;
INSERT INTO playbook_stage_counts (workspace_id, playbook_id, stage_id, n)
  SELECT workspace_id, playbook_id, stage_id, count(*)
  FROM contacts WHERE stage_id IS NOT NULL AND deleted_at IS NULL
  GROUP BY 1, 2, 3;
