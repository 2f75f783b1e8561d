package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.Scopes;
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
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Closing the service while an event-bus batch runs, sent directly or through the TCP bridge: the
 * batch finishes with every user written (the chunk workers outlive it) and its reply reaches the
 * caller (the bridge outlives it), and a request that arrives once closing began is refused at the
 * door (no handler) instead of being half-run.
 */
class EventBusShutdownTest extends ApiTest {
  /** Plaintext passwords: each chunk hashes, so the batch takes seconds, one chunk at a time. */
  private static final int USERS = 60;

  private static final int CHUNK = 5;

  /** Generous: on a busy machine one chunk of 5 hashes took up to 2.5 s. */
  private static final long GRACE_MS = 150_000;

  @Test
  void closeFinishesTheEventBusBatchInFlightAndRefusesNewOnes() throws Exception {
    TestService own =
        FaultSupport.startService(
            Map.of("SHUTDOWN_TIMEOUT_MS", String.valueOf(GRACE_MS)), null, null);
    Vertx server = own.app.vertx();
    JsonArray users = plaintextUsers("bus-close");
    JsonObject envelope = slowCreate(users);
    Future<Message<Object>> inFlight =
        server
            .eventBus()
            .request(
                "users.batch.create",
                envelope,
                new DeliveryOptions().addHeader("actor", "shutdown-test").setSendTimeout(GRACE_MS));

    String first = users.getJsonObject(0).getString("email");
    assertThat(FaultSupport.waitFor(60_000, () -> count(first) == 1))
        .as("the batch started")
        .isTrue();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(own::close);

    // Lookups sent one after another while the batch drains: the first ones may still be taken
    // (closing has only just begun); one must be refused before the batch has finished.
    ReplyException refusal = null;
    int accepted = 0;
    while (refusal == null && !inFlight.isComplete()) {
      Future<Message<Object>> probe =
          server
              .eventBus()
              .request(
                  "users.batch.lookup",
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
    assertThat(reply.headers().get("status"))
        .as("status of %s", result.getJsonObject("stats"))
        .isEqualTo("200");
    assertThat(result.getJsonObject("stats").getInteger("successful")).isEqualTo(USERS);
    closing.get(30, TimeUnit.SECONDS);
    assertThat(written(users)).as("users of the drained batch in the database").isEqualTo(USERS);

    assertThat(refusedWhileDraining)
        .as("a new request was refused while the batch drained (%d accepted)", accepted)
        .isTrue();
    assertThat(refusal.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
  }

  @Test
  void theBridgeDeliversTheReplyOfABatchThatDrainedAndRefusesNewOnes() throws Exception {
    int bridgePort = TestService.freePort();
    TestService own =
        FaultSupport.startService(
            Map.of(
                "SHUTDOWN_TIMEOUT_MS",
                String.valueOf(GRACE_MS),
                "BRIDGE_PORT",
                String.valueOf(bridgePort)),
            null,
            null);
    String token = own.token("bridge-shutdown-test", Scopes.READ, Scopes.WRITE);
    JsonArray users = plaintextUsers("bridge-close");
    try (Socket socket = new Socket("127.0.0.1", bridgePort)) {
      socket.setSoTimeout((int) GRACE_MS);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      DataInputStream in = new DataInputStream(socket.getInputStream());
      writeFrame(out, send("users.batch.create", "batch", token, slowCreate(users)));
      String first = users.getJsonObject(0).getString("email");
      assertThat(FaultSupport.waitFor(60_000, () -> count(first) == 1))
          .as("the batch started")
          .isTrue();
      CompletableFuture<Void> closing = CompletableFuture.runAsync(own::close);

      // Lookups through the bridge, one at a time, until one is refused or the batch has answered.
      JsonObject batchReply = null;
      JsonObject refusal = null;
      for (int probe = 0; refusal == null && batchReply == null; probe++) {
        String address = "probe-" + probe;
        writeFrame(
            out,
            send(
                "users.batch.lookup",
                address,
                token,
                new JsonObject().put("ids", new JsonArray().add(UUID.randomUUID().toString()))));
        JsonObject frame;
        while (!(frame = readFrame(in)).getString("address").equals(address)) {
          batchReply = frame;
        }
        if (frame.getString("type").equals("err")) {
          refusal = frame;
        }
      }
      boolean refusedWhileDraining = refusal != null && batchReply == null;
      if (batchReply == null) {
        batchReply = readFrame(in);
      }

      assertThat(batchReply.getString("address")).isEqualTo("batch");
      assertThat(batchReply.getString("type")).as(batchReply.encode()).isEqualTo("message");
      assertThat(batchReply.getJsonObject("headers").getString("status"))
          .as("status of %s", batchReply.getJsonObject("body").getJsonObject("stats"))
          .isEqualTo("200");
      closing.get(30, TimeUnit.SECONDS);
      assertThat(written(users)).as("users of the drained batch in the database").isEqualTo(USERS);
      assertThat(refusedWhileDraining)
          .as("a new request through the bridge was refused while the batch drained")
          .isTrue();
      assertThat(refusal.getString("failureType")).as(refusal.encode()).isEqualTo("NO_HANDLERS");
    }
  }

  private static JsonArray plaintextUsers(String tag) {
    String run = UUID.randomUUID().toString().substring(0, 8);
    JsonArray users = new JsonArray();
    for (int i = 0; i < USERS; i++) {
      users.add(
          new JsonObject()
              .put("email", tag + "-" + run + "-" + i + "@example.com")
              .put("name", "User " + i)
              .put("password", "correct-horse-" + i));
    }
    return users;
  }

  private static JsonObject slowCreate(JsonArray users) {
    return new JsonObject()
        .put("users", users)
        .put("options", new JsonObject().put("chunkSize", CHUNK).put("maxConcurrency", 1));
  }

  private long written(JsonArray users) {
    String[] emails =
        users.stream().map(u -> ((JsonObject) u).getString("email")).toArray(String[]::new);
    return sync(sql("SELECT count(*) FROM users WHERE email = ANY($1)", (Object) emails))
        .iterator()
        .next()
        .getLong(0);
  }

  /** A bridge {@code send} frame with a reply address and the caller's token. */
  private static JsonObject send(
      String address, String replyAddress, String token, JsonObject body) {
    return new JsonObject()
        .put("type", "send")
        .put("address", address)
        .put("replyAddress", replyAddress)
        .put("headers", new JsonObject().put("authorization", "Bearer " + token))
        .put("body", body);
  }

  /** The bridge's framing: a 4-byte big-endian length, then the JSON frame. */
  private static void writeFrame(DataOutputStream out, JsonObject frame) throws IOException {
    byte[] bytes = frame.encode().getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
    out.flush();
  }

  private static JsonObject readFrame(DataInputStream in) throws IOException {
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return new JsonObject(new String(bytes, StandardCharsets.UTF_8));
  }

  private long count(String email) {
    return sync(sql("SELECT count(*) FROM users WHERE email = $1", email))
        .iterator()
        .next()
        .getLong(0);
  }
}
