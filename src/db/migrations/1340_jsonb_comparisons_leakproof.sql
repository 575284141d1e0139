-- Custom attribute filters under row-level security (issue 12, B2 "custom number range").
--
-- A filter on a single-valued attribute compares `custom_attributes -> 'key'` with a jsonb value
-- (=, IN, >=, <=, BETWEEN, and the keyset cursor's >), and each such key has its own index
-- `(workspace_id, (custom_attributes -> 'key'), id)`. Under row-level security PostgreSQL only
-- lets a condition into an index scan ahead of the policy when every function in it is LEAKPROOF
-- (it could otherwise see rows of another workspace before the policy removes them), and
-- jsonb's `->` and comparison functions are not marked so. Tenant queries therefore walked the
-- whole workspace through the index and filtered afterwards: at 1M contacts a budget range took
-- 0.35–0.67 s (141,559 buffers) as the app's role against 1.3 ms (108 buffers) as the owner.
--
-- These functions are leakproof in fact: they have no side effects and raise no error for any
-- pair of jsonb values (jsonb has a total order; `->` answers NULL for a missing key), so they
-- reveal nothing about a row but through their result, which the policy then filters. Only a
-- superuser may mark a function LEAKPROOF: a deployment whose migration role is not one keeps
-- the slower plans (correct either way) and this says so in the log.
DO $$
BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    ALTER FUNCTION jsonb_object_field(jsonb, text) LEAKPROOF;
    ALTER FUNCTION jsonb_eq(jsonb, jsonb) LEAKPROOF;
    ALTER FUNCTION jsonb_ne(jsonb, jsonb) LEAKPROOF;
    ALTER FUNCTION jsonb_lt(jsonb, jsonb) LEAKPROOF;
    ALTER FUNCTION jsonb_le(jsonb, jsonb) LEAKPROOF;
    ALTER FUNCTION jsonb_gt(jsonb, jsonb) LEAKPROOF;
    ALTER FUNCTION jsonb_ge(jsonb, jsonb) LEAKPROOF;
  ELSE
    RAISE NOTICE 'vixiees: not a superuser, jsonb comparisons stay non-leakproof: custom attribute filters cannot use their indexes under row-level security';
  END IF;
END $$;
