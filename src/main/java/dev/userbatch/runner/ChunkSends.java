package dev.userbatch.runner;

import dev.userbatch.batch.ChunkItem;
import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.ItemFailure;
import dev.userbatch.batch.Operation;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.config.ChunkDeliveryConfig;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deliveries of one batch's chunks, until each chunk has its result. A chunk whose delivery
 * timed out or found no worker is sent again (up to {@link ChunkDeliveryConfig#maxDeliveries()},
 * after the back-off); when a cluster member leaves, every chunk still in flight is sent again at
 * once, since any of them may have gone to that member (a chunk on a live node then runs twice; its
 * chunk key makes the second delivery answer the first one's recorded result). The first result of
 * a chunk settles it; later replies are ignored, and a failed delivery decides nothing while
 * another delivery of the same chunk is still out. Runs on the batch's event loop.
 */
final class ChunkSends<T extends ChunkItem> {
  private static final Logger LOG = LoggerFactory.getLogger(BatchCoordinator.class);

  private final Vertx vertx;
  private final Operation operation;
  private final DeliveryOptions delivery;
  private final ChunkDeliveryConfig deliveries;
  private final BatchCoordinator.RedeliveryCounter redeliveries;
  private final String correlationId;
  private final long chunkTimeoutMs;
  private final BiConsumer<Integer, ChunkResult> settle;

  /** The latest delivery of each chunk in flight, and how many of its deliveries are still out. */
  private final Map<Integer, ChunkRequest<T>> latest = new HashMap<>();

  private final Map<Integer, Integer> outstanding = new HashMap<>();

  ChunkSends(
      Vertx vertx,
      Operation operation,
      DeliveryOptions delivery,
      ChunkDeliveryConfig deliveries,
      BatchCoordinator.RedeliveryCounter redeliveries,
      String correlationId,
      long chunkTimeoutMs,
      BiConsumer<Integer, ChunkResult> settle) {
    this.vertx = vertx;
    this.operation = operation;
    this.delivery = delivery;
    this.deliveries = deliveries;
    this.redeliveries = redeliveries;
    this.correlationId = correlationId;
    this.chunkTimeoutMs = chunkTimeoutMs;
    this.settle = settle;
  }

  void send(int chunk, ChunkRequest<T> request) {
    latest.put(chunk, request);
    outstanding.put(chunk, 1);
    deliver(chunk, request);
  }

  /** A member left: the chunks in flight may have been on it. */
  void memberLeft() {
    for (int chunk : new ArrayList<>(latest.keySet())) {
      if (latest.get(chunk).delivery() < deliveries.maxDeliveries()) {
        resend(chunk, "member_left", 0);
      }
    }
  }

  private void deliver(int chunk, ChunkRequest<T> request) {
    vertx
        .eventBus()
        .<ChunkResult>request(operation.workerAddress(), request, delivery)
        .onComplete(
            reply -> {
              if (!latest.containsKey(chunk)) {
                return; // settled by another delivery
              }
              if (reply.succeeded()) {
                finish(chunk, reply.result().body());
                return;
              }
              if (outstanding.merge(chunk, -1, Integer::sum) > 0) {
                return; // another delivery of this chunk is still out
              }
              String reason = DeliveryFailures.resendReason(reply.cause());
              ChunkRequest<T> last = latest.get(chunk);
              if (reason == null || last.delivery() >= deliveries.maxDeliveries()) {
                finish(chunk, failWholeChunk(last, reply.cause()));
              } else {
                resend(chunk, reason, deliveries.backoffBefore(last.delivery() + 1));
              }
            });
  }

  private void resend(int chunk, String reason, long backoffMs) {
    ChunkRequest<T> next = latest.get(chunk).redelivery();
    latest.put(chunk, next);
    outstanding.merge(chunk, 1, Integer::sum);
    redeliveries.redelivered(operation.wireName(), reason);
    LOG.atWarn()
        .addKeyValue("correlationId", correlationId)
        .addKeyValue("operation", operation.wireName())
        .addKeyValue("chunk", next.chunkNumber())
        .addKeyValue("delivery", next.delivery())
        .addKeyValue("reason", reason)
        .addKeyValue("backoffMs", backoffMs)
        .log("chunk sent again");
    if (backoffMs == 0) {
      deliver(chunk, next);
    } else {
      vertx.setTimer(
          backoffMs,
          t -> {
            if (latest.get(chunk) == next) {
              deliver(chunk, next);
            }
          });
    }
  }

  private void finish(int chunk, ChunkResult result) {
    latest.remove(chunk);
    outstanding.remove(chunk);
    settle.accept(chunk, result);
  }

  private ChunkResult failWholeChunk(ChunkRequest<T> request, Throwable err) {
    ItemFailure failure = DeliveryFailures.failure(-1, err, chunkTimeoutMs, operation);
    LOG.atError()
        .addKeyValue("correlationId", correlationId)
        .addKeyValue("operation", operation.wireName())
        .addKeyValue("chunk", request.chunkNumber())
        .addKeyValue("delivery", request.delivery())
        .addKeyValue("items", request.items().size())
        .addKeyValue("code", failure.code().name())
        .addKeyValue("error", failure.error())
        .log("chunk failed as a whole");
    List<ItemFailure> chunkFailures = new ArrayList<>(request.items().size());
    for (PreparedItem<T> item : request.items()) {
      chunkFailures.add(ItemFailure.of(item.index(), failure.code(), failure.error()));
    }
    return new ChunkResult(List.of(), chunkFailures, List.of());
  }
}
