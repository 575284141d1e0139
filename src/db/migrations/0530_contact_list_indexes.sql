-- Stage filter with the default sort (newest first) walks this index instead of sorting a whole stage.
CREATE INDEX contacts_stage_created ON contacts (workspace_id, stage_id, created_at, id)
  WHERE deleted_at IS NULL AND stage_id IS NOT NULL;
