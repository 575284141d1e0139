-- Communications (calls, emails, WhatsApp messages), pending attention, ignore, notifications,
-- WhatsApp templates and the record of what the delivery adapter sent.

-- Attention state of a contact, derived from its communications in the same transaction that
-- records one (see src/attention/attention.repo.ts). `attention_since` is the earliest reason's
-- start, NULL when nothing is pending; `attention_reset_at` is when ignoring / un-ignoring last
-- cleared the reasons (inbound before it never raises attention again).
ALTER TABLE contacts
  ADD COLUMN ignored_at timestamptz,
  ADD COLUMN attention_reset_at timestamptz,
  ADD COLUMN attention_since timestamptz,
  ADD COLUMN attention_whatsapp_since timestamptz,
  ADD COLUMN attention_call_since timestamptz,
  ADD COLUMN attention_email_since timestamptz,
  ADD COLUMN last_inbound_whatsapp_at timestamptz;

-- The attention queue: pending live contacts, longest waiting first (and per owner).
CREATE INDEX contacts_attention_queue ON contacts (workspace_id, attention_since, id)
  WHERE attention_since IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX contacts_attention_owner ON contacts (workspace_id, owner_id, attention_since, id)
  WHERE attention_since IS NOT NULL AND deleted_at IS NULL;

CREATE TABLE calls (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  contact_id uuid NOT NULL,
  direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  outcome text NOT NULL CHECK (outcome IN ('answered', 'missed', 'busy', 'no_answer', 'voicemail', 'failed')),
  started_at timestamptz NOT NULL,
  duration_seconds integer CHECK (duration_seconds >= 0),
  recording_url text,
  author_type text NOT NULL,
  author_id text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX calls_contact ON calls (workspace_id, contact_id, started_at, id);

CREATE TABLE emails (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  contact_id uuid NOT NULL,
  direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  from_address text,
  to_addresses text[] NOT NULL DEFAULT '{}',
  subject text NOT NULL DEFAULT '',
  body text NOT NULL DEFAULT '',
  message_id text,
  thread_id text,
  purpose text CHECK (purpose IN ('transactional', 'marketing')),
  status text NOT NULL CHECK (status IN ('received', 'queued', 'sent', 'failed')),
  sent_at timestamptz NOT NULL,
  author_type text NOT NULL,
  author_id text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX emails_contact ON emails (workspace_id, contact_id, sent_at, id);
-- A provider's Message-ID is recorded once per workspace (webhook retries, double logging).
CREATE UNIQUE INDEX emails_message_id ON emails (workspace_id, message_id) WHERE message_id IS NOT NULL;

CREATE TABLE whatsapp_messages (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  contact_id uuid NOT NULL,
  direction text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  type text NOT NULL CHECK (type IN ('text', 'template', 'media')),
  body text,
  template_name text,
  template_language text,
  template_variables jsonb,
  media_url text,
  purpose text CHECK (purpose IN ('transactional', 'marketing')),
  status text NOT NULL CHECK (status IN ('received', 'queued', 'sent', 'delivered', 'read', 'failed')),
  provider_message_id text,
  sent_at timestamptz NOT NULL,
  author_type text NOT NULL,
  author_id text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX whatsapp_messages_contact ON whatsapp_messages (workspace_id, contact_id, sent_at, id);
CREATE UNIQUE INDEX whatsapp_messages_provider_id ON whatsapp_messages (workspace_id, provider_message_id)
  WHERE provider_message_id IS NOT NULL;

-- Meta-approved templates the workspace may send outside the 24-hour window.
CREATE TABLE whatsapp_templates (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  name text NOT NULL,
  language text NOT NULL,
  category text NOT NULL CHECK (category IN ('marketing', 'utility', 'authentication')),
  body text NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (workspace_id, id),
  UNIQUE (workspace_id, name, language)
);

-- What the recording delivery adapter "sent": one row per message, whatever the retries.
CREATE TABLE outbound_deliveries (
  workspace_id uuid NOT NULL,
  channel text NOT NULL CHECK (channel IN ('whatsapp', 'email')),
  message_id uuid NOT NULL,
  contact_id uuid NOT NULL,
  recipient text NOT NULL,
  payload jsonb NOT NULL,
  provider_message_id text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, channel, message_id)
);

-- In-app notifications: to a user, or to the whole workspace when user_id is NULL.
CREATE TABLE notifications (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  user_id uuid,
  type text NOT NULL,
  contact_id uuid,
  data jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  read_at timestamptz,
  PRIMARY KEY (workspace_id, id)
);
CREATE INDEX notifications_recipient ON notifications (workspace_id, user_id, created_at, id);
