package dev.userbatch.job;

/** The SQL of import jobs: one fixed statement per step, arrays bound as Java arrays. */
final class JobSql {
  private JobSql() {}

  static final String LEASE = "now() + make_interval(secs => $%d::double precision / 1000)";

  static final String CREATE_STAGING =
      "INSERT INTO import_jobs (id, operation, format, status, options, created_by, idempotency_key, "
          + "lease_owner, lease_until) VALUES ($1, $2, $3, 'staging', $4::jsonb, $5, $6, $7, "
          + LEASE.formatted(8)
          + ")";

  static final String BY_KEY =
      "SELECT "
          + JobRecord.COLUMNS
          + ", request_hash FROM import_jobs WHERE created_by = $1 AND idempotency_key = $2";

  /** One slice of an upload: its chunks and its failures, and the staging lease renewed. */
  static final String STAGE =
      "WITH c AS (INSERT INTO import_job_chunks (job_id, chunk, item_count, body) "
          + "SELECT $1, * FROM unnest($2::int[], $3::int[], $4::text[])), "
          + "f AS (INSERT INTO import_job_failures (job_id, idx, line, item, code, error, path) "
          + "SELECT $1, * FROM unnest($5::int[], $6::int[], $7::text[], $8::text[], $9::text[], $10::text[])) "
          + "UPDATE import_jobs SET lease_until = "
          + LEASE.formatted(11)
          + " WHERE id = $1 AND status = 'staging'";

  /** The upload is all staged: the job is queued for any node to run. */
  static final String SEAL =
      "UPDATE import_jobs SET status = 'queued', total = $2, chunk_count = $3, skipped = $4, "
          + "ordered = $5, stop_chunk = $6, request_hash = $7, "
          + "failed = (SELECT count(*) FROM import_job_failures WHERE job_id = $1), "
          + "processed = $4 + (SELECT count(*) FROM import_job_failures WHERE job_id = $1), "
          + "failures_by_code = (SELECT coalesce(jsonb_object_agg(code, n), '{}') FROM "
          + "(SELECT code, count(*) AS n FROM import_job_failures WHERE job_id = $1 GROUP BY code) g), "
          + "lease_owner = NULL, lease_until = NULL, updated_at = now() "
          + "WHERE id = $1 AND status = 'staging' RETURNING "
          + JobRecord.COLUMNS;

  static final String DELETE = "DELETE FROM import_jobs WHERE id = $1";

  /** Uploads whose node died before they were acknowledged. */
  static final String DELETE_ABANDONED =
      "DELETE FROM import_jobs WHERE status = 'staging' AND lease_until < now()";

  static final String FIND =
      "SELECT " + JobRecord.COLUMNS + " FROM import_jobs WHERE id = $1 AND status <> 'staging'";

  static final String LIST =
      "SELECT "
          + JobRecord.COLUMNS
          + " FROM import_jobs WHERE status <> 'staging' AND ($1::timestamptz IS NULL "
          + "OR (created_at, id) < ($1::timestamptz, $2::uuid)) "
          + "ORDER BY created_at DESC, id DESC LIMIT $3";

  /**
   * A runnable job (queued, or running with an expired lease) taken by {@code $1}; its start event
   * when it had never run.
   */
  static final String CLAIM =
      "WITH pick AS (SELECT id, status FROM import_jobs WHERE status IN ('queued', 'running') "
          + "AND (lease_until IS NULL OR lease_until < now()) ORDER BY created_at LIMIT 1 "
          + "FOR UPDATE SKIP LOCKED), "
          + "up AS (UPDATE import_jobs j SET status = 'running', lease_owner = $1, lease_until = "
          + LEASE.formatted(2)
          + ", started_at = coalesce(j.started_at, now()), run_started_at = now(), "
          + "run_base = j.processed, updated_at = now() FROM pick WHERE j.id = pick.id "
          + "RETURNING j.*, pick.status AS was), "
          + "ev AS (INSERT INTO outbox_events (event_id, type, payload) "
          + "SELECT gen_random_uuid(), 'USERS_JOB_STARTED', jsonb_build_object('jobId', id, "
          + "'operation', operation, 'format', format, 'total', total, 'actor', created_by, "
          + "'startedAt', started_at) FROM up WHERE was = 'queued') "
          + "SELECT "
          + JobRecord.COLUMNS
          + ", stop_chunk, was FROM up";

  static final String RENEW =
      "UPDATE import_jobs SET lease_until = "
          + LEASE.formatted(3)
          + " WHERE id = $1 AND lease_owner = $2 AND status = 'running' RETURNING cancel_requested";

  /** A node that stops hands its jobs on at once instead of letting their leases run out. */
  static final String RELEASE =
      "UPDATE import_jobs SET lease_until = now() WHERE id = $1 AND lease_owner = $2 "
          + "AND status = 'running'";

  static final String PENDING_CHUNKS =
      "SELECT chunk FROM import_job_chunks WHERE job_id = $1 AND done_at IS NULL AND chunk > $2 "
          + "AND chunk < $3 ORDER BY chunk LIMIT $4";

  static final String CHUNK_BODY =
      "SELECT body FROM import_job_chunks WHERE job_id = $1 AND chunk = $2 AND done_at IS NULL";

  /**
   * A chunk's outcome, once: the chunk marked done (its secrets cleared), its failures added, the
   * job's counts moved, and (continueOnError false) the chunks after it stopped; all or nothing.
   */
  static final String COMPLETE_CHUNK =
      "WITH c AS (UPDATE import_job_chunks SET done_at = now(), body = NULL, succeeded_ids = $3::uuid[] "
          + "WHERE job_id = $1 AND chunk = $2 AND done_at IS NULL RETURNING job_id), "
          + "f AS (INSERT INTO import_job_failures (job_id, idx, line, item, code, error, path) "
          + "SELECT $1, * FROM unnest($4::int[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[]) "
          + "WHERE EXISTS (SELECT 1 FROM c) ON CONFLICT DO NOTHING) "
          + "UPDATE import_jobs j SET processed = processed + $10, succeeded = succeeded + $11, "
          + "failed = failed + $12, skipped = skipped + $13, "
          + "failures_by_code = "
          + addCounts("j.failures_by_code", "$14::jsonb")
          + ", stop_chunk = CASE WHEN $15 THEN least(coalesce(stop_chunk, $2 + 1), $2 + 1) ELSE stop_chunk END, "
          + "updated_at = now() FROM c WHERE j.id = c.job_id RETURNING j.cancel_requested";

  /**
   * The end of a job: the items never processed count as NOT_PROCESSED failures, the status says
   * how it ended, and the completion event is written, in one statement. {@code $2} the node that
   * held it (null: a queued job, cancelled before any node took it); {@code $3} why it failed.
   */
  static final String FINISH =
      "WITH j AS (UPDATE import_jobs SET "
          + "status = CASE WHEN $3::text IS NOT NULL THEN 'failed' WHEN cancel_requested THEN 'cancelled' "
          + "WHEN failed + total - processed > 0 THEN 'completed_with_errors' ELSE 'completed' END, "
          + "failures_by_code = CASE WHEN total > processed THEN "
          + addCounts("failures_by_code", "jsonb_build_object('NOT_PROCESSED', total - processed)")
          + " ELSE failures_by_code END, "
          + "failed = failed + total - processed, processed = total, error = $3, "
          + "finished_at = now(), updated_at = now(), lease_owner = NULL, lease_until = NULL "
          + "WHERE id = $1 AND ((status = 'running' AND lease_owner = $2) "
          + "OR (status = 'queued' AND $2::text IS NULL)) RETURNING *), "
          + "ev AS (INSERT INTO outbox_events (event_id, type, payload) "
          + "SELECT gen_random_uuid(), 'USERS_JOB_COMPLETED', jsonb_build_object('jobId', id, "
          + "'operation', operation, 'status', status, 'actor', created_by, 'counts', "
          + "jsonb_build_object('total', total, 'processed', processed, 'succeeded', succeeded, "
          + "'failed', failed, 'skipped', skipped), 'failuresByCode', failures_by_code, "
          + "'finishedAt', finished_at) FROM j) "
          + "SELECT id FROM j";

  static final String REQUEST_CANCEL =
      "UPDATE import_jobs SET cancel_requested = true, updated_at = now() "
          + "WHERE id = $1 AND status IN ('queued', 'running') RETURNING status";

  /** Two JSON objects of counts added key by key. */
  private static String addCounts(String left, String right) {
    return "(SELECT coalesce(jsonb_object_agg(k, n), '{}') FROM (SELECT k, sum(v::int) AS n FROM "
        + "(SELECT * FROM jsonb_each_text("
        + left
        + ") UNION ALL SELECT * FROM jsonb_each_text("
        + right
        + ")) x(k, v) GROUP BY k) y)";
  }
}
