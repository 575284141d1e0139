-- Request budgets shared by every API process on this database (fixed windows).
-- Not tenant data: keys are "key:<api key id>" or "authfail:<ip>…", read and written through
-- the system path. One row per budget; a new window resets its row, and rows whose window has
-- ended are purged, so the table holds only the budgets in use now.
CREATE TABLE rate_limits (
  key text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX rate_limits_expires_at ON rate_limits (expires_at);
