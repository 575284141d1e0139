-- Which meeting a Calendly invitee became, so its cancellation removes that meeting and a replay
-- of the booking creates none twice.
CREATE TABLE calendly_bookings (
  workspace_id uuid NOT NULL,
  integration_id uuid NOT NULL,
  invitee_uri text NOT NULL,
  meeting_id uuid NOT NULL,
  created_at timestamptz NOT NULL,
  canceled_at timestamptz,
  PRIMARY KEY (workspace_id, integration_id, invitee_uri)
);
SELECT enable_tenant_rls('calendly_bookings');

-- Typeform and Calendly are providers too (the check named every allowed provider).
ALTER TABLE integrations DROP CONSTRAINT IF EXISTS integrations_provider_check;
ALTER TABLE integrations ADD CONSTRAINT integrations_provider_check CHECK (provider IN ('whatsapp', 'typeform', 'calendly', 'web_form'));
