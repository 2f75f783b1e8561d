package dev.userbatch.idempotency;

import static dev.userbatch.support.FaultSupport.REPLAYED_HEADER;
import static dev.userbatch.support.TestData.email;
import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.ApiTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 7: nothing stored lets a reader test password guesses at the speed of a plain
 * hash.
 */
class RequestHashAtRestTest extends ApiTest {

  private HttpResponse<Buffer> create(String key, String correlationId, JsonObject body) {
    return sync(
        service
            .http
            .post("/batch/users/create")
            .putHeader("Idempotency-Key", key)
            .putHeader("X-Correlation-Id", correlationId)
            .sendJsonObject(body));
  }

  private static JsonObject body(String email, String password) {
    return new JsonObject()
        .put(
            "users",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("email", email)
                        .put("name", "Hash At Rest")
                        .put("password", password)));
  }

  @Test
  void noStoredColumnIsAFastHashOfThePasswordOrOfTheBody() throws Exception {
    String password = "correct horse battery " + UUID.randomUUID();
    String key = "hash-at-rest-" + UUID.randomUUID();
    String correlationId = "hash-at-rest-" + UUID.randomUUID();
    JsonObject body = body(email("hash-at-rest"), password);

    HttpResponse<Buffer> first = create(key, correlationId, body);
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);

    List<String> rows = new ArrayList<>();
    for (Row row : sync(sql("SELECT t::text AS r FROM idempotency_keys t WHERE key = $1", key))) {
      rows.add(row.getString("r"));
    }
    assertThat(rows).as("the idempotency row").hasSize(1);
    UUID batchId = null;
    for (Row row :
        sync(
            sql(
                "SELECT id, t::text AS r FROM audit_log t WHERE correlation_id = $1",
                correlationId))) {
      batchId = row.getUUID("id");
      rows.add(row.getString("r"));
    }
    assertThat(batchId).as("the audit row").isNotNull();
    for (String table : List.of("batch_changes WHERE batch_id", "outbox_events WHERE event_id")) {
      for (Row row :
          sync(
              sql(
                  "SELECT t::text AS r FROM " + table.replace(" WHERE", " t WHERE") + " = $1",
                  batchId))) {
        rows.add(row.getString("r"));
      }
    }

    byte[] pw = password.getBytes(StandardCharsets.UTF_8);
    byte[] encoded = body.encode().getBytes(StandardCharsets.UTF_8);
    byte[] canonical = IdempotencyStore.canonical(body).getBytes(StandardCharsets.UTF_8);
    byte[] withOperation =
        concat("create".getBytes(StandardCharsets.UTF_8), new byte[] {0}, canonical);
    List<String> forbidden = new ArrayList<>(List.of(password));
    for (byte[] input : List.of(pw, encoded, canonical, withOperation)) {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(input);
      forbidden.add(HexFormat.of().formatHex(digest));
      forbidden.add(Base64.getEncoder().encodeToString(digest));
      forbidden.add(Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
    }
    for (String row : rows) {
      for (String value : forbidden) {
        assertThat(row.toLowerCase())
            .as("stored row must not contain the password or a SHA-256 of it or of the body")
            .doesNotContain(value.toLowerCase());
      }
    }

    HttpResponse<Buffer> replay = create(key, correlationId, body);
    assertThat(replay.getHeader(REPLAYED_HEADER)).as("same body replays").isEqualTo("true");
    assertThat(replay.bodyAsJsonObject()).isEqualTo(first.bodyAsJsonObject());
    JsonObject otherPassword = body.copy();
    otherPassword.getJsonArray("users").getJsonObject(0).put("password", password + "!");
    HttpResponse<Buffer> conflict = create(key, correlationId, otherPassword);
    assertThat(conflict.statusCode()).as(conflict.bodyAsString()).isEqualTo(422);
    assertThat(conflict.bodyAsJsonObject().getString("code")).isEqualTo("IDEMPOTENCY_KEY_REUSED");
  }

  @Test
  void theGeneratedKeyFileIsReadableByItsOwnerOnly() throws Exception {
    Path file = service.app.config().dataDir().resolve(RequestHashKey.FILE);
    assertThat(file).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(file).trim())
        .isEqualTo(service.app.config().storage().idempotencyHmacKey());
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] all = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }
}
