package dev.userbatch.batch;

import io.vertx.core.json.JsonObject;

/**
 * Processing options shared by every operation. Ranges are enforced by {@code options.json}
 * before this object is built; out-of-range values are rejected, never clamped.
 */
public record BatchOptions(int chunkSize, int maxConcurrency, boolean continueOnError) {
  public static final int DEFAULT_CHUNK_SIZE = 100;
  public static final int DEFAULT_MAX_CONCURRENCY = 5;

  public static BatchOptions defaults() {
    return new BatchOptions(DEFAULT_CHUNK_SIZE, DEFAULT_MAX_CONCURRENCY, true);
  }

  /** From an already validated options object (may be null). */
  public static BatchOptions fromJson(JsonObject json) {
    if (json == null) {
      return defaults();
    }
    return new BatchOptions(
        json.getInteger("chunkSize", DEFAULT_CHUNK_SIZE),
        json.getInteger("maxConcurrency", DEFAULT_MAX_CONCURRENCY),
        json.getBoolean("continueOnError", true));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("chunkSize", chunkSize)
        .put("maxConcurrency", maxConcurrency)
        .put("continueOnError", continueOnError);
  }
}
