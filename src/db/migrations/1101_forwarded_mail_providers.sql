-- Mail forwarded as raw MIME by SendGrid Inbound Parse and Mailgun routes: two more providers. The
-- allowed list is read from the check as it stands (either form PostgreSQL prints) and extended.
DO $$
DECLARE
  def text;
  allowed text[];
BEGIN
  SELECT pg_get_constraintdef(c.oid) INTO def FROM pg_constraint c
  WHERE c.conname = 'integrations_provider_check' AND c.conrelid = 'integrations'::regclass;
  allowed := ARRAY(SELECT m[1] FROM regexp_matches(coalesce(def, ''), '''([a-z0-9_]+)''', 'g') AS m)
    || ARRAY(SELECT unnest(string_to_array(m[1], ',')) FROM regexp_matches(coalesce(def, ''), '''\{([a-z0-9_,]*)\}''', 'g') AS m);
  allowed := ARRAY(SELECT DISTINCT unnest(allowed || ARRAY['email_mailbox', 'sendgrid_inbound', 'mailgun_inbound']) ORDER BY 1);
  ALTER TABLE integrations DROP CONSTRAINT IF EXISTS integrations_provider_check;
  EXECUTE format('ALTER TABLE integrations ADD CONSTRAINT integrations_provider_check CHECK (provider IN (%s))', (SELECT string_agg(quote_literal(a), ', ') FROM unnest(allowed) AS a));
END $$;
