-- Each write chunk records the users it changed here, in its own transaction: one new row per
-- chunk, never an update of a row shared by the batch, so the chunks of a batch do not queue
-- behind each other and the cost stays linear in the batch size (appending to one growing array
-- made a 100,000-user batch quadratic). The audit row (user_ids, at close) and the outbox event
-- (when it is relayed) are built from these rows.
CREATE TABLE batch_changes (
  batch_id     uuid        NOT NULL,
  chunk_number integer     NOT NULL,
  user_ids     uuid[]      NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (batch_id, chunk_number)
);

-- The outbox row is now created when the batch opens; its users come from batch_changes.
ALTER TABLE outbox_events DROP COLUMN user_ids;
ALTER TABLE outbox_events DROP COLUMN updated_at;
