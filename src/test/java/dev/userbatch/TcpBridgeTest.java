package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.userbatch.batch.Scopes;
import dev.userbatch.support.ApiTest;
import dev.userbatch.support.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 6, item 4: the optional TCP event-bus bridge, used by a Python client written with the
 * standard library only ({@code src/test/python/bridge_client.py}): it creates and looks up users,
 * receives the {@code USERS_BATCH_CREATED} event, and is refused frames without a valid token,
 * without the scope, or to addresses the bridge does not permit.
 */
class TcpBridgeTest extends ApiTest {
  private static final Path CLIENT = Path.of("src", "test", "python", "bridge_client.py");

  @Test
  void theBridgeIsOffByDefault() {
    assertThat(service.app.config().bridgePort()).isZero();
  }

  @Test
  void aPythonClientCreatesLooksUpAndReceivesTheCreatedEvent() throws Exception {
    assertThat(Files.isRegularFile(CLIENT)).as(CLIENT.toAbsolutePath().toString()).isTrue();
    int bridgePort = TestService.freePort();
    TestService own = TestService.start(config -> config.withBridgePort(bridgePort));
    try {
      String subject = "py-bridge-" + UUID.randomUUID().toString().substring(0, 8);
      String token = TestService.token(own.clientVertx, subject, Scopes.READ, Scopes.WRITE);
      String readOnly = TestService.token(own.clientVertx, subject + "-reader", Scopes.READ);

      JsonObject summary = runClient("127.0.0.1", bridgePort, token, readOnly);

      // registered to users.events with a token; created and looked up three users
      assertThat(summary.getValue("registerError")).as(summary.encodePrettily()).isNull();
      JsonObject created = summary.getJsonObject("createReply");
      assertThat(created.getString("type")).as(created.encode()).isEqualTo("message");
      assertThat(created.getJsonObject("body").getBoolean("success")).as(created.encode()).isTrue();
      assertThat(created.getJsonObject("headers").getString("status")).isEqualTo("200");
      List<String> ids = strings(summary.getJsonArray("createdIds"));
      assertThat(ids).hasSize(3);
      for (int i = 0; i < 3; i++) {
        Row row = userRow(ids.get(i));
        assertThat(row).as("user %s in the database", ids.get(i)).isNotNull();
        assertThat(row.getString("name")).isEqualTo("Py " + i);
      }
      JsonObject lookup = summary.getJsonObject("lookupReply");
      assertThat(lookup.getString("type")).as(lookup.encode()).isEqualTo("message");
      assertThat(lookup.getJsonObject("body").getString("message"))
          .isEqualTo("Found 3 out of 3 users");
      assertThat(
              strings(
                  new JsonArray(
                      lookup.getJsonObject("body").getJsonArray("data").stream()
                          .map(u -> ((JsonObject) u).getString("id"))
                          .toList())))
          .isEqualTo(ids);

      // the event of the create reached the Python client
      JsonObject event = summary.getJsonObject("createdEvent");
      assertThat(event)
          .as("USERS_BATCH_CREATED event received; " + summary.encodePrettily())
          .isNotNull();
      assertThat(event.getString("type")).isEqualTo("USERS_BATCH_CREATED");
      assertThat(strings(event.getJsonArray("userIds"))).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(event.getString("actor")).isEqualTo(subject);
      assertThat(event.getString("correlationId")).isEqualTo(summary.getString("correlationId"));

      // the audit actor is the token's subject, whatever "actor" header the client sent
      assertThat(auditActor(summary.getString("correlationId"))).isEqualTo(subject);
      JsonObject capital = summary.getJsonObject("capitalActorReply");
      assertThat(capital.getString("type")).as(capital.encode()).isEqualTo("message");
      assertThat(auditActor(summary.getString("capitalActorCorrelationId")))
          .as("an 'Actor' header cannot override the token's subject")
          .isEqualTo(subject);

      // refused frames: err frames, and nobody created
      JsonObject refused = summary.getJsonObject("refused");
      assertThat(refused.fieldNames())
          .containsExactlyInAnyOrder(
              "registerWithoutToken",
              "createWithoutToken",
              "createWithoutWriteScope",
              "createWithBadToken",
              "chunkAddress",
              "auditAddress",
              "registerAudit");
      for (String name : refused.fieldNames()) {
        JsonObject frame = refused.getJsonObject(name);
        assertThat(frame).as(name + " is refused").isNotNull();
        assertThat(frame.getString("type")).as(name + ": " + frame.encode()).isEqualTo("err");
      }
      List<String> emails = new ArrayList<>();
      summary
          .getJsonObject("refusedEmails")
          .forEach(entry -> emails.add((String) entry.getValue()));
      assertThat(emails).hasSize(5);
      long refusedUsers =
          sync(sql(
                  "SELECT count(*) AS n FROM users WHERE lower(email) = ANY($1::text[])",
                  (Object) emails.toArray(String[]::new)))
              .iterator()
              .next()
              .getLong("n");
      assertThat(refusedUsers).as("users of refused frames").isZero();
    } finally {
      own.close();
    }
    // closing the service closes the bridge
    assertThatThrownBy(
            () -> {
              try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", bridgePort), 1_000);
              }
            })
        .isInstanceOf(IOException.class);
  }

  private String auditActor(String correlationId) {
    var rows = sync(sql("SELECT actor FROM audit_log WHERE correlation_id = $1", correlationId));
    assertThat(rows.size()).as("audit rows of " + correlationId).isEqualTo(1);
    return rows.iterator().next().getString("actor");
  }

  private static List<String> strings(JsonArray array) {
    List<String> list = new ArrayList<>();
    array.forEach(value -> list.add(String.valueOf(value)));
    return list;
  }

  /** Runs the Python client; its JSON summary (the last line it prints). */
  private static JsonObject runClient(String host, int port, String token, String readOnlyToken)
      throws Exception {
    Process process =
        new ProcessBuilder(
                "python3", CLIENT.toString(), host, String.valueOf(port), token, readOnlyToken)
            .start();
    CompletableFuture<String> stdout =
        CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
    CompletableFuture<String> stderr =
        CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the Python client did not finish within 60 s");
    }
    String out = stdout.get(5, TimeUnit.SECONDS).trim();
    String err = stderr.get(5, TimeUnit.SECONDS);
    assertThat(process.exitValue())
        .as("python3 exit code; stderr: " + err + "; stdout: " + out)
        .isZero();
    String[] lines = out.split("\n");
    return new JsonObject(lines[lines.length - 1]);
  }

  private static String read(InputStream in) {
    try (in) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      in.transferTo(bytes);
      return bytes.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
