package dev.userbatch.runner;

import dev.userbatch.batch.ChunkFailure;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.ItemFailure;
import dev.userbatch.batch.Operation;
import io.vertx.core.eventbus.ReplyException;

/**
 * What the coordinator makes of a chunk delivery that got no result: whether it is worth sending
 * again, and, when it is not (or no send is left), the code and message every item of the chunk
 * fails with.
 */
final class DeliveryFailures {
  private DeliveryFailures() {}

  /**
   * Why a failed delivery is worth another one (the reply timed out: the worker was slow or its
   * node died; no worker was registered), or null: the worker answered, and a resend would get the
   * same answer.
   */
  static String resendReason(Throwable err) {
    if (err instanceof ChunkFailure || !(err instanceof ReplyException reply)) {
      return null;
    }
    return switch (reply.failureType()) {
      case TIMEOUT -> "timeout";
      case NO_HANDLERS -> "no_handlers";
      default -> null;
    };
  }

  /** The failure of item {@code index} of a chunk that failed as a whole with {@code err}. */
  static ItemFailure failure(int index, Throwable err, long chunkTimeoutMs, Operation operation) {
    if (err instanceof ChunkFailure failure) {
      // Workers already phrase their failures for the caller (see worker.SystemErrors).
      return ItemFailure.of(index, failure.code(), failure.getMessage());
    }
    if (err instanceof ReplyException reply) {
      switch (reply.failureType()) {
        case TIMEOUT -> {
          return ItemFailure.of(
              index,
              ErrorCode.TIMEOUT,
              "Processing timeout: the chunk did not complete within " + chunkTimeoutMs + " ms");
        }
        case NO_HANDLERS -> {
          return ItemFailure.of(
              index,
              ErrorCode.INTERNAL,
              "Internal error: no worker is available for " + operation.wireName());
        }
        default -> {}
      }
    }
    return ItemFailure.of(index, ErrorCode.INTERNAL, err.getMessage());
  }
}
