-- The search box under row-level security (issue 9, B3).
--
-- Under the tenant policy PostgreSQL lets a condition into an index scan ahead of the policy only
-- when its functions are LEAKPROOF, and the trigram `LIKE` (textlike) is not: it raises "LIKE
-- pattern must not end with escape character" only once the text has matched that far, an error
-- that tells a caller with SQL of its own about rows of other workspaces. So as the app's role the
-- search box could not reach `contacts_search` and a rare fragment scanned the whole workspace
-- (1M contacts: "Luis López" 66,260 buffers, 681 ms). Marking textlike leakproof would open that
-- channel; this function does not need it.
--
-- It runs as its owner (SECURITY DEFINER: the migration role, which bypasses row-level security),
-- so its LIKE conditions use the trigram index, and it confines itself to the workspace of the
-- calling transaction (`current_workspace_id()`, the same setting the policy reads; no workspace
-- set, no rows). It takes data only, never SQL: LIKE patterns every one of which the search text
-- must match, strings it must contain, and an optional pattern on the phone digits which is enough
-- alone. It answers the ids of the live contacts that match when there are at most `cap` of them
-- (a rare fragment: the page then reads a handful of rows by primary key), and NULL when there are
-- more: the caller then keeps its own LIKE conditions, and a common fragment finds its first page
-- early on the newest-first index. Whether there are more is first asked of the planner (its
-- estimate for the workspace, from the column's statistics): collecting thousands of "Luis" only
-- to give up would cost more than the page. The patterns are inlined as literals so each search is
-- planned for its own selectivity. Run as an owner that does not bypass row-level security, it is
-- still right, only not faster.
CREATE OR REPLACE FUNCTION vx_search_contact_ids(text_patterns text[], text_contains text[], digits_pattern text, cap integer)
RETURNS uuid[]
-- VOLATILE only because it runs EXPLAIN (PostgreSQL refuses that in a STABLE function); it writes nothing.
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
DECLARE
  ws uuid := current_workspace_id();
  text_cond text;
  cond text;
  query text;
  plan json;
  found uuid[];
BEGIN
  IF ws IS NULL THEN
    RETURN ARRAY[]::uuid[];
  END IF;
  SELECT string_agg(c, ' AND ') INTO text_cond FROM (
    SELECT format('search_text LIKE %L', p) AS c FROM unnest(text_patterns) p
    UNION ALL
    SELECT format('strpos(search_text, %L) > 0', s) FROM unnest(text_contains) s
  ) parts;
  cond := coalesce(text_cond, 'false');
  IF digits_pattern IS NOT NULL THEN
    cond := format('(search_digits LIKE %L OR (%s))', digits_pattern, cond);
  END IF;
  query := format('SELECT id FROM contacts WHERE workspace_id = %L AND deleted_at IS NULL AND %s', ws, cond);
  EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
  IF (plan -> 0 -> 'Plan' ->> 'Plan Rows')::float8 > cap THEN
    RETURN NULL;
  END IF;
  EXECUTE format('SELECT coalesce(array_agg(id), ARRAY[]::uuid[]) FROM (%s LIMIT %s) s', query, cap + 1) INTO found;
  IF cardinality(found) > cap THEN
    RETURN NULL;
  END IF;
  RETURN found;
END
$$;

REVOKE ALL ON FUNCTION vx_search_contact_ids(text[], text[], text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION vx_search_contact_ids(text[], text[], text, integer) TO vixiees_app;
