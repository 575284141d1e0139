-- The attention queue filtered by reason (?reason=call...) reads its own small partial index in
-- queue order instead of filtering every pending contact of the workspace. Only pending live
-- contacts are in these indexes, so they stay small.
CREATE INDEX contacts_attention_whatsapp ON contacts (workspace_id, attention_since, id)
  WHERE attention_whatsapp_since IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX contacts_attention_call ON contacts (workspace_id, attention_since, id)
  WHERE attention_call_since IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX contacts_attention_email ON contacts (workspace_id, attention_since, id)
  WHERE attention_email_since IS NOT NULL AND deleted_at IS NULL;
