package dev.userbatch.job;

import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.Operation;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One job as stored in {@code import_jobs}, and as the API shows it. */
public record JobRecord(
    UUID id,
    Operation operation,
    JobFormat format,
    JobStatus status,
    BatchOptions options,
    int total,
    int chunkCount,
    int processed,
    int succeeded,
    int failed,
    int skipped,
    JsonObject failuresByCode,
    boolean ordered,
    boolean cancelRequested,
    String error,
    String createdBy,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    Instant updatedAt,
    Instant runStartedAt,
    int runBase,
    Instant now) {

  /** The columns {@link #fromRow} reads (with {@code now()} for the rate). */
  static final String COLUMNS =
      "id, operation, format, status, options::text AS options, total, chunk_count, processed, "
          + "succeeded, failed, skipped, failures_by_code::text AS failures_by_code, ordered, "
          + "cancel_requested, error, created_by, created_at, started_at, finished_at, updated_at, "
          + "run_started_at, run_base, now() AS now";

  static JobRecord fromRow(Row row) {
    return new JobRecord(
        row.getUUID("id"),
        Operation.fromWireName(row.getString("operation")).orElseThrow(),
        JobFormat.fromWireName(row.getString("format")),
        JobStatus.fromWireName(row.getString("status")),
        BatchOptions.fromJson(new JsonObject(row.getString("options"))),
        row.getInteger("total"),
        row.getInteger("chunk_count"),
        row.getInteger("processed"),
        row.getInteger("succeeded"),
        row.getInteger("failed"),
        row.getInteger("skipped"),
        new JsonObject(row.getString("failures_by_code")),
        row.getBoolean("ordered"),
        row.getBoolean("cancel_requested"),
        row.getString("error"),
        row.getString("created_by"),
        instant(row.getOffsetDateTime("created_at")),
        instant(row.getOffsetDateTime("started_at")),
        instant(row.getOffsetDateTime("finished_at")),
        instant(row.getOffsetDateTime("updated_at")),
        instant(row.getOffsetDateTime("run_started_at")),
        row.getInteger("run_base"),
        instant(row.getOffsetDateTime("now")));
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }

  /**
   * Items per second of the current (or last) run: what it processed over how long it has run; 0
   * before it starts.
   */
  public double rate() {
    if (runStartedAt == null) {
      return 0;
    }
    Instant end = status.isFinal() && finishedAt != null ? finishedAt : now;
    double seconds = Math.max(0.001, Duration.between(runStartedAt, end).toMillis() / 1000.0);
    return Math.round(Math.max(0, processed - runBase) / seconds * 10) / 10.0;
  }

  /** Seconds left at the current rate, while running; null when unknown or not running. */
  public Long etaSeconds() {
    double rate = rate();
    if (status != JobStatus.RUNNING || rate <= 0) {
      return null;
    }
    return (long) Math.ceil(Math.max(0, total - processed) / rate);
  }

  public JsonObject toJson() {
    JsonObject options = this.options.toJson();
    options.remove("atomic");
    if (!operation.takesOnConflict()) {
      options.remove("onConflict");
    }
    return new JsonObject()
        .put("id", id.toString())
        .put("operation", operation.wireName())
        .put("format", format.wireName())
        .put("status", status.wireName())
        .put("options", options)
        .put(
            "counts",
            new JsonObject()
                .put("total", total)
                .put("processed", processed)
                .put("succeeded", succeeded)
                .put("failed", failed)
                .put("skipped", skipped))
        .put("failuresByCode", failuresByCode)
        .put("rate", rate())
        .put("etaSeconds", etaSeconds())
        .put("createdAt", iso(createdAt))
        .put("startedAt", iso(startedAt))
        .put("finishedAt", iso(finishedAt))
        .put("updatedAt", iso(updatedAt))
        .put("createdBy", createdBy)
        .put("error", error)
        .put("cancelRequested", cancelRequested);
  }

  private static String iso(Instant time) {
    return time == null ? null : time.toString();
  }
}
