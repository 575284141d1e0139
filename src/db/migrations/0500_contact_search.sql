-- Lists and search at a million contacts (issue 5).
-- Search and name sorts read columns kept in step by a trigger, so every writer (API, imports,
-- merges, raw SQL) keeps them right, and queries never fold case or accents at read time.

-- Lower-case and strip the accents of Spanish, Portuguese and French letters; then lower() for
-- ASCII. translate() is explicit so PGlite (C locale) and PostgreSQL give the same result; the app
-- folds search input the same way (NFD, drop marks, lower-case).
CREATE OR REPLACE FUNCTION vx_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT lower(translate(coalesce(t, ''),
    'ÁÀÂÄÃÅáàâäãåÉÈÊËéèêëÍÌÎÏíìîïÓÒÔÖÕóòôöõÚÙÛÜúùûüÑñÇçÝýÿ',
    'aaaaaaaaaaaaeeeeeeeeiiiiiiiioooooooooouuuuuuuunnccyyy'))
$$;

ALTER TABLE contacts
  ADD COLUMN search_text text NOT NULL DEFAULT '',
  ADD COLUMN search_digits text NOT NULL DEFAULT '',
  ADD COLUMN sort_first_name text COLLATE "C" NOT NULL DEFAULT '',
  ADD COLUMN sort_last_name text COLLATE "C" NOT NULL DEFAULT '';

CREATE OR REPLACE FUNCTION contacts_search_fields() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_text := vx_fold(concat_ws(' ', NEW.first_name, NEW.last_name, NEW.company, NEW.email,
    array_to_string(NEW.additional_emails, ' ')));
  -- Digits of every phone (E.164 without '+'), space separated: "612 34 56" and "0034 612…" match by substring.
  NEW.search_digits := regexp_replace(concat_ws(' ', NEW.phone, array_to_string(NEW.additional_phones, ' ')), '[^0-9 ]', '', 'g');
  NEW.sort_first_name := vx_fold(NEW.first_name);
  NEW.sort_last_name := vx_fold(NEW.last_name);
  RETURN NEW;
END
$$;

CREATE TRIGGER contacts_search_fields
  BEFORE INSERT OR UPDATE OF first_name, last_name, company, email, additional_emails, phone, additional_phones
  ON contacts FOR EACH ROW EXECUTE FUNCTION contacts_search_fields();

-- Backfill rows written before this migration.
UPDATE contacts SET first_name = first_name;

CREATE INDEX contacts_search_trgm ON contacts USING gin (workspace_id, search_text gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX contacts_search_digits ON contacts USING gin (workspace_id, search_digits gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX contacts_sort_last_name ON contacts (workspace_id, sort_last_name, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_sort_first_name ON contacts (workspace_id, sort_first_name, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_source ON contacts (workspace_id, source, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX contacts_marketing_whatsapp ON contacts (workspace_id, created_at, id) WHERE deleted_at IS NULL AND consent_marketing_whatsapp;
CREATE INDEX contacts_marketing_email ON contacts (workspace_id, created_at, id) WHERE deleted_at IS NULL AND consent_marketing_email;
