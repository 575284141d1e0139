-- The index budget of `contacts` (issue 9). Every index and every row trigger is paid by every
-- write; this keeps what the list (B2), search (B3) and board/queue (B6) plans use and makes the
-- rest cheaper. Figures and plans: bench/README.md ("Index budget"), measured at 1M contacts.
-- Index builds on a big table outlast the pool's 30 s statement timeout: lift it for this file.
SET LOCAL statement_timeout = 0;

-- 1. Folding. translate() walks its 53-letter list for every character of every string (the
-- multibyte path), and was most of the search trigger's cost. An ASCII-only string (most emails,
-- many names) has none of those letters, so lower() alone gives the same result; other strings
-- still go through translate(). The output is identical for every input.
CREATE OR REPLACE FUNCTION vx_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN octet_length(coalesce(t, '')) = char_length(coalesce(t, '')) THEN lower(coalesce(t, ''))
    ELSE lower(translate(t,
      'ÁÀÂÄÃÅáàâäãåÉÈÊËéèêëÍÌÎÏíìîïÓÒÔÖÕóòôöõÚÙÛÜúùûüÑñÇçÝýÿ',
      'aaaaaaaaaaaaeeeeeeeeiiiiiiiioooooooooouuuuuuuunnccyyy')) END
$$;

-- 2. The search trigger folds each part once (first and last name were folded twice, for the
-- sort keys and again inside the search text) and each part apart, so an ASCII email takes the
-- fast path even when the name has accents. Folding is per character, so
-- concat_ws(' ', fold(a), fold(b)) = fold(concat_ws(' ', a, b)): the stored values do not change.
CREATE OR REPLACE FUNCTION contacts_search_fields() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.sort_first_name := vx_fold(NEW.first_name);
  NEW.sort_last_name := vx_fold(NEW.last_name);
  NEW.search_text := concat_ws(' ', NEW.sort_first_name, NEW.sort_last_name,
    CASE WHEN NEW.company IS NOT NULL THEN vx_fold(NEW.company) END,
    CASE WHEN NEW.email IS NOT NULL THEN vx_fold(NEW.email) END,
    vx_fold(array_to_string(NEW.additional_emails, ' ')));
  -- Digits of every phone (E.164 without '+'), space separated: "612 34 56" and "0034 612…" match by substring.
  NEW.search_digits := regexp_replace(concat_ws(' ', NEW.phone, array_to_string(NEW.additional_phones, ' ')), '[^0-9 ]', '', 'g');
  RETURN NEW;
END
$$;

-- 3. One search index instead of two, without workspace_id. With the workspace as a btree_gin
-- column every search also read that workspace's whole posting list (1M entries: 1,300-3,900
-- buffers for a handful of rows at 1M); the workspace is now checked on the few rows the trigrams
-- find (the list query always has `workspace_id = …`). Both columns in one GIN: the search box's
-- `search_digits LIKE … OR search_text LIKE …` is a BitmapOr of the same index.
DROP INDEX IF EXISTS contacts_search_trgm;
DROP INDEX IF EXISTS contacts_search_digits;
CREATE INDEX contacts_search ON contacts USING gin (search_text gin_trgm_ops, search_digits gin_trgm_ops)
  WHERE deleted_at IS NULL;

-- 4. Per-attribute expression indexes (built by the attribute index job) hold only the contacts
-- that have a value for the key: a contact without it no longer pays for an entry in every
-- attribute's index. Every condition that uses them implies the predicate (=, IN, ranges and
-- `IS NOT NULL` are strict, and a sort's value part reads `… IS NOT NULL`); the contacts without a
-- value (a sort's NULL part, is_empty) are read in id or list order instead, as for any
-- attribute whose index is not built yet. Indexes built before this file are rebuilt here.
DO $$
DECLARE
  r record;
  k text;
BEGIN
  FOR r IN SELECT c.relname AS name, pg_get_indexdef(c.oid) AS def
           FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
           WHERE i.indrelid = 'contacts'::regclass AND c.relname LIKE 'contacts\_attr\_%' LOOP
    k := substring(r.def from '''([a-z][a-z0-9_]*)''::text');
    IF k IS NOT NULL AND r.def NOT LIKE '%IS NOT NULL%' THEN
      EXECUTE format('DROP INDEX %I', r.name);
      EXECUTE format('CREATE INDEX %I ON contacts (workspace_id, (custom_attributes -> %L), id) WHERE deleted_at IS NULL AND (custom_attributes -> %L) IS NOT NULL', r.name, k, k);
    END IF;
  END LOOP;
END
$$;

-- 5. Dropped: the partial index on email-marketing consent. No list shape of B2 needs it (the
-- consent shape filters WhatsApp marketing, whose index stays), a quarter of all contacts are in
-- it, and a filter that common reads the newest-first index (contacts_created) and keeps about one
-- row in four: a first page stops after ~200 rows.
DROP INDEX IF EXISTS contacts_marketing_email;
