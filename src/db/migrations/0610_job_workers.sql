-- Jobs that survive their process (issue 8). Each process that works jobs keeps a row here and
-- beats every few seconds, listing the pg-boss jobs it holds. A job pg-boss still calls `active`
-- whose holder stopped beating (or that no live process lists) is an orphan: it goes back to the
-- queue at once instead of after pg-boss's expiry. Not tenant data: no workspace_id.
CREATE TABLE job_workers (
  id uuid PRIMARY KEY,
  pid int NOT NULL,
  host text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  beat_at timestamptz NOT NULL DEFAULT now(),
  job_ids uuid[] NOT NULL DEFAULT '{}'
);

-- The hourly purge deletes published outbox rows past their retention without a full scan.
CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL;
