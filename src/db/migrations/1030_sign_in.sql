-- Users and sign-in (issue 11, R31–R33): passwords, server-side sessions and invites.
-- Secrets are never stored: passwords as Argon2id PHC strings, session ids and invite tokens as
-- SHA-256 of 32 random bytes. Sign-in and session lookups happen before any workspace is known
-- and go through the system path; the rows are still tenant data (row-level security below).

CREATE TABLE user_passwords (
  workspace_id uuid NOT NULL,
  user_id uuid NOT NULL,
  -- The user's email (lower case) when the password was set: how sign-in finds the accounts of
  -- an address in every workspace. Sign-in also checks it still equals the user's email.
  login_email text NOT NULL,
  password_hash text NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, user_id),
  FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX user_passwords_login_email ON user_passwords (login_email);

CREATE TABLE user_sessions (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  user_id uuid NOT NULL,
  -- SHA-256 of the cookie's value; a rotation replaces it and keeps the previous one valid for a
  -- few seconds (requests already in flight with the old cookie).
  token_hash text NOT NULL UNIQUE,
  previous_token_hash text,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL,
  rotated_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  revoked_at timestamptz,
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX user_sessions_previous_token ON user_sessions (previous_token_hash) WHERE previous_token_hash IS NOT NULL;
CREATE INDEX user_sessions_user ON user_sessions (workspace_id, user_id) WHERE revoked_at IS NULL;

CREATE TABLE user_invites (
  workspace_id uuid NOT NULL,
  id uuid NOT NULL,
  user_id uuid NOT NULL,
  token_hash text NOT NULL UNIQUE,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (workspace_id, id),
  FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX user_invites_user ON user_invites (workspace_id, user_id) WHERE used_at IS NULL;

SELECT enable_tenant_rls('user_passwords');
SELECT enable_tenant_rls('user_sessions');
SELECT enable_tenant_rls('user_invites');
