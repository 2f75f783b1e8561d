package dev.userbatch.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 6: the hashing queue is bounded and honours the chunk deadline. A counting hash
 * function stands in for Argon2id, so the tests see how many hashes ran.
 */
class PasswordHashingTest {
  private Vertx vertx;
  private final AtomicInteger hashes = new AtomicInteger();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static <T> Throwable failureOf(Future<T> future) throws Exception {
    return future
        .map(ok -> (Throwable) null)
        .recover(Future::succeededFuture)
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private static List<String> passwords(int count) {
    return Collections.nCopies(count, "a-plaintext-password");
  }

  /** Polls until no password is queued or being hashed. */
  private static void awaitIdle(PasswordHashing hashing) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    while (hashing.queued() > 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertThat(hashing.queued()).as("passwords still queued").isZero();
  }

  @Test
  void aChunkPastItsDeadlineHashesNothing() throws Exception {
    PasswordHashing hashing =
        new PasswordHashing(vertx, password -> "h" + hashes.incrementAndGet(), 100);
    Throwable failure =
        failureOf(hashing.hashAll(passwords(20), new Deadline(System.currentTimeMillis() - 1)));
    assertThat(failure).isInstanceOf(Deadline.Exceeded.class);
    awaitIdle(hashing);
    assertThat(hashes.get()).isZero();
  }

  @Test
  void hashingStopsWhenTheDeadlinePassesMidway() throws Exception {
    PasswordHashing hashing =
        new PasswordHashing(
            vertx,
            password -> {
              try {
                Thread.sleep(20);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return "h" + hashes.incrementAndGet();
            },
            1_000);
    Throwable failure = failureOf(hashing.hashAll(passwords(400), Deadline.in(200)));
    assertThat(failure).isInstanceOf(Deadline.Exceeded.class);
    awaitIdle(hashing);
    // at 20 ms a hash and one thread per core, 200 ms allow about 10 per core: far fewer than 400
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(hashes.get())
        .as("hashes run for a chunk with a 200 ms deadline")
        .isGreaterThan(0)
        .isLessThanOrEqualTo(cores * 20);
  }

  @Test
  void aFullQueueRefusesAtOnceAndAdmitsAgainWhenDrained() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    PasswordHashing hashing =
        new PasswordHashing(
            vertx,
            password -> {
              try {
                release.await(20, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return "h" + hashes.incrementAndGet();
            },
            10);
    Future<List<String>> first = hashing.hashAll(passwords(10), Deadline.in(30_000));
    long started = System.nanoTime();
    Throwable refused = failureOf(hashing.hashAll(passwords(1), Deadline.in(30_000)));
    assertThat(refused).isInstanceOf(PasswordHashing.QueueFull.class);
    assertThat(System.nanoTime() - started)
        .as("refused without waiting")
        .isLessThan(TimeUnit.SECONDS.toNanos(1));
    release.countDown();
    assertThat(first.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
        .hasSize(10);
    awaitIdle(hashing);
    assertThat(
            hashing
                .hashAll(passwords(1), Deadline.in(30_000))
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS))
        .hasSize(1);
    assertThat(hashes.get()).isEqualTo(11);
  }
}
