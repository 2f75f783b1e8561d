-- The transactional outbox: one event per write batch, keyed by the batch id. Each chunk adds the
-- ids it changed inside its own transaction, so an event never names a change that did not
-- commit. The relay publishes a batch's event once the batch is finished (its audit row is closed)
-- or, if the instance running it died, once it has been quiet for a while; each channel is marked
-- separately, so a channel that is down is retried without repeating the other.
CREATE TABLE outbox_events (
  event_id            uuid        PRIMARY KEY,
  type                text        NOT NULL,
  user_ids            uuid[]      NOT NULL DEFAULT '{}',
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  bus_published_at    timestamptz,
  stream_published_at timestamptz
);

CREATE INDEX outbox_events_pending_idx ON outbox_events (created_at)
  WHERE bus_published_at IS NULL OR stream_published_at IS NULL;
