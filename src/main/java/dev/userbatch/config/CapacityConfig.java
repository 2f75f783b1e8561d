package dev.userbatch.config;

import io.vertx.core.json.JsonObject;

/**
 * How much work the process admits at once, and the PostgreSQL pools sized from it (part of {@link
 * ServiceConfig}). A setting of 0 in {@code conf/application.json} means "derive it", see {@link
 * #fromJson}.
 *
 * @param maxBatchesInFlight batch requests (HTTP and event bus) past the door at once, from the
 *     first body byte read to the response
 * @param maxBodyBytesInFlight request bodies (by Content-Length) past the door at once, in bytes
 * @param admissionQueueSize requests that may wait for one of those places; beyond it: 503
 *     OVERLOADED
 * @param admissionQueueTimeoutMs longest wait in that queue before a 503 OVERLOADED
 * @param bodyReadTimeoutMs an admitted request whose body has not arrived whole by then loses its
 *     connection: a stalled upload must not hold a place for ever
 * @param maxDecodesInFlight request bodies parsed at once (CPU work on the worker pool)
 * @param requestPoolSize connections for audit rows and idempotency keys, kept apart from the chunk
 *     transactions ({@code pgPoolSize}) so they never wait behind them
 */
public record CapacityConfig(
    int maxBatchesInFlight,
    long maxBodyBytesInFlight,
    int admissionQueueSize,
    long admissionQueueTimeoutMs,
    long bodyReadTimeoutMs,
    int maxDecodesInFlight,
    int requestPoolSize) {

  /**
   * A waiting request holds its connection and headers only (its body is not read before it is
   * admitted), so the queue is wide: ordinary concurrency waits instead of being refused.
   */
  static final int MIN_DERIVED_QUEUE = 64;

  /** The largest derived request pool: as many connections as the chunk pool has by default. */
  static final int MAX_DERIVED_REQUEST_POOL = 8;

  /** Seconds a client is told to wait after a 503 OVERLOADED. */
  public static final int RETRY_AFTER_SECONDS = 1;

  public CapacityConfig {
    require("maxBatchesInFlight", maxBatchesInFlight);
    require("maxBodyBytesInFlight", maxBodyBytesInFlight);
    require("admissionQueueSize", admissionQueueSize);
    require("admissionQueueTimeoutMs", admissionQueueTimeoutMs);
    require("bodyReadTimeoutMs", bodyReadTimeoutMs);
    require("maxDecodesInFlight", maxDecodesInFlight);
    require("requestPoolSize", requestPoolSize);
  }

  /**
   * Derived values: batches in flight 4 × max(cores, workers) (a batch mostly waits on PostgreSQL
   * and Redis, so a few per worker keep the workers busy); bodies in flight a quarter of the heap,
   * counted by their announced size (a body larger than {@code maxBodyBytes} is refused anyway); a
   * queue four times the batches in flight, at least {@value #MIN_DERIVED_QUEUE}; one decode per
   * core; one request connection per two batches in flight, between 2 and {@value
   * #MAX_DERIVED_REQUEST_POOL}. A batch runs its audit and idempotency statements one after the
   * other, but each waits for its commit; with 16 batches in flight and 4 connections the mixed
   * load queued 26 ms on average for one (6 ms with 8), and PostgreSQL flushes the commits of
   * concurrent connections together.
   */
  static CapacityConfig fromJson(
      JsonObject json, int workerInstances, int cores, long maxHeapBytes, long maxBodyBytes) {
    int batches = orDerived(json, "maxBatchesInFlight", 4 * Math.max(cores, workerInstances));
    long bodyBytes = ServiceConfig.longField(json, "maxBodyBytesInFlight");
    if (bodyBytes < 0) {
      throw new IllegalArgumentException(
          "Configuration maxBodyBytesInFlight (env MAX_BODY_BYTES_IN_FLIGHT) "
              + "must be 0 (derive it) or positive, got "
              + bodyBytes);
    }
    return new CapacityConfig(
        batches,
        bodyBytes == 0 ? Math.max(1, maxHeapBytes / 4) : bodyBytes,
        orDerived(json, "admissionQueueSize", Math.max(MIN_DERIVED_QUEUE, 4 * batches)),
        ServiceConfig.longField(json, "admissionQueueTimeoutMs"),
        ServiceConfig.longField(json, "bodyReadTimeoutMs"),
        orDerived(json, "maxDecodesInFlight", Math.max(1, cores)),
        orDerived(
            json,
            "requestPoolSize",
            Math.max(2, Math.min(MAX_DERIVED_REQUEST_POOL, (batches + 1) / 2))));
  }

  private static int orDerived(JsonObject json, String field, int derived) {
    long value = ServiceConfig.longField(json, field);
    if (value < 0) {
      throw new IllegalArgumentException(
          "Configuration "
              + field
              + " (env "
              + ServiceConfig.envName(field)
              + ") must be 0 (derive it) or positive, got "
              + value);
    }
    return value == 0 ? derived : Math.toIntExact(value);
  }

  private static void require(String field, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(
          "Configuration "
              + field
              + " (env "
              + ServiceConfig.envName(field)
              + ") must be positive, got "
              + value);
    }
  }
}
