package dev.userbatch;

import dev.userbatch.support.ApiTest;
import dev.userbatch.support.FaultSupport;
import dev.userbatch.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing the service while an event-bus batch runs: the batch finishes with every user written
 * (the chunk workers outlive it), and a request that arrives once closing began is refused at
 * the door (no handler) instead of being half-run.
 */
class EventBusShutdownTest extends ApiTest {
  /** Plaintext passwords: each chunk hashes, so the batch takes seconds, one chunk at a time. */
  private static final int USERS = 60;
  private static final int CHUNK = 5;
  /** Generous: on a busy machine one chunk of 5 hashes took up to 2.5 s. */
  private static final long GRACE_MS = 150_000;

  @Test
  void closeFinishesTheEventBusBatchInFlightAndRefusesNewOnes() throws Exception {
    TestService own = FaultSupport.startService(Map.of("SHUTDOWN_TIMEOUT_MS", String.valueOf(GRACE_MS)), null, null);
    Vertx server = own.app.vertx();
    String run = UUID.randomUUID().toString().substring(0, 8);
    JsonArray users = new JsonArray();
    for (int i = 0; i < USERS; i++) {
      users.add(new JsonObject().put("email", "bus-close-" + run + "-" + i + "@example.com")
          .put("name", "User " + i).put("password", "correct-horse-" + i));
    }
    JsonObject envelope = new JsonObject().put("users", users)
        .put("options", new JsonObject().put("chunkSize", CHUNK).put("maxConcurrency", 1));
    Future<Message<Object>> inFlight = server.eventBus().request("users.batch.create", envelope,
        new DeliveryOptions().addHeader("actor", "shutdown-test").setSendTimeout(GRACE_MS));

    String first = users.getJsonObject(0).getString("email");
    assertThat(FaultSupport.waitFor(60_000, () -> count(first) == 1)).as("the batch started").isTrue();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(own::close);

    // Lookups sent one after another while the batch drains: the first ones may still be taken
    // (closing has only just begun); one must be refused before the batch has finished.
    ReplyException refusal = null;
    int accepted = 0;
    while (refusal == null && !inFlight.isComplete()) {
      Future<Message<Object>> probe = server.eventBus().request("users.batch.lookup",
          new JsonObject().put("ids", new JsonArray().add(UUID.randomUUID().toString())),
          new DeliveryOptions().addHeader("actor", "shutdown-test").setSendTimeout(10_000));
      try {
        FaultSupport.await(probe, 15);
        accepted++;
      } catch (IllegalStateException e) {
        assertThat(e.getCause()).as("a refused request").isInstanceOf(ReplyException.class);
        refusal = (ReplyException) e.getCause();
      }
    }
    boolean refusedWhileDraining = refusal != null && !inFlight.isComplete();

    Message<Object> reply = FaultSupport.await(inFlight, GRACE_MS / 1000);
    JsonObject result = (JsonObject) reply.body();
    assertThat(reply.headers().get("status")).as("status of %s", result.getJsonObject("stats")).isEqualTo("200");
    assertThat(result.getJsonObject("stats").getInteger("successful")).isEqualTo(USERS);
    closing.get(30, TimeUnit.SECONDS);
    String[] emails = users.stream().map(u -> ((JsonObject) u).getString("email")).toArray(String[]::new);
    long written = sync(sql("SELECT count(*) FROM users WHERE email = ANY($1)", (Object) emails))
        .iterator().next().getLong(0);
    assertThat(written).as("users of the drained batch in the database").isEqualTo(USERS);

    assertThat(refusedWhileDraining).as("a new request was refused while the batch drained (%d accepted)", accepted)
        .isTrue();
    assertThat(refusal.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
  }

  private long count(String email) {
    return sync(sql("SELECT count(*) FROM users WHERE email = $1", email)).iterator().next().getLong(0);
  }
}
