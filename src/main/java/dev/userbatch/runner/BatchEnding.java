package dev.userbatch.runner;

import dev.userbatch.audit.AuditContext;
import dev.userbatch.batch.BatchOutcome;
import dev.userbatch.batch.BatchResponse;
import dev.userbatch.batch.Operation;
import dev.userbatch.batch.RequestException;
import dev.userbatch.metrics.BatchMetrics;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a batch ends, once per request: the metrics and the one INFO line ("batch finished" with its
 * counts, status and duration, or "batch rejected" with its code).
 */
final class BatchEnding {
  private static final Logger LOG =
      LoggerFactory.getLogger(BatchRunner.class); // the runner's lines, under its name

  private BatchEnding() {}

  static BatchResponse finished(
      BatchMetrics metrics, AuditContext context, BatchOutcome outcome, long started) {
    Duration duration = Duration.ofNanos(System.nanoTime() - started);
    metrics.batchCompleted(outcome, duration);
    BatchResponse response = BatchResponse.of(outcome);
    LOG.atInfo()
        .addKeyValue("correlationId", context.correlationId())
        .addKeyValue("operation", outcome.operation().wireName())
        .addKeyValue("total", outcome.total())
        .addKeyValue("successful", outcome.successful())
        .addKeyValue("failed", outcome.failures().size())
        .addKeyValue("chunks", outcome.chunks())
        .addKeyValue("stoppedEarly", outcome.stoppedEarly())
        .addKeyValue("options", outcome.options().toJson().encode())
        .addKeyValue("status", response.status())
        .addKeyValue("durationMs", duration.toMillis())
        .log("batch finished");
    return response;
  }

  static void rejected(
      BatchMetrics metrics, Operation operation, AuditContext context, RequestException rejected) {
    metrics.batchRejected(operation.wireName());
    LOG.atInfo()
        .addKeyValue("correlationId", context.correlationId())
        .addKeyValue("operation", operation.wireName())
        .addKeyValue("status", rejected.status())
        .addKeyValue("code", rejected.code())
        .log("batch rejected");
  }
}
