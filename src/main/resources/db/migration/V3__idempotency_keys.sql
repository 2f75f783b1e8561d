-- Responses of write requests sent with an Idempotency-Key, per actor. A row without status is a
-- request still running (until lease_until); a completed row is replayed until expires_at.
CREATE TABLE idempotency_keys (
  actor         text        NOT NULL,
  key           text        NOT NULL,
  operation     text        NOT NULL,
  request_hash  text        NOT NULL,
  status        integer,
  body          text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  lease_until   timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  PRIMARY KEY (actor, key)
);

CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at);
