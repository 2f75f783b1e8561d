-- One row per batch operation. Write operations create the row before their first chunk, and
-- every chunk adds the ids it changed in the same transaction as the change, so the row never
-- claims a change that did not commit, nor misses one that did.
CREATE TABLE audit_log (
  id             uuid        PRIMARY KEY,
  operation      text        NOT NULL,
  actor          text,
  started_at     timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz,
  client_ip      text,
  user_agent     text,
  correlation_id text,
  user_ids       uuid[]      NOT NULL DEFAULT '{}',
  total          integer     NOT NULL,
  successful     integer     NOT NULL DEFAULT 0,
  failed         integer,
  outcome        text        NOT NULL DEFAULT 'running',
  dry_run        boolean     NOT NULL DEFAULT false
);

CREATE INDEX audit_log_started_at_idx ON audit_log (started_at);
CREATE INDEX audit_log_user_ids_idx ON audit_log USING gin (user_ids);
