package dev.userbatch.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.BatchOutcome;
import dev.userbatch.batch.BatchResponse;
import dev.userbatch.batch.ChunkFailure;
import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.DuplicateItem;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.ItemFailure;
import dev.userbatch.batch.JsonRecordCodec;
import dev.userbatch.batch.Operation;
import dev.userbatch.batch.PreparedBatch;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.batch.UserId;
import dev.userbatch.config.ChunkDeliveryConfig;
import dev.userbatch.user.User;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The coordinator on a real in-JVM event bus whose worker address is served by test consumers (no
 * database, no Redis, no HTTP): the concurrency window, stop-early, atomic batches, chunks that
 * time out or fail as a whole, ordered chunks, and the aggregation of the replies.
 */
class BatchCoordinatorTest {
  private static final Operation OP = Operation.LOOKUP;
  private static final Instant T = Instant.parse("2026-01-02T03:04:05Z");

  /** One Vert.x for the class: starting and closing one per test would cost more than the tests. */
  private static Vertx vertx;

  private MessageConsumer<ChunkRequest<?>> consumer;

  /** The chunks the fake worker received, in arrival order. */
  private final List<ChunkRequest<?>> received = new CopyOnWriteArrayList<>();

  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    JsonRecordCodec.registerChunkCodecs(vertx.eventBus());
  }

  @AfterAll
  static void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void unregisterWorker() throws Exception {
    if (consumer != null) {
      consumer.unregister().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
  }

  static UUID idOf(int index) {
    return new UUID(0x0000_0000_0000_7000L, 0x8000_0000_0000_0000L | index);
  }

  static User userOf(UUID id) {
    return new User(id, "u" + id.getLeastSignificantBits() + "@x.io", "U", 1, T, T, null, null);
  }

  static BatchOptions options(
      int chunkSize, int maxConcurrency, boolean continueOnError, boolean atomic) {
    return new BatchOptions(
        chunkSize, maxConcurrency, continueOnError, atomic, false, BatchOptions.OnConflict.FAIL);
  }

  /** {@code size} items (indexes 0..size-1) minus those that already failed validation. */
  static PreparedBatch<UserId> batch(int size, List<ItemFailure> invalid, boolean ordered) {
    Set<Integer> failed = invalid.stream().map(ItemFailure::index).collect(Collectors.toSet());
    List<PreparedItem<UserId>> items =
        IntStream.range(0, size)
            .filter(i -> !failed.contains(i))
            .mapToObj(i -> new PreparedItem<>(i, new UserId(idOf(i))))
            .toList();
    return new PreparedBatch<>(
        items, invalid, List.of(), List.of(), size, i -> "item-" + i, ordered);
  }

  static PreparedBatch<UserId> batch(int size) {
    return batch(size, List.of(), false);
  }

  /** The fake worker's answer: every item found, except the indexes in {@code failing}. */
  static ChunkResult answer(ChunkRequest<?> chunk, Set<Integer> failing) {
    List<User> data = new ArrayList<>();
    List<ItemFailure> failures = new ArrayList<>();
    for (PreparedItem<?> item : chunk.items()) {
      if (failing.contains(item.index())) {
        failures.add(
            ItemFailure.of(item.index(), ErrorCode.VALIDATION_ERROR, "bad " + item.index()));
      } else {
        data.add(userOf(((UserId) item.value()).id()));
      }
    }
    return new ChunkResult(data, failures, List.of());
  }

  /**
   * A worker on the operation's address that counts the chunks in flight and lets {@code behaviour}
   * answer.
   */
  private void worker(BiConsumer<ChunkRequest<?>, Message<ChunkRequest<?>>> behaviour) {
    consumer =
        vertx
            .eventBus()
            .consumer(
                OP.workerAddress(),
                message -> {
                  received.add(message.body());
                  maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                  behaviour.accept(message.body(), message);
                });
  }

  /** Answers after a random 2-12 ms, so that chunks finish out of order. */
  private void slowWorker(Set<Integer> failing) {
    worker(
        (chunk, message) ->
            vertx.setTimer(
                ThreadLocalRandom.current().nextInt(2, 13),
                t -> {
                  inFlight.decrementAndGet();
                  message.reply(answer(chunk, failing));
                }));
  }

  /** Runs the coordinator on an event loop, as the service does. */
  private BatchOutcome run(long chunkTimeoutMs, PreparedBatch<UserId> batch, BatchOptions options)
      throws Exception {
    return run(new BatchCoordinator(vertx, chunkTimeoutMs), batch, options);
  }

  private BatchOutcome run(
      BatchCoordinator coordinator, PreparedBatch<UserId> batch, BatchOptions options)
      throws Exception {
    Promise<BatchOutcome> outcome = Promise.promise();
    vertx
        .getOrCreateContext()
        .runOnContext(
            v ->
                coordinator
                    .execute(OP, UUID.randomUUID(), batch, options, Map.of())
                    .onComplete(outcome));
    return outcome.future().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /** The resends the coordinator counted, as "operation:reason". */
  private final List<String> redelivered = new CopyOnWriteArrayList<>();

  private BatchCoordinator redelivering(long chunkTimeoutMs, int maxDeliveries, long backoffMs) {
    return new BatchCoordinator(
        vertx,
        chunkTimeoutMs,
        new ChunkDeliveryConfig(maxDeliveries, backoffMs),
        (operation, reason) -> redelivered.add(operation + ":" + reason),
        null);
  }

  private BatchOutcome run(PreparedBatch<UserId> batch, BatchOptions options) throws Exception {
    return run(5_000, batch, options);
  }

  private static List<Integer> indexes(List<ItemFailure> failures, ErrorCode code) {
    return failures.stream().filter(f -> f.code() == code).map(ItemFailure::index).toList();
  }

  private static List<UUID> ids(int fromInclusive, int toExclusive) {
    return IntStream.range(fromInclusive, toExclusive)
        .mapToObj(BatchCoordinatorTest::idOf)
        .toList();
  }

  @ParameterizedTest(name = "maxConcurrency {0}")
  @ValueSource(ints = {1, 3, 7})
  void neverMoreThanMaxConcurrencyChunksInFlight(int maxConcurrency) throws Exception {
    slowWorker(Set.of());
    BatchOutcome outcome = run(batch(40), options(2, maxConcurrency, true, false));
    assertThat(maxInFlight.get()).isEqualTo(maxConcurrency);
    assertThat(received).hasSize(20);
    assertThat(outcome.chunks()).isEqualTo(20);
    assertThat(outcome.processedChunkSizes()).hasSize(20).containsOnly(2);
    assertThat(outcome.failures()).isEmpty();
    assertThat(outcome.stoppedEarly()).isFalse();
  }

  @Test
  void repliesThatArriveOutOfOrderAreGatheredInInputOrder() throws Exception {
    slowWorker(Set.of(4, 11, 12));
    BatchOutcome outcome = run(batch(25), options(3, 5, true, false));
    assertThat(outcome.data())
        .extracting(User::id)
        .containsExactlyElementsOf(
            IntStream.range(0, 25)
                .filter(i -> i != 4 && i != 11 && i != 12)
                .mapToObj(BatchCoordinatorTest::idOf)
                .toList());
    assertThat(outcome.failures()).extracting(ItemFailure::index).containsExactly(4, 11, 12);
    assertThat(outcome.failures())
        .extracting(ItemFailure::item)
        .containsExactly("item-4", "item-11", "item-12");
    assertThat(outcome.total()).isEqualTo(25);
    assertThat(outcome.successful()).isEqualTo(22);
    assertThat(outcome.chunks()).isEqualTo(9);
    assertThat(outcome.processedChunkSizes()).containsExactly(3, 3, 3, 3, 3, 3, 3, 3, 1);
  }

  @Test
  void withoutContinueOnErrorTheChunksAfterTheFirstFailingOneAreNotProcessed() throws Exception {
    slowWorker(Set.of(3));
    BatchOutcome outcome = run(batch(10), options(2, 1, false, false));
    assertThat(received).extracting(ChunkRequest::chunkNumber).containsExactly(0, 1);
    assertThat(outcome.data()).extracting(User::id).containsExactlyElementsOf(ids(0, 3));
    assertThat(indexes(outcome.failures(), ErrorCode.VALIDATION_ERROR)).containsExactly(3);
    assertThat(indexes(outcome.failures(), ErrorCode.NOT_PROCESSED))
        .containsExactly(4, 5, 6, 7, 8, 9);
    assertThat(outcome.failures()).extracting(ItemFailure::index).isSorted();
    assertThat(outcome.stoppedEarly()).isTrue();
    assertThat(outcome.processedChunkSizes()).containsExactly(2, 2);
    assertThat(outcome.chunks()).isEqualTo(5);
  }

  @Test
  void withoutContinueOnErrorChunksAlreadyInFlightStillCount() throws Exception {
    // Chunk 1 fails while chunks 0 and 2 are in flight: their answers are kept, chunks 3 and 4 are
    // not sent.
    worker(
        (chunk, message) ->
            vertx.setTimer(
                chunk.chunkNumber() == 1 ? 1 : 30,
                t -> {
                  inFlight.decrementAndGet();
                  message.reply(answer(chunk, Set.of(2)));
                }));
    BatchOutcome outcome = run(batch(10), options(2, 3, false, false));
    assertThat(received).extracting(ChunkRequest::chunkNumber).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(outcome.data())
        .extracting(User::id)
        .containsExactly(idOf(0), idOf(1), idOf(3), idOf(4), idOf(5));
    assertThat(indexes(outcome.failures(), ErrorCode.NOT_PROCESSED)).containsExactly(6, 7, 8, 9);
    assertThat(outcome.stoppedEarly()).isTrue();
  }

  @Test
  void withContinueOnErrorEveryChunkIsProcessed() throws Exception {
    slowWorker(Set.of(3));
    BatchOutcome outcome = run(batch(10), options(2, 1, true, false));
    assertThat(received).hasSize(5);
    assertThat(outcome.failures()).extracting(ItemFailure::index).containsExactly(3);
    assertThat(outcome.successful()).isEqualTo(9);
    assertThat(outcome.stoppedEarly()).isFalse();
  }

  @Test
  void withoutContinueOnErrorNothingAfterTheFirstInvalidItemIsSent() throws Exception {
    slowWorker(Set.of());
    List<ItemFailure> invalid =
        List.of(
            ItemFailure.of(7, ErrorCode.VALIDATION_ERROR, "bad"),
            ItemFailure.of(4, ErrorCode.VALIDATION_ERROR, "bad"));
    BatchOutcome outcome = run(batch(10, invalid, false), options(2, 2, false, false));
    assertThat(received)
        .flatExtracting(ChunkRequest::items)
        .extracting(PreparedItem::index)
        .containsExactlyInAnyOrder(0, 1, 2, 3);
    assertThat(indexes(outcome.failures(), ErrorCode.VALIDATION_ERROR)).containsExactly(4, 7);
    assertThat(indexes(outcome.failures(), ErrorCode.NOT_PROCESSED)).containsExactly(5, 6, 8, 9);
    assertThat(outcome.stoppedEarly()).isTrue();
  }

  @Test
  void anAtomicBatchIsOneChunkWhateverTheChunkSize() throws Exception {
    slowWorker(Set.of());
    BatchOutcome outcome = run(batch(7), options(2, 5, true, true));
    assertThat(received).hasSize(1);
    assertThat(received.get(0).items()).hasSize(7);
    assertThat(outcome.chunks()).isEqualTo(1);
    assertThat(outcome.successful()).isEqualTo(7);
  }

  @Test
  void anAtomicBatchWithAnInvalidItemSendsNothing() throws Exception {
    slowWorker(Set.of());
    BatchOutcome outcome =
        run(
            batch(5, List.of(ItemFailure.of(2, ErrorCode.VALIDATION_ERROR, "bad")), false),
            options(2, 5, true, true));
    assertThat(received).isEmpty();
    assertThat(outcome.chunks()).isZero();
    assertThat(outcome.data()).isEmpty();
    assertThat(indexes(outcome.failures(), ErrorCode.VALIDATION_ERROR)).containsExactly(2);
    assertThat(indexes(outcome.failures(), ErrorCode.NOT_PROCESSED)).containsExactly(0, 1, 3, 4);
    assertThat(outcome.failures())
        .filteredOn(f -> f.code() == ErrorCode.NOT_PROCESSED)
        .extracting(ItemFailure::error)
        .containsOnly(BatchCoordinator.ATOMIC_NOT_WRITTEN);
    assertThat(outcome.stoppedEarly()).isTrue();
  }

  @Test
  void aChunkThatDoesNotAnswerInTimeTimesOutItsItemsOnly() throws Exception {
    worker(
        (chunk, message) -> {
          if (chunk.chunkNumber() != 1) {
            inFlight.decrementAndGet();
            message.reply(answer(chunk, Set.of()));
          }
        });
    long started = System.nanoTime();
    BatchOutcome outcome = run(150, batch(6), options(2, 3, true, false));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isBetween(150L, 2_000L);
    assertThat(indexes(outcome.failures(), ErrorCode.TIMEOUT)).containsExactly(2, 3);
    assertThat(outcome.failures())
        .extracting(ItemFailure::error)
        .containsOnly("Processing timeout: the chunk did not complete within 150 ms");
    assertThat(outcome.data())
        .extracting(User::id)
        .containsExactly(idOf(0), idOf(1), idOf(4), idOf(5));
  }

  @Test
  void aChunkWhoseReplyTimesOutIsSentAgainUnderItsKeyAndCounted() throws Exception {
    worker(
        (chunk, message) -> {
          inFlight.decrementAndGet();
          if (chunk.chunkNumber() != 1 || chunk.delivery() > 1) {
            message.reply(answer(chunk, Set.of()));
          } // the first delivery of chunk 1 is lost, as on a node that died
        });
    BatchOutcome outcome = run(redelivering(200, 3, 10), batch(6), options(2, 3, true, false));
    assertThat(outcome.failures()).isEmpty();
    assertThat(outcome.data()).extracting(User::id).containsExactlyElementsOf(ids(0, 6));
    List<ChunkRequest<?>> chunkOne = received.stream().filter(c -> c.chunkNumber() == 1).toList();
    assertThat(chunkOne).extracting(ChunkRequest::delivery).containsExactly(1, 2);
    assertThat(chunkOne.get(1).key()).isEqualTo(chunkOne.get(0).key());
    assertThat(chunkOne.get(1).items()).isEqualTo(chunkOne.get(0).items());
    assertThat(received.stream().filter(c -> c.chunkNumber() != 1))
        .extracting(ChunkRequest::delivery)
        .containsOnly(1);
    assertThat(redelivered).containsExactly("lookup:timeout");
  }

  @Test
  void deliveriesAreBoundedThenTheChunkTimesOut() throws Exception {
    worker((chunk, message) -> inFlight.decrementAndGet()); // never answers
    BatchOutcome outcome = run(redelivering(100, 3, 20), batch(2), options(2, 1, true, false));
    assertThat(received).extracting(ChunkRequest::delivery).containsExactly(1, 2, 3);
    assertThat(indexes(outcome.failures(), ErrorCode.TIMEOUT)).containsExactly(0, 1);
    assertThat(redelivered).containsExactly("lookup:timeout", "lookup:timeout");
  }

  @Test
  void aChunkThatFoundNoWorkerIsSentAgainAfterABackOff() throws Exception {
    vertx.setTimer(150, t -> slowWorker(Set.of()));
    BatchOutcome outcome = run(redelivering(2_000, 4, 100), batch(2), options(2, 1, true, false));
    assertThat(outcome.failures()).isEmpty();
    assertThat(received).singleElement().satisfies(c -> assertThat(c.delivery()).isGreaterThan(1));
    assertThat(redelivered).hasSizeBetween(1, 3).containsOnly("lookup:no_handlers");
  }

  @Test
  void aWorkersAnswerIsNeverSentAgain() throws Exception {
    worker(
        (chunk, message) -> {
          inFlight.decrementAndGet();
          message.reply(new ChunkFailure(ErrorCode.DATABASE_UNAVAILABLE, "Database unavailable"));
        });
    BatchOutcome outcome = run(redelivering(2_000, 3, 10), batch(2), options(2, 1, true, false));
    assertThat(received).hasSize(1);
    assertThat(indexes(outcome.failures(), ErrorCode.DATABASE_UNAVAILABLE)).containsExactly(0, 1);
    assertThat(redelivered).isEmpty();
  }

  @Test
  void theWorkerIsGivenLessTimeThanTheCoordinatorWaits() throws Exception {
    slowWorker(Set.of());
    run(10_000, batch(1), options(1, 1, true, false));
    run(300, batch(1), options(1, 1, true, false));
    assertThat(received).extracting(ChunkRequest::timeBudgetMs).containsExactly(9_000L, 100L);
  }

  @Test
  void aChunkThatFailsAsAWholeFailsEachOfItsItemsWithTheWorkersCode() throws Exception {
    worker(
        (chunk, message) -> {
          inFlight.decrementAndGet();
          if (chunk.chunkNumber() == 0) {
            message.reply(
                new ChunkFailure(ErrorCode.DATABASE_UNAVAILABLE, "Database unavailable: gone"));
          } else {
            message.fail(1, "worker threw");
          }
        });
    BatchOutcome outcome = run(batch(4), options(2, 2, true, false));
    assertThat(indexes(outcome.failures(), ErrorCode.DATABASE_UNAVAILABLE)).containsExactly(0, 1);
    assertThat(indexes(outcome.failures(), ErrorCode.INTERNAL)).containsExactly(2, 3);
    assertThat(outcome.failures())
        .extracting(ItemFailure::error)
        .containsExactly(
            "Database unavailable: gone",
            "Database unavailable: gone",
            "worker threw",
            "worker threw");
  }

  @Test
  void withNoWorkerEveryItemIsAnInternalError() throws Exception {
    BatchOutcome outcome = run(batch(3), options(2, 2, true, false));
    assertThat(indexes(outcome.failures(), ErrorCode.INTERNAL)).containsExactly(0, 1, 2);
    assertThat(outcome.failures().get(0).error())
        .isEqualTo("Internal error: no worker is available for lookup");
  }

  @Test
  void orderedChunksRunOneAfterAnotherInOrder() throws Exception {
    slowWorker(Set.of());
    BatchOutcome outcome = run(batch(12, List.of(), true), options(2, 5, true, false));
    assertThat(maxInFlight.get()).isEqualTo(1);
    assertThat(received).extracting(ChunkRequest::chunkNumber).containsExactly(0, 1, 2, 3, 4, 5);
    assertThat(outcome.successful()).isEqualTo(12);
  }

  @Test
  void everyItemIsCountedOnceAndTheResponseStatsAgree() throws Exception {
    slowWorker(Set.of(1, 17));
    List<ItemFailure> invalid = List.of(ItemFailure.of(9, ErrorCode.VALIDATION_ERROR, "bad"));
    PreparedBatch<UserId> prepared =
        new PreparedBatch<>(
            batch(20, invalid, false).items(),
            invalid,
            List.of(),
            List.of(new DuplicateItem(20, "item-20", 3)),
            21,
            i -> "item-" + i,
            false);
    BatchOutcome outcome = run(prepared, options(4, 3, true, false));
    assertThat(outcome.total()).isEqualTo(20);
    assertThat(outcome.successful() + outcome.failures().size()).isEqualTo(outcome.total());
    assertThat(outcome.failures()).extracting(ItemFailure::index).containsExactly(1, 9, 17);
    assertThat(BatchResponse.of(outcome).body().getJsonObject("stats").getMap())
        .isEqualTo(
            Map.of(
                "requested",
                20,
                "found",
                17,
                "missing",
                0,
                "failed",
                3,
                "duplicates",
                1,
                "chunks",
                5));
  }
}
