package dev.userbatch.metrics;

import dev.userbatch.batch.BatchOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The seed's four batch metrics, exactly named as Prometheus shows them — {@code
 * batch_operations_total{operation,status}}, {@code batch_operation_duration_seconds{operation}},
 * {@code batch_chunk_size{operation}}, {@code batch_error_rate{operation}} — plus item outcomes
 * ({@code batch_items_total{operation,outcome}}) and cache results ({@code
 * batch_cache_requests_total{result}}).
 */
public final class BatchMetrics {
  private final MeterRegistry registry;
  private final Map<String, ErrorRate> errorRates = new ConcurrentHashMap<>();

  BatchMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Failed items / all items of an operation since start: the gauge {@code batch_error_rate}. */
  private static final class ErrorRate {
    final AtomicLong items = new AtomicLong();
    final AtomicLong failed = new AtomicLong();

    double value() {
      long total = items.get();
      return total == 0 ? 0.0 : (double) failed.get() / total;
    }
  }

  /**
   * A batch that ran: status is success (all items), partial, or failed (no item succeeded). {@code
   * batch_chunk_size} gets one observation per chunk processed, of its real size, so that its mean
   * is the average chunk size used (a 1-item batch is a chunk of 1, whatever chunkSize says).
   */
  public void batchCompleted(BatchOutcome outcome, Duration duration) {
    String operation = outcome.operation().wireName();
    int failed = outcome.failures().size();
    String status = failed == 0 ? "success" : outcome.successful() == 0 ? "failed" : "partial";
    operations(operation, status).increment();
    Timer.builder("batch.operation.duration")
        .description("Duration of batch operations")
        .tag("operation", operation)
        .publishPercentileHistogram()
        .register(registry)
        .record(duration);
    DistributionSummary chunkSizes =
        DistributionSummary.builder("batch.chunk.size")
            .description("Size of each chunk processed by batch operations")
            .tag("operation", operation)
            .register(registry);
    outcome.processedChunkSizes().forEach(chunkSizes::record);
    items(operation, "successful").increment(outcome.successful());
    items(operation, "failed").increment(failed);
    items(operation, "duplicate").increment(outcome.duplicates().size());
    // Lookup ids that do not exist, and creates skipped by onConflict=skip: with successful and
    // failed they add up to the items the batch counted (duplicates are folded, not counted).
    items(operation, "missing").increment(outcome.missing().size());
    items(operation, "skipped").increment(outcome.skipped().size());
    ErrorRate rate = errorRate(operation);
    rate.items.addAndGet(outcome.total());
    rate.failed.addAndGet(failed);
  }

  /**
   * A chunk sent again under its chunk key ({@code batch_chunk_redeliveries_total}), by reason:
   * {@code timeout} (no reply in time: a slow worker or a node that died) or {@code no_handlers}.
   */
  public void chunkRedelivered(String operation, String reason) {
    Counter.builder("batch.chunk.redeliveries")
        .description("Chunks sent again under the same chunk key, by reason")
        .tag("operation", operation)
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /** A request refused as a whole (bad envelope, too large) before any item was processed. */
  public void batchRejected(String operation) {
    operations(operation, "rejected").increment();
  }

  public void cacheHits(int count) {
    cache("hit").increment(count);
  }

  public void cacheMisses(int count) {
    cache("miss").increment(count);
  }

  public void cacheError() {
    cache("error").increment();
  }

  /** A rate-limit check that could not reach Redis (allowed or refused per configuration). */
  public void rateLimitError() {
    Counter.builder("batch.rate.limit.errors")
        .description("Rate limit checks that could not reach Redis")
        .register(registry)
        .increment();
  }

  /** A request refused by the rate limiter. */
  public void rateLimited(String operation) {
    Counter.builder("batch.rate.limited")
        .description("Requests refused by the rate limiter")
        .tag("operation", operation)
        .register(registry)
        .increment();
  }

  /** Imported password hashes below the configured floor, stored and flagged or refused. */
  public void weakPasswordHashes(String action, int count) {
    Counter.builder("batch.weak.password.hashes")
        .description(
            "Imported password hashes weaker than the configured floor, by action (flagged, refused)")
        .tag("action", action)
        .register(registry)
        .increment(count);
  }

  private Counter operations(String operation, String status) {
    return Counter.builder("batch.operations")
        .description("Batch operations by outcome")
        .tag("operation", operation)
        .tag("status", status)
        .register(registry);
  }

  private Counter items(String operation, String outcome) {
    return Counter.builder("batch.items")
        .description("Items of batch operations by outcome")
        .tag("operation", operation)
        .tag("outcome", outcome)
        .register(registry);
  }

  private Counter cache(String result) {
    return Counter.builder("batch.cache.requests")
        .description(
            "User cache lookups by result (hits and misses count keys; errors count calls)")
        .tag("result", result)
        .register(registry);
  }

  private ErrorRate errorRate(String operation) {
    return errorRates.computeIfAbsent(
        operation,
        op -> {
          ErrorRate rate = new ErrorRate();
          Gauge.builder("batch.error.rate", rate, ErrorRate::value)
              .description("Failed items / all items of the operation since start")
              .tag("operation", op)
              .register(registry);
          return rate;
        });
  }
}
