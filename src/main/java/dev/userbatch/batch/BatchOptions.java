package dev.userbatch.batch;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * Processing options shared by every operation. Ranges are enforced by {@code options.json} before
 * this object is built; out-of-range values are rejected, never clamped.
 */
public record BatchOptions(
    int chunkSize,
    int maxConcurrency,
    boolean continueOnError,
    boolean atomic,
    boolean dryRun,
    OnConflict onConflict) {

  /** What create does with an email that exists already: fail the item, or skip it. */
  public enum OnConflict {
    FAIL,
    SKIP
  }

  public static final int DEFAULT_CHUNK_SIZE = 100;
  public static final int DEFAULT_MAX_CONCURRENCY = 5;

  public static BatchOptions defaults() {
    return new BatchOptions(
        DEFAULT_CHUNK_SIZE, DEFAULT_MAX_CONCURRENCY, true, false, false, OnConflict.FAIL);
  }

  /** From an already validated options object (may be null). */
  public static BatchOptions fromJson(JsonObject json) {
    if (json == null) {
      return defaults();
    }
    return new BatchOptions(
        json.getInteger("chunkSize", DEFAULT_CHUNK_SIZE),
        json.getInteger("maxConcurrency", DEFAULT_MAX_CONCURRENCY),
        json.getBoolean("continueOnError", true),
        json.getBoolean("atomic", false),
        json.getBoolean("dryRun", false),
        OnConflict.valueOf(json.getString("onConflict", "fail").toUpperCase(Locale.ROOT)));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("chunkSize", chunkSize)
        .put("maxConcurrency", maxConcurrency)
        .put("continueOnError", continueOnError)
        .put("atomic", atomic)
        .put("dryRun", dryRun)
        .put("onConflict", onConflict.name().toLowerCase(Locale.ROOT));
  }
}
