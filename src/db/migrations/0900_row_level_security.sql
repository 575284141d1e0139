-- Row-level security: the second wall between workspaces. Every query of the application already
-- filters by workspace_id; this makes the database refuse rows of any other workspace even when a
-- query forgets to. Tenant work runs as the ordinary role vixiees_app (no ownership, no BYPASSRLS)
-- with `app.workspace_id` set per transaction (src/lib/tenant-connection.ts); with no workspace
-- set, a tenant table shows no rows and takes no writes. Migrations, pg-boss and deliberate work
-- across workspaces (housekeeping, the outbox relay, finding an API key by its hash) run as the
-- login role, which owns the tables (a superuser, or a role with BYPASSRLS, in production).

-- Roles belong to the whole server, so two databases on one server (parallel test runs) may
-- create it at the same moment: the loser's duplicate is harmless.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vixiees_app') THEN
    CREATE ROLE vixiees_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOINHERIT;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END $$;

-- The login role switches to vixiees_app (SET ROLE); a non-superuser needs the membership.
DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT vixiees_app TO %I', current_user);
  END IF;
END $$;

GRANT USAGE ON SCHEMA public TO vixiees_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO vixiees_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO vixiees_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO vixiees_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO vixiees_app;
-- Instance secrets and the migration record are not the application's to change.
REVOKE INSERT, UPDATE, DELETE ON instance_secrets, schema_migrations FROM vixiees_app;

-- The workspace a transaction runs for; NULL (no rows) when none is set.
CREATE FUNCTION current_workspace_id() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.workspace_id', true), '')::uuid $$;

-- Turns row-level security on for one tenant table (ENABLE and FORCE, so the owner is held too
-- unless it bypasses RLS). A later migration that adds a tenant table calls it for that table;
-- src/lib/row-level-security.test.ts fails when a table with workspace_id is left without it.
CREATE FUNCTION enable_tenant_rls(tbl regclass, tenant_column text DEFAULT 'workspace_id') RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
  EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %s', tbl);
  EXECUTE format(
    'CREATE POLICY tenant_isolation ON %s USING (%I = current_workspace_id()) WITH CHECK (%I = current_workspace_id())',
    tbl, tenant_column, tenant_column);
END $$;

SELECT enable_tenant_rls('workspaces', 'id');
SELECT enable_tenant_rls(format('%I.%I', c.table_schema, c.table_name)::regclass)
FROM information_schema.columns c
JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
WHERE c.table_schema = 'public' AND c.column_name = 'workspace_id' AND t.table_type = 'BASE TABLE';
