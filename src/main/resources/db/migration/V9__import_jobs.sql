-- Import jobs (POST /batch/users/jobs): one row per job, its staged chunks, and its failures.
-- Everything a node needs to resume a job after another died is here: the chunks are cut and
-- their items prepared (create ids included) while the upload is staged, so a resumed job sends
-- exactly the chunks it would have sent; a chunk's row is marked done in the same statement that
-- adds its counts and failures, so counts never include a chunk twice.
CREATE TABLE import_jobs (
  id               uuid        PRIMARY KEY,
  operation        text        NOT NULL,
  format           text        NOT NULL,
  -- staging (upload not yet acknowledged, invisible to the API), queued, running, completed,
  -- completed_with_errors, failed, cancelled
  status           text        NOT NULL,
  options          jsonb       NOT NULL,
  created_by       text        NOT NULL,
  idempotency_key  text,
  request_hash     bytea,
  total            integer     NOT NULL DEFAULT 0,
  chunk_count      integer     NOT NULL DEFAULT 0,
  processed        integer     NOT NULL DEFAULT 0,
  succeeded        integer     NOT NULL DEFAULT 0,
  failed           integer     NOT NULL DEFAULT 0,
  skipped          integer     NOT NULL DEFAULT 0,
  failures_by_code jsonb       NOT NULL DEFAULT '{}',
  -- chunks must run one after another (update jobs that change emails)
  ordered          boolean     NOT NULL DEFAULT false,
  cancel_requested boolean     NOT NULL DEFAULT false,
  -- continueOnError false: chunks from this one on are not sent (the first failure's chunk + 1)
  stop_chunk       integer,
  error            text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz,
  finished_at      timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  -- the node running (or staging) the job, until when; another node may take it after that
  lease_owner      text,
  lease_until      timestamptz,
  -- where the current run began, for the rate: processed at its start, and when
  run_started_at   timestamptz,
  run_base         integer     NOT NULL DEFAULT 0,
  UNIQUE (created_by, idempotency_key)
);

CREATE INDEX import_jobs_newest_idx ON import_jobs (created_at DESC, id DESC);
CREATE INDEX import_jobs_runnable_idx ON import_jobs (lease_until)
  WHERE status IN ('queued', 'running', 'staging');

-- One row per chunk: its items as the chunk's wire codec encodes them, with their indexes and
-- upload lines (body, JSON text, cleared once the chunk is done: plaintext passwords and hashes do
-- not outlive their chunk), then what the chunk did.
CREATE TABLE import_job_chunks (
  job_id        uuid        NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
  chunk         integer     NOT NULL,
  item_count    integer     NOT NULL,
  body          text,
  done_at       timestamptz,
  succeeded_ids uuid[],
  PRIMARY KEY (job_id, chunk)
);

-- One row per failed item: invalid lines (written while staging) and items a chunk failed.
CREATE TABLE import_job_failures (
  job_id   uuid    NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
  idx      integer NOT NULL,
  line     integer NOT NULL,
  item     text,
  code     text    NOT NULL,
  error    text    NOT NULL,
  path     text,
  PRIMARY KEY (job_id, idx)
);

-- Events that carry their own content (job events): published as they are, at once, whatever
-- audit row or batch_changes exist.
ALTER TABLE outbox_events ADD COLUMN payload jsonb;
