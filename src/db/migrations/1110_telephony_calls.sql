-- What a telephony provider (Twilio, Aircall) has told us about each of its calls, merged across
-- its unordered callbacks, and the call record it became: a late or repeated callback updates
-- that record instead of logging a second call.
CREATE TABLE telephony_calls (
  workspace_id uuid NOT NULL,
  integration_id uuid NOT NULL,
  provider_call_id text NOT NULL,
  state jsonb,
  call_id uuid,
  version bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, integration_id, provider_call_id)
);
SELECT enable_tenant_rls('telephony_calls');

-- Twilio, Aircall, Meta lead ads and Bankflip are providers too. The allowed list is read from the check as
-- it stands and extended, so providers added by other migrations meanwhile are kept.
DO $$
DECLARE
  allowed text[];
BEGIN
  SELECT coalesce(array_agg(DISTINCT m[1]), '{}') INTO allowed
  FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z0-9_]+)''', 'g') AS m
  WHERE c.conname = 'integrations_provider_check' AND c.conrelid = 'integrations'::regclass;
  allowed := array(SELECT DISTINCT unnest(allowed || ARRAY['whatsapp', 'typeform', 'calendly', 'web_form', 'twilio', 'aircall', 'meta_lead_ads', 'bankflip']) ORDER BY 1);
  ALTER TABLE integrations DROP CONSTRAINT IF EXISTS integrations_provider_check;
  EXECUTE format('ALTER TABLE integrations ADD CONSTRAINT integrations_provider_check CHECK (provider = ANY (%L::text[]))', allowed);
END $$;
