package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.Scopes;
import dev.userbatch.busapi.BatchService;
import dev.userbatch.support.ApiTest;
import dev.userbatch.support.TestData;
import dev.userbatch.support.TestService;
import dev.userbatch.user.PasswordHasher;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 13: the seed's "Error Recovery" pattern, retrying {@code failed.map(f => f.item)}
 * after fixing what was wrong. Over HTTP (and the TCP bridge) the echoed items are redacted, so a
 * retry of them is refused item by item instead of storing the marker as a password; through the
 * Java facade and the in-process event-bus API the caller's own items come back as sent, and the
 * pattern works as written.
 */
class ErrorRecoveryTest extends ApiTest {
  private static final String PASSWORD = "correct horse battery staple";
  private static final String CREATE = "/batch/users/create";

  /**
   * Item 0 is valid; item 1 has a bad email and a plaintext password; item 2 a bad email and a
   * hash.
   */
  private static JsonArray usersWithTwoBadEmails(String tag) {
    return new JsonArray()
        .add(
            new JsonObject()
                .put("email", TestData.email(tag))
                .put("name", "Fine")
                .put("password", PASSWORD))
        .add(
            new JsonObject()
                .put("email", "not-an-email")
                .put("name", "Typo")
                .put("password", PASSWORD))
        .add(
            new JsonObject()
                .put("email", "also-not-an-email")
                .put("name", "Import")
                .put("passwordHash", TestData.BCRYPT));
  }

  /** The failed items with their email fixed: what a caller of the pattern sends again. */
  private static JsonArray fixedRetry(JsonObject firstResponse, String tag) {
    JsonArray retry = new JsonArray();
    for (Object f : firstResponse.getJsonArray("failed")) {
      retry.add(((JsonObject) f).getJsonObject("item").copy().put("email", TestData.email(tag)));
    }
    return retry;
  }

  private long usersWithEmail(String email) {
    RowSet<Row> rows = sync(sql("SELECT count(*) FROM users WHERE email = $1", email));
    return rows.iterator().next().getLong(0);
  }

  @Test
  void overHttpRetryingTheRedactedItemsIsRefusedNamingTheIndexToResubmit() {
    HttpResponse<Buffer> first =
        sync(post(CREATE, TestData.createRequest(usersWithTwoBadEmails("recovery-http"), null)));
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(207);
    JsonObject firstJson = first.bodyAsJsonObject();
    assertThat(failure(firstJson, 1).getJsonObject("item").getString("password"))
        .isEqualTo("[REDACTED]");
    assertThat(failure(firstJson, 2).getJsonObject("item").getString("passwordHash"))
        .isEqualTo("[REDACTED]");

    JsonArray retry = fixedRetry(firstJson, "recovery-http-retry");
    HttpResponse<Buffer> second = sync(post(CREATE, TestData.createRequest(retry, null)));
    JsonObject json = second.bodyAsJsonObject();
    assertThat(second.statusCode()).as(json.encode()).isEqualTo(422);
    JsonObject password = failure(json, 0);
    assertThat(password.getString("code")).isEqualTo("VALIDATION_ERROR");
    assertThat(password.getString("path")).isEqualTo("$.users[0].password");
    assertThat(password.getString("error"))
        .isEqualTo(
            "password is the redaction marker [REDACTED] of an earlier "
                + "response, not a password: resubmit the original item (the failure's index says which one)");
    JsonObject hash = failure(json, 1);
    assertThat(hash.getString("code")).isEqualTo("VALIDATION_ERROR");
    assertThat(hash.getString("path")).isEqualTo("$.users[1].passwordHash");
    assertThat(hash.getString("error"))
        .startsWith("passwordHash is the redaction marker [REDACTED]");
    for (Object user : retry) {
      assertThat(usersWithEmail(((JsonObject) user).getString("email"))).isZero();
    }
  }

  @Test
  void throughTheJavaFacadeTheFailedItemsComeBackAsSentAndTheRetryWorks() {
    BatchService users = BatchService.create(service.app.vertx(), "recovery-facade");
    JsonArray sent = usersWithTwoBadEmails("recovery-facade");
    JsonObject first = sync(users.createUsers(sent, null));
    assertThat(first.getJsonArray("failed").size()).as(first.encode()).isEqualTo(2);
    assertThat(failure(first, 1).getJsonObject("item")).isEqualTo(sent.getJsonObject(1));
    assertThat(failure(first, 2).getJsonObject("item")).isEqualTo(sent.getJsonObject(2));

    JsonArray retry = fixedRetry(first, "recovery-facade-retry");
    JsonObject second = sync(users.createUsers(retry, null));
    assertThat(second.getBoolean("success")).as(second.encode()).isTrue();
    assertThat(second.getJsonObject("stats").getInteger("successful")).isEqualTo(2);
    String email = retry.getJsonObject(0).getString("email");
    RowSet<Row> rows = sync(sql("SELECT password_hash FROM users WHERE email = $1", email));
    assertThat(rows.size()).isEqualTo(1);
    String stored = rows.iterator().next().getString("password_hash");
    assertThat(PasswordHasher.owaspDefault().verify(PASSWORD, stored)).as(stored).isTrue();
    assertThat(
            sync(sql(
                    "SELECT password_hash FROM users WHERE email = $1",
                    retry.getJsonObject(1).getString("email")))
                .iterator()
                .next()
                .getString("password_hash"))
        .isEqualTo(TestData.BCRYPT);
  }

  @Test
  void theStoredIdempotentResponseHoldsNoSecretAndItsReplayStillGivesTheItemsBack() {
    JsonArray sent = usersWithTwoBadEmails("recovery-idem");
    String key = "recovery-" + System.nanoTime();
    DeliveryOptions delivery =
        new DeliveryOptions()
            .addHeader("actor", "recovery-idempotent")
            .addHeader("idempotencyKey", key);
    JsonObject envelope = new JsonObject().put("users", sent);
    JsonObject first =
        sync(
            service
                .app
                .vertx()
                .eventBus()
                .<JsonObject>request("users.batch.create", envelope, delivery)
                .map(m -> m.body()));
    assertThat(failure(first, 1).getJsonObject("item").getString("password")).isEqualTo(PASSWORD);
    RowSet<Row> stored =
        sync(
            sql(
                "SELECT body FROM idempotency_keys WHERE actor = $1 AND key = $2",
                "recovery-idempotent",
                key));
    assertThat(stored.size()).isEqualTo(1);
    assertThat(stored.iterator().next().getString(0))
        .contains("[REDACTED]")
        .doesNotContain(PASSWORD);

    Message<JsonObject> replay =
        sync(service.app.vertx().eventBus().request("users.batch.create", envelope, delivery));
    assertThat(replay.headers().get("replayed")).isEqualTo("true");
    assertThat(failure(replay.body(), 1).getJsonObject("item")).isEqualTo(sent.getJsonObject(1));
  }

  @Test
  void overTheTcpBridgeTheFailedItemsStayRedacted() throws Exception {
    int bridgePort = TestService.freePort();
    TestService own = TestService.start(config -> config.withBridgePort(bridgePort));
    try (Socket socket = new Socket("127.0.0.1", bridgePort)) {
      socket.setSoTimeout(30_000);
      String token =
          TestService.token(own.clientVertx, "recovery-bridge", Scopes.READ, Scopes.WRITE);
      JsonObject frame =
          new JsonObject()
              .put("type", "send")
              .put("address", "users.batch.create")
              .put("replyAddress", "recovery-reply")
              .put(
                  "headers",
                  new JsonObject().put("authorization", "Bearer " + token).put("via", "local"))
              .put("body", new JsonObject().put("users", usersWithTwoBadEmails("recovery-bridge")));
      byte[] bytes = frame.encode().getBytes(StandardCharsets.UTF_8);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      out.writeInt(bytes.length);
      out.write(bytes);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] reply = new byte[in.readInt()];
      in.readFully(reply);
      JsonObject message = new JsonObject(new String(reply, StandardCharsets.UTF_8));
      JsonObject body = message.getJsonObject("body");
      assertThat(body).as(message.encode()).isNotNull();
      assertThat(failure(body, 1).getJsonObject("item").getString("password"))
          .isEqualTo("[REDACTED]");
      assertThat(failure(body, 2).getJsonObject("item").getString("passwordHash"))
          .isEqualTo("[REDACTED]");
    } finally {
      own.close();
    }
  }
}
