-- Board counts at a million contacts: live contacts per stage and UTC day of entry, kept by a
-- trigger so every path that changes a contact (moves, trash, restore, merge, bulk jobs, imports)
-- keeps it right. A board sums a few hundred rows instead of counting every contact; the stale
-- count adds the whole days before the cutoff and counts only the cutoff's own day in the index.
CREATE TABLE playbook_stage_day_counts (
  workspace_id uuid NOT NULL,
  playbook_id uuid NOT NULL,
  stage_id uuid NOT NULL,
  day date NOT NULL,
  n int NOT NULL,
  PRIMARY KEY (workspace_id, playbook_id, stage_id, day)
);

CREATE FUNCTION contacts_stage_day_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.stage_id IS NOT NULL AND OLD.deleted_at IS NULL THEN
    UPDATE playbook_stage_day_counts SET n = n - 1
      WHERE workspace_id = OLD.workspace_id AND playbook_id = OLD.playbook_id AND stage_id = OLD.stage_id
        AND day = (OLD.stage_entered_at AT TIME ZONE 'UTC')::date;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.stage_id IS NOT NULL AND NEW.deleted_at IS NULL THEN
    INSERT INTO playbook_stage_day_counts AS d (workspace_id, playbook_id, stage_id, day, n)
      VALUES (NEW.workspace_id, NEW.playbook_id, NEW.stage_id, (NEW.stage_entered_at AT TIME ZONE 'UTC')::date, 1)
      ON CONFLICT (workspace_id, playbook_id, stage_id, day) DO UPDATE SET n = d.n + 1;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER contacts_stage_day_counts_write AFTER INSERT OR DELETE ON contacts
  FOR EACH ROW EXECUTE FUNCTION contacts_stage_day_counts();
CREATE TRIGGER contacts_stage_day_counts_update AFTER UPDATE OF playbook_id, stage_id, stage_entered_at, deleted_at ON contacts
  FOR EACH ROW WHEN (OLD.stage_id IS DISTINCT FROM NEW.stage_id OR OLD.stage_entered_at IS DISTINCT FROM NEW.stage_entered_at
                     OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL))
  EXECUTE FUNCTION contacts_stage_day_counts();

INSERT INTO playbook_stage_day_counts (workspace_id, playbook_id, stage_id, day, n)
  SELECT workspace_id, playbook_id, stage_id, (stage_entered_at AT TIME ZONE 'UTC')::date, count(*)
  FROM contacts WHERE stage_id IS NOT NULL AND deleted_at IS NULL
  GROUP BY 1, 2, 3, 4;
