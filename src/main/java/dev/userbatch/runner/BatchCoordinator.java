package dev.userbatch.runner;

import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.BatchOutcome;
import dev.userbatch.batch.ChunkHeaders;
import dev.userbatch.batch.ChunkItem;
import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.ItemFailure;
import dev.userbatch.batch.NodeEvents;
import dev.userbatch.batch.Operation;
import dev.userbatch.batch.PreparedBatch;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.cache.UserCache;
import dev.userbatch.config.ChunkDeliveryConfig;
import dev.userbatch.user.User;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a prepared batch to the workers chunk by chunk, keeps at most {@code maxConcurrency} chunks
 * in flight, and gathers the replies in input order. Runs on the caller's event loop: all state
 * below is touched from that one thread.
 *
 * <p>Chunks are delivered at least once: a chunk whose reply timed out (its worker was slow, or its
 * node died) or that found no worker is sent again under the same chunk key (batch id, chunk
 * number), within {@link ChunkDeliveryConfig}. A key that already committed is answered with its
 * recorded result, so effects stay exactly-once.
 */
public final class BatchCoordinator {
  private static final Logger LOG = LoggerFactory.getLogger(BatchCoordinator.class);

  /** Counts the resends of chunks, by operation and reason. */
  public interface RedeliveryCounter {
    void redelivered(String operation, String reason);
  }

  private final Vertx vertx;
  private final long chunkTimeoutMs;
  private final ChunkDeliveryConfig deliveries;
  private final RedeliveryCounter redeliveries;
  private final CachedLookup cachedLookup;

  /** Every chunk is sent once. */
  public BatchCoordinator(Vertx vertx, long chunkTimeoutMs) {
    this(vertx, chunkTimeoutMs, new ChunkDeliveryConfig(1, 0), (operation, reason) -> {}, null);
  }

  /**
   * With {@code cache}, a lookup of one chunk is first tried on this event loop ({@link
   * CachedLookup}); null: every chunk goes to a worker.
   */
  public BatchCoordinator(
      Vertx vertx,
      long chunkTimeoutMs,
      ChunkDeliveryConfig deliveries,
      RedeliveryCounter redeliveries,
      UserCache cache) {
    this.vertx = vertx;
    this.chunkTimeoutMs = chunkTimeoutMs;
    this.deliveries = deliveries;
    this.redeliveries = redeliveries;
    this.cachedLookup = cache == null ? null : new CachedLookup(cache);
    if (deliveries.maxDeliveries() > 1) {
      vertx
          .eventBus()
          .localConsumer(NodeEvents.MEMBER_LEFT, message -> active.forEach(Dispatch::memberLeft));
    }
  }

  /** The batches in flight, told when a cluster member leaves. */
  private final Set<Dispatch<?>> active = ConcurrentHashMap.newKeySet();

  public <T extends ChunkItem> Future<BatchOutcome> execute(
      Operation operation,
      UUID batchId,
      PreparedBatch<T> batch,
      BatchOptions options,
      Map<String, String> headers) {
    List<ItemFailure> failures = new ArrayList<>(batch.failures());
    List<PreparedItem<T>> dispatchable = batch.items();
    boolean stoppedEarly = false;
    int chunkSize = options.chunkSize();
    if (options.atomic()) {
      // One transaction for the whole batch: one chunk, and nothing at all if an item is invalid.
      chunkSize = Math.max(1, dispatchable.size());
      if (!failures.isEmpty()) {
        dispatchable.forEach(
            item ->
                failures.add(
                    ItemFailure.of(item.index(), ErrorCode.NOT_PROCESSED, ATOMIC_NOT_WRITTEN)));
        stoppedEarly = !dispatchable.isEmpty();
        dispatchable = List.of();
      }
    } else if (!options.continueOnError() && !failures.isEmpty()) {
      // Stop at the first invalid item: what comes after it is never attempted.
      int firstFailure = failures.stream().mapToInt(ItemFailure::index).min().getAsInt();
      List<PreparedItem<T>> before = new ArrayList<>();
      for (PreparedItem<T> item : dispatchable) {
        if (item.index() < firstFailure) {
          before.add(item);
        } else {
          failures.add(notProcessed(item.index()));
        }
      }
      stoppedEarly = before.size() < dispatchable.size();
      dispatchable = before;
    }
    List<List<PreparedItem<T>>> chunks = Chunker.split(dispatchable, chunkSize);
    int concurrency = batch.orderedChunks() ? 1 : options.maxConcurrency();
    Dispatch<T> dispatch =
        new Dispatch<>(
            operation, batchId, chunks, options, concurrency, headers, failures, stoppedEarly);
    return dispatch.start().map(ignored -> dispatch.outcome(batch));
  }

  /** The reason given for the items of an atomic batch that was not written. */
  public static final String ATOMIC_NOT_WRITTEN =
      "Not written: the batch is atomic and other items failed, so nothing was written";

  private static ItemFailure notProcessed(int index) {
    return ItemFailure.of(
        index,
        ErrorCode.NOT_PROCESSED,
        "Not processed: the batch stopped at an earlier failure (continueOnError is false)");
  }

  /** The state of one batch in flight. */
  private final class Dispatch<T extends ChunkItem> {
    private final Operation operation;
    private final UUID batchId;
    private final List<List<PreparedItem<T>>> chunks;
    private final BatchOptions options;
    private final int concurrency;
    private final ChunkSends<T> sends;
    private final Context context;
    private final List<ItemFailure> failures;
    private final ChunkResult[] results;
    private final Promise<Void> done = Promise.promise();
    private int next;
    private int inFlight;
    private boolean stopped;
    private boolean stoppedEarly;

    Dispatch(
        Operation operation,
        UUID batchId,
        List<List<PreparedItem<T>>> chunks,
        BatchOptions options,
        int concurrency,
        Map<String, String> headers,
        List<ItemFailure> failures,
        boolean stoppedEarly) {
      this.operation = operation;
      this.batchId = batchId;
      this.chunks = chunks;
      this.options = options;
      this.concurrency = concurrency;
      this.failures = failures;
      this.stoppedEarly = stoppedEarly;
      this.results = new ChunkResult[chunks.size()];
      DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(chunkTimeoutMs);
      headers.forEach(delivery::addHeader);
      this.sends =
          new ChunkSends<>(
              vertx,
              operation,
              delivery,
              deliveries,
              redeliveries,
              headers.get(ChunkHeaders.CORRELATION_ID),
              chunkTimeoutMs,
              this::settle);
      this.context = vertx.getOrCreateContext();
    }

    Future<Void> start() {
      active.add(this);
      pump();
      return done.future().onComplete(ignored -> active.remove(this));
    }

    /** Called from any thread: the batch's state is touched on its own event loop only. */
    void memberLeft() {
      context.runOnContext(v -> sends.memberLeft());
    }

    private void pump() {
      while (!stopped && inFlight < concurrency && next < chunks.size()) {
        send(next++);
      }
      if (inFlight == 0 && (stopped || next == chunks.size())) {
        for (int skipped = next; skipped < chunks.size(); skipped++) {
          chunks.get(skipped).forEach(item -> failures.add(notProcessed(item.index())));
          stoppedEarly = true;
        }
        next = chunks.size();
        done.tryComplete();
      }
    }

    private void send(int chunkNumber) {
      inFlight++;
      ChunkRequest<T> request =
          new ChunkRequest<>(
              operation,
              batchId,
              chunkNumber,
              options,
              ChunkRequest.timeBudgetFor(chunkTimeoutMs),
              chunks.get(chunkNumber));
      if (cachedLookup == null || chunks.size() != 1) {
        sends.send(chunkNumber, request);
        return;
      }
      // A cache that cannot be read here is no answer: the worker reads it (and PostgreSQL) again.
      cachedLookup
          .answer(operation, request.items())
          .otherwise((ChunkResult) null)
          .onComplete(
              answered -> {
                if (answered.result() != null) {
                  settle(chunkNumber, answered.result());
                } else {
                  sends.send(chunkNumber, request);
                }
              });
    }

    private void settle(int chunkNumber, ChunkResult result) {
      inFlight--;
      results[chunkNumber] = result;
      if (!options.continueOnError() && !result.failures().isEmpty()) {
        stopped = true;
      }
      pump();
    }

    BatchOutcome outcome(PreparedBatch<T> batch) {
      List<User> data = new ArrayList<>();
      List<UUID> missing = new ArrayList<>();
      List<ItemFailure> skipped = new ArrayList<>(batch.skipped());
      List<Integer> processedChunkSizes = new ArrayList<>();
      for (int i = 0; i < results.length; i++) {
        ChunkResult result = results[i];
        if (result != null) {
          processedChunkSizes.add(chunks.get(i).size());
          data.addAll(result.data());
          missing.addAll(result.missing());
          failures.addAll(result.failures());
          skipped.addAll(result.skipped());
        }
      }
      return new BatchOutcome(
          operation,
          options,
          batch.total(),
          data,
          withItems(failures, batch),
          withItems(skipped, batch),
          batch.duplicates(),
          missing,
          chunks.size(),
          List.copyOf(processedChunkSizes),
          stoppedEarly);
    }

    /** Fills in the caller's (redacted) items and orders by index. */
    private List<ItemFailure> withItems(List<ItemFailure> entries, PreparedBatch<T> batch) {
      List<ItemFailure> reported = new ArrayList<>(entries.size());
      for (ItemFailure entry : entries) {
        reported.add(entry.withItem(batch.redactedItem().apply(entry.index())));
      }
      reported.sort(Comparator.comparingInt(ItemFailure::index));
      return List.copyOf(reported);
    }
  }
}
