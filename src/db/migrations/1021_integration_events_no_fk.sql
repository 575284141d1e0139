-- Every stored webhook event took a FOR KEY SHARE lock on its integration's row (the foreign key):
-- with many deliveries at once all of them share-lock the same row, which costs a MultiXact per
-- lock and serialises the acknowledgements (B4). The events of a removed integration are deleted
-- by the service instead (IntegrationsService.remove), in the same transaction.
ALTER TABLE integration_events DROP CONSTRAINT IF EXISTS integration_events_workspace_id_integration_id_fkey;
