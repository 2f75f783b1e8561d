package dev.userbatch.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.RequestException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The door counts bodies by their announced size: many small requests are let in together, a large
 * one waits until its bytes fit, and nobody overtakes it meanwhile.
 */
class AdmissionBudgetTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void smallBodiesAreNotHeldBackByTheWorstCase() throws Exception {
    Admission door = new Admission(vertx, 16, 1_000, 64, 5_000);
    for (int i = 0; i < 16; i++) {
      await(door.enter(10));
    }
    assertThat(door.inFlight()).isEqualTo(16);
    assertThat(door.bytesInFlight()).isEqualTo(160);
  }

  @Test
  void aBodyThatDoesNotFitWaitsAndNobodyOvertakesIt() throws Exception {
    Admission door = new Admission(vertx, 16, 1_000, 64, 5_000);
    Admission.Ticket first = await(door.enter(600));
    Future<Admission.Ticket> large = door.enter(600);
    Future<Admission.Ticket> small = door.enter(10);
    assertThat(door.waiting()).isEqualTo(2);
    assertThat(large.isComplete()).isFalse();
    assertThat(small.isComplete()).as("no overtaking of the waiting large body").isFalse();

    first.release();
    await(large);
    await(small);
    assertThat(door.bytesInFlight()).isEqualTo(610);
  }

  @Test
  void aBodyLargerThanTheBudgetRunsAloneInsteadOfNever() throws Exception {
    Admission door = new Admission(vertx, 16, 1_000, 64, 5_000);
    Admission.Ticket huge = await(door.enter(5_000));
    assertThat(door.bytesInFlight()).isEqualTo(1_000);
    Future<Admission.Ticket> next = door.enter(1);
    assertThat(next.isComplete()).isFalse();
    huge.release();
    await(next);
  }

  @Test
  void beyondTheQueueItIsRefusedAtOnce() throws Exception {
    Admission door = new Admission(vertx, 1, 1_000, 1, 5_000);
    await(door.enter(1));
    door.enter(1);
    Future<Admission.Ticket> refused = door.enter(1);
    assertThat(refused.failed()).isTrue();
    assertThat(refused.cause())
        .isInstanceOfSatisfying(
            RequestException.class,
            overloaded -> {
              assertThat(overloaded.status()).isEqualTo(503);
              assertThat(overloaded.code()).isEqualTo("OVERLOADED");
              assertThat(overloaded.headers()).containsEntry("Retry-After", "1");
            });
  }
}
