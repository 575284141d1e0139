-- Imports insert contacts without a stage by the million: fire the day-count trigger only for
-- rows that have one, so an insert without a stage pays nothing.
DROP TRIGGER contacts_stage_day_counts_write ON contacts;
CREATE TRIGGER contacts_stage_day_counts_insert AFTER INSERT ON contacts
  FOR EACH ROW WHEN (NEW.stage_id IS NOT NULL AND NEW.deleted_at IS NULL)
  EXECUTE FUNCTION contacts_stage_day_counts();
CREATE TRIGGER contacts_stage_day_counts_delete AFTER DELETE ON contacts
  FOR EACH ROW WHEN (OLD.stage_id IS NOT NULL AND OLD.deleted_at IS NULL)
  EXECUTE FUNCTION contacts_stage_day_counts();
