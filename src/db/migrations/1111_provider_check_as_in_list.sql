-- 1110 wrote the allowed providers as `= ANY ('{…}'::text[])`, a form that a reader matching only
-- quoted names (ARRAY['a'::text, …], as IN lists print) does not see. Written back as an IN list,
-- read in either form, so every later migration extending the list keeps every provider.
DO $$
DECLARE
  def text;
  allowed text[];
BEGIN
  SELECT pg_get_constraintdef(c.oid) INTO def FROM pg_constraint c
  WHERE c.conname = 'integrations_provider_check' AND c.conrelid = 'integrations'::regclass;
  allowed := ARRAY(SELECT m[1] FROM regexp_matches(coalesce(def, ''), '''([a-z0-9_]+)''', 'g') AS m)
    || ARRAY(SELECT unnest(string_to_array(m[1], ',')) FROM regexp_matches(coalesce(def, ''), '''\{([a-z0-9_,]*)\}''', 'g') AS m);
  allowed := ARRAY(SELECT DISTINCT unnest(allowed || ARRAY['whatsapp', 'typeform', 'calendly', 'web_form', 'twilio', 'aircall', 'meta_lead_ads', 'bankflip']) ORDER BY 1);
  ALTER TABLE integrations DROP CONSTRAINT IF EXISTS integrations_provider_check;
  EXECUTE format('ALTER TABLE integrations ADD CONSTRAINT integrations_provider_check CHECK (provider IN (%s))', (SELECT string_agg(quote_literal(a), ', ') FROM unnest(allowed) AS a));
END $$;
