-- The search box's fallback for common words (issue 9, B3 on the embedded database).
--
-- When `vx_search_contact_ids` (migration 1350) answers NULL, more than 5,000 contacts match and
-- the page runs the LIKE conditions itself. As the app's role PostgreSQL will not use the
-- column's statistics for a non-leakproof condition on a table under row-level security, so it
-- takes `search_text LIKE '%castillo%'` for a handful of rows and scans the whole table to sort
-- them (100k contacts on PGlite: 57 ms for a word 6,530 of them hold). The same match through
-- this function is opaque to the planner (PL/pgSQL is never inlined): it assumes a third of the
-- rows match, which for a word known to be common is the truer guess, and walks the page's index
-- until the page is full. Only that fallback uses it; every other LIKE stays as it was.
CREATE OR REPLACE FUNCTION vx_like(t text, pattern text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$ BEGIN RETURN t LIKE pattern; END $$;
