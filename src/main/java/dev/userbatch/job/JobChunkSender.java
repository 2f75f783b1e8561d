package dev.userbatch.job;

import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.ChunkFailure;
import dev.userbatch.batch.ChunkHeaders;
import dev.userbatch.batch.ChunkItem;
import dev.userbatch.batch.ChunkKey;
import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.Operation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.UUID;

/**
 * Sends one staged chunk of a job to the chunk workers over the event bus, as the batch coordinator
 * sends a synchronous batch's chunks (so a clustered service spreads them over its worker nodes):
 * under the chunk key (job id, chunk index), so that a chunk sent again (a retry, or a run resumed
 * after the node that ran it died) answers the outcome of the delivery that committed instead of
 * being applied twice. A send that may follow an earlier one goes with a delivery number of 2 or
 * more, so that the worker looks for that outcome before any work (before hashing passwords).
 */
final class JobChunkSender {
  private final Vertx vertx;
  private final long chunkTimeoutMs;

  JobChunkSender(Vertx vertx, long chunkTimeoutMs) {
    this.vertx = vertx;
    this.chunkTimeoutMs = chunkTimeoutMs;
  }

  /** The same for every sending of a chunk, on every node: the job and the chunk's number. */
  static ChunkKey chunkKey(UUID jobId, int chunk) {
    return new ChunkKey(jobId, chunk);
  }

  /** {@code delivery}: 1 for the first send of the chunk ever, more when one may have happened. */
  Future<ChunkResult> send(
      Operation operation, UUID jobId, ChunkBody chunk, BatchOptions options, int delivery) {
    return send(operation, operation.payload().type(), jobId, chunk, options, delivery);
  }

  private <T extends ChunkItem> Future<ChunkResult> send(
      Operation operation,
      Class<T> type,
      UUID jobId,
      ChunkBody chunk,
      BatchOptions options,
      int deliveryNumber) {
    ChunkRequest<T> request =
        new ChunkRequest<>(
            operation,
            chunkKey(jobId, chunk.chunk()),
            deliveryNumber,
            options,
            ChunkRequest.timeBudgetFor(chunkTimeoutMs),
            chunk.prepared(type));
    DeliveryOptions delivery =
        new DeliveryOptions()
            .setSendTimeout(chunkTimeoutMs)
            .addHeader(ChunkHeaders.CORRELATION_ID, "job-" + jobId);
    return vertx
        .eventBus()
        .<ChunkResult>request(operation.workerAddress(), request, delivery)
        .map(reply -> reply.body());
  }

  /** The code of a chunk that failed as a whole. */
  static ErrorCode codeOf(Throwable err) {
    if (err instanceof ChunkFailure failure) {
      return failure.code();
    }
    return err instanceof ReplyException reply && reply.failureType() == ReplyFailure.TIMEOUT
        ? ErrorCode.TIMEOUT
        : ErrorCode.INTERNAL;
  }

  /** No worker answers the address at all (the node stops, or runs none): not the chunk's fault. */
  static boolean noWorkers(Throwable err) {
    return err instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS;
  }

  String messageOf(ErrorCode code, Throwable err) {
    return code == ErrorCode.TIMEOUT
        ? "Processing timeout: the chunk did not complete within " + chunkTimeoutMs + " ms"
        : err.getMessage();
  }
}
