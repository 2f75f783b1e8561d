package dev.userbatch.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.BatchResponse;
import dev.userbatch.batch.RequestException;
import dev.userbatch.support.ApiTest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The claim of a running request outlives its lease: it is renewed while the request runs. */
class IdempotencyLeaseTest extends ApiTest {

  private static <T> Future<T> onContext(Vertx vertx, Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    vertx.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  @Test
  void aRequestRunningLongerThanItsLeaseIsNotRunTwice() {
    Vertx vertx = service.clientVertx;
    IdempotencyStore store =
        new IdempotencyStore(vertx, service.pg, "lease-test-hmac-key-0123456789abcdef", 3600, 1);
    String key = "lease-" + UUID.randomUUID();
    JsonObject envelope = new JsonObject().put("users", "whatever");
    AtomicInteger runs = new AtomicInteger();
    Supplier<Future<BatchResponse>> slowWork =
        () -> {
          runs.incrementAndGet();
          return vertx
              .timer(3000)
              .map(ignored -> new BatchResponse(200, new JsonObject().put("run", runs.get())));
        };

    Future<IdempotencyStore.Replayable> first =
        onContext(vertx, () -> store.execute("lease-test", key, "create", envelope, slowWork));
    // Well past the 1 s lease, while the first request still runs.
    Future<IdempotencyStore.Replayable> second =
        vertx
            .timer(2000)
            .compose(
                ignored ->
                    onContext(
                        vertx,
                        () -> store.execute("lease-test", key, "create", envelope, slowWork)));

    Throwable refused = sync(second.transform(ar -> Future.succeededFuture(ar.cause())));
    assertThat(refused)
        .as("a retry during the run is refused, not run again")
        .isInstanceOf(RequestException.class);
    assertThat(((RequestException) refused).status()).isEqualTo(409);
    IdempotencyStore.Replayable done = sync(first);
    assertThat(done.replayed()).isFalse();
    assertThat(runs.get()).isEqualTo(1);
    IdempotencyStore.Replayable replay =
        sync(
            onContext(vertx, () -> store.execute("lease-test", key, "create", envelope, slowWork)));
    assertThat(replay.replayed()).isTrue();
    assertThat(replay.response().body()).isEqualTo(done.response().body());
    assertThat(runs.get()).isEqualTo(1);
  }
}
