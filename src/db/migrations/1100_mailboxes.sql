-- The team's own mailboxes (IMAP in, SMTP out) as an integration provider.

-- Where the incremental fetch of each folder stands: the folder's UIDVALIDITY and the last UID
-- recorded under it. A new UIDVALIDITY means the server renumbered the folder: it is read again
-- from the start, and the messages table below keeps that from recording anything twice.
CREATE TABLE mailbox_folders (
  workspace_id uuid NOT NULL,
  integration_id uuid NOT NULL,
  folder text NOT NULL,
  uid_validity bigint NOT NULL,
  last_uid bigint NOT NULL DEFAULT 0,
  synced_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, integration_id, folder)
);
SELECT enable_tenant_rls('mailbox_folders');

-- Every Message-ID a mailbox has seen or sent, once: a refetch, a crash between recording and
-- moving the UID on, or a retried send finds it here. `email_id` is the email record it became
-- (null when it was skipped: no contact, or an automatic message); `thread_id` threads replies.
CREATE TABLE mailbox_messages (
  workspace_id uuid NOT NULL,
  integration_id uuid NOT NULL,
  message_id text NOT NULL,
  email_id uuid,
  thread_id text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  note text,
  recorded_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, integration_id, message_id)
);
CREATE INDEX mailbox_messages_thread ON mailbox_messages (workspace_id, thread_id, recorded_at);
SELECT enable_tenant_rls('mailbox_messages');

-- email_mailbox is a provider too. The allowed list is read from the check as it stands (either
-- form PostgreSQL prints: ARRAY['a'::text, ...] or '{a,...}'::text[]) and extended, so providers added
-- by other migrations are kept; it is written back as an IN list, which both readings parse.
DO $$
DECLARE
  def text;
  allowed text[];
BEGIN
  SELECT pg_get_constraintdef(c.oid) INTO def FROM pg_constraint c
  WHERE c.conname = 'integrations_provider_check' AND c.conrelid = 'integrations'::regclass;
  allowed := ARRAY(SELECT m[1] FROM regexp_matches(coalesce(def, ''), '''([a-z0-9_]+)''', 'g') AS m)
    || ARRAY(SELECT unnest(string_to_array(m[1], ',')) FROM regexp_matches(coalesce(def, ''), '''\{([a-z0-9_,]*)\}''', 'g') AS m);
  allowed := ARRAY(SELECT DISTINCT unnest(allowed || ARRAY['whatsapp', 'typeform', 'calendly', 'web_form', 'email_mailbox']) ORDER BY 1);
  ALTER TABLE integrations DROP CONSTRAINT IF EXISTS integrations_provider_check;
  EXECUTE format('ALTER TABLE integrations ADD CONSTRAINT integrations_provider_check CHECK (provider IN (%s))', (SELECT string_agg(quote_literal(a), ', ') FROM unnest(allowed) AS a));
END $$;
