-- Integrations: per-workspace connections to outside services (WhatsApp Cloud API first), their
-- webhook inbox and the state of messages sent through them.

CREATE TABLE integrations (
  workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  id uuid NOT NULL,
  provider text NOT NULL CHECK (provider IN ('whatsapp')),
  name text NOT NULL,
  settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- AES-256-GCM sealed JSON of the secrets (src/integrations/secret-box.ts); never returned.
  secrets_sealed text NOT NULL,
  secret_names text[] NOT NULL DEFAULT '{}',
  last_event_at timestamptz,
  last_error text,
  last_error_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version bigint NOT NULL DEFAULT 1,
  PRIMARY KEY (workspace_id, id)
);
-- The public webhook URL carries only the integration id: found across workspaces by the owner role.
CREATE UNIQUE INDEX integrations_by_id ON integrations (id);

-- The durable inbox (R14): one row per provider event, a redelivery hits the unique key.
CREATE TABLE integration_events (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  integration_id uuid NOT NULL,
  event_key text NOT NULL,
  kind text NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL CHECK (status IN ('received', 'processed', 'failed')),
  reason text,
  attempts integer NOT NULL DEFAULT 0,
  received_at timestamptz NOT NULL,
  processed_at timestamptz,
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, integration_id) REFERENCES integrations (workspace_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX integration_events_key ON integration_events (workspace_id, integration_id, event_key);
CREATE INDEX integration_events_recent ON integration_events (workspace_id, integration_id, received_at, id);

-- What the Graph API answered for a message we sent: its wamid (so a retried job never sends
-- twice) or the provider's last error.
CREATE TABLE whatsapp_cloud_sends (
  workspace_id uuid NOT NULL,
  message_id uuid NOT NULL,
  integration_id uuid NOT NULL,
  wamid text,
  attempts integer NOT NULL DEFAULT 0,
  error_code integer,
  error_message text,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, message_id)
);
-- Status webhooks name the wamid.
CREATE INDEX whatsapp_cloud_sends_wamid ON whatsapp_cloud_sends (workspace_id, wamid);

SELECT enable_tenant_rls('integrations');
SELECT enable_tenant_rls('integration_events');
SELECT enable_tenant_rls('whatsapp_cloud_sends');
