package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.Scopes;
import dev.userbatch.support.ApiTest;
import dev.userbatch.support.TestData;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Secrets stay secret: marker passwords and hashes sent through all six operations — valid items
 * and invalid ones, fields in the wrong place, a refused password update — and the bearer token
 * itself never come back in a response body or header, never land in an audit row, and never travel
 * on the event bus (audit records and change events); stored password hashes stay out of responses
 * and the cache too.
 */
class SecretsTest extends ApiTest {
  private final String run = UUID.randomUUID().toString().replace("-", "");

  /** Plaintext passwords: valid ones (at least 8 characters), all unique to this run. */
  private final String plain = "PlainMarker" + run;

  private final String plainInvalidItem = "PlainInvalid" + run;

  /** bcrypt hashes: "$2b$12$" + 53 characters of [./A-Za-z0-9] that carry the run. */
  private final String hashBody =
      ("HashMarker" + run + "abcdefghijklmnopqrstuvwxyz").substring(0, 53);

  private final String hash = "$2b$12$" + hashBody;
  private final String hashInvalidBody =
      ("HashInvalid" + run + "abcdefghijklmnopqrstuvwxyz").substring(0, 53);
  private final String hashInvalidItem = "$2b$12$" + hashInvalidBody;
  private final String subject = "secrets-" + run;
  private final String token = service.token(subject, Scopes.READ, Scopes.WRITE);
  private final List<String> correlations = new ArrayList<>();
  private final List<String> seen = new ArrayList<>();

  private HttpResponse<Buffer> traced(HttpMethod method, String path, JsonObject body) {
    String correlation = "secrets-" + run + "-" + correlations.size();
    correlations.add(correlation);
    HttpRequest<Buffer> request =
        service
            .anonymousHttp
            .request(method, path)
            .putHeader("Authorization", "Bearer " + token)
            .putHeader("X-Correlation-Id", correlation);
    HttpResponse<Buffer> response =
        sync(body == null ? request.send() : request.sendJsonObject(body));
    StringBuilder all =
        new StringBuilder(method + " " + path + " → " + response.statusCode() + "\n");
    response
        .headers()
        .forEach(
            header ->
                all.append(header.getKey()).append(": ").append(header.getValue()).append('\n'));
    all.append(response.bodyAsString());
    seen.add(all.toString());
    return response;
  }

  /** Everything that must never appear, with what it is. */
  private Map<String, String> secrets(List<String> storedHashes) {
    Map<String, String> secrets = new java.util.LinkedHashMap<>();
    secrets.put("plaintext password", plain);
    secrets.put("plaintext password of an invalid item", plainInvalidItem);
    secrets.put("run marker of the passwords", "PlainMarker");
    secrets.put("imported hash", hashBody);
    secrets.put("hash of an invalid item", hashInvalidBody);
    secrets.put("hash marker", "HashMarker");
    secrets.put("hash marker of invalid items", "HashInvalid");
    secrets.put("bearer token", token);
    secrets.put("bearer token signature", token.substring(token.lastIndexOf('.') + 1));
    for (String stored : storedHashes) {
      secrets.put("stored hash", stored);
      secrets.put("stored hash digest", stored.substring(stored.lastIndexOf('$') + 1));
    }
    return secrets;
  }

  private static void assertNoSecret(String where, String text, Map<String, String> secrets) {
    for (Map.Entry<String, String> secret : secrets.entrySet()) {
      assertThat(text)
          .as(secret.getKey() + " in " + where + ":\n" + text)
          .doesNotContain(secret.getValue());
    }
  }

  @Test
  void noPasswordHashOrTokenInResponsesAuditRowsOrEvents() {
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> audit =
        service
            .app
            .vertx()
            .eventBus()
            .consumer(
                "users.audit",
                message ->
                    events.add(
                        new JsonObject()
                            .put("address", "users.audit")
                            .put("body", message.body())));
    MessageConsumer<Object> changes =
        service
            .app
            .vertx()
            .eventBus()
            .consumer(
                "users.events",
                message ->
                    events.add(
                        new JsonObject()
                            .put("address", "users.events")
                            .put("body", String.valueOf(message.body()))));
    sync(audit.completion());
    sync(changes.completion());
    try {
      // 1. create: two valid users (plaintext, imported hash) and invalid items carrying the
      // markers
      JsonArray users =
          new JsonArray()
              .add(
                  new JsonObject()
                      .put("email", TestData.email("secret-plain"))
                      .put("name", "Plain")
                      .put("password", plain))
              .add(
                  new JsonObject()
                      .put("email", TestData.email("secret-hash"))
                      .put("name", "Hash")
                      .put("passwordHash", hash))
              .add(
                  new JsonObject()
                      .put("email", "not-an-email")
                      .put("name", "Bad")
                      .put("password", plainInvalidItem))
              .add(
                  new JsonObject()
                      .put("email", TestData.email("secret-bad"))
                      .put("name", "a\u0000b")
                      .put("passwordHash", hashInvalidItem))
              .add(
                  new JsonObject()
                      .put("email", TestData.email("secret-both"))
                      .put("name", "Both")
                      .put("password", plainInvalidItem)
                      .put("passwordHash", hashInvalidItem))
              .add(
                  new JsonObject()
                      .put("email", TestData.email("secret-role"))
                      .put("name", "Role")
                      .put("password", plainInvalidItem)
                      .put("role", "admin"))
              .add(
                  new JsonObject()
                      .put("email", TestData.email("secret-format"))
                      .put("name", "Format")
                      .put("passwordHash", "not-a-hash-" + plainInvalidItem))
              .add(
                  new JsonObject()
                      .put("email", TestData.email("secret-long"))
                      .put("name", "Long")
                      .put(
                          "password",
                          plainInvalidItem.repeat(1 + 1025 / plainInvalidItem.length())))
              .add(
                  new JsonObject()
                      .put("email", TestData.email("secret-type"))
                      .put("name", "Type")
                      .put("password", new JsonObject().put("nested", plainInvalidItem)))
              .add(
                  new JsonObject()
                      .put("email", TestData.email("secret-hashtype"))
                      .put("name", 42)
                      .put("passwordHash", hashInvalidItem));
      HttpResponse<Buffer> created =
          traced(
              HttpMethod.POST,
              "/batch/users/create",
              TestData.createRequest(users, new JsonObject().put("chunkSize", 1)));
      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(207);
      JsonObject createdJson = created.bodyAsJsonObject();
      assertThat(createdJson.getJsonArray("data")).hasSize(2);
      assertThat(createdJson.getJsonArray("failed")).hasSize(users.size() - 2);
      String a = createdJson.getJsonArray("data").getJsonObject(0).getString("id");
      String b = createdJson.getJsonArray("data").getJsonObject(1).getString("id");
      // a failed item is shown as sent, with its secrets redacted
      JsonObject echoed = createdJson.getJsonArray("failed").getJsonObject(0).getJsonObject("item");
      assertThat(echoed.getString("password")).isEqualTo("[REDACTED]");

      // 2. update: a rename, refused password changes, a hash where none belongs
      JsonArray updates =
          new JsonArray()
              .add(
                  new JsonObject()
                      .put("id", a)
                      .put("data", new JsonObject().put("name", "Renamed")))
              .add(
                  new JsonObject()
                      .put("id", b)
                      .put("data", new JsonObject().put("password", plainInvalidItem)))
              .add(
                  new JsonObject()
                      .put("id", b)
                      .put(
                          "data",
                          new JsonObject()
                              .put("password", plainInvalidItem)
                              .put("name", "With password")))
              .add(
                  new JsonObject()
                      .put("id", b)
                      .put("data", new JsonObject().put("passwordHash", hashInvalidItem)))
              .add(
                  new JsonObject()
                      .put("id", "not-a-uuid")
                      .put("data", new JsonObject().put("password", plainInvalidItem)));
      HttpResponse<Buffer> updated =
          traced(HttpMethod.PATCH, "/batch/users/update", new JsonObject().put("updates", updates));
      assertThat(updated.statusCode()).as(updated.bodyAsString()).isEqualTo(207);

      // 3. lookup (GET and POST), 4. last-login, 5. soft-delete, 6. restore
      assertThat(
              traced(HttpMethod.GET, "/batch/users/lookup?ids=" + a + "," + b, null).statusCode())
          .isEqualTo(200);
      assertThat(
              traced(
                      HttpMethod.POST,
                      "/batch/users/lookup",
                      new JsonObject()
                          .put(
                              "ids",
                              new JsonArray().add(a).add(b).add(UUID.randomUUID().toString())))
                  .statusCode())
          .isEqualTo(200);
      JsonObject ids = new JsonObject().put("userIds", new JsonArray().add(a).add(b));
      assertThat(traced(HttpMethod.PATCH, "/batch/users/last-login", ids).statusCode())
          .isEqualTo(200);
      assertThat(traced(HttpMethod.DELETE, "/batch/users/soft-delete", ids).statusCode())
          .isEqualTo(200);
      assertThat(traced(HttpMethod.POST, "/batch/users/restore", ids).statusCode()).isEqualTo(200);
      // envelopes refused as a whole, with secrets inside
      assertThat(
              traced(
                      HttpMethod.POST,
                      "/batch/users/create",
                      new JsonObject().put("users", plain).put("password", plain))
                  .statusCode())
          .isEqualTo(400);
      assertThat(
              traced(
                      HttpMethod.POST,
                      "/batch/users/create",
                      new JsonObject()
                          .put(
                              "users",
                              new JsonArray()
                                  .add(
                                      new JsonObject()
                                          .put("email", TestData.email("opt"))
                                          .put("name", "Opt")
                                          .put("password", plain)))
                          .put("options", new JsonObject().put("chunkSize", plain)))
                  .statusCode())
          .isEqualTo(400);

      List<String> storedHashes = new ArrayList<>();
      for (Row row :
          sync(
              sql(
                  "SELECT password_hash FROM users WHERE id = ANY($1::uuid[])",
                  (Object) new UUID[] {UUID.fromString(a), UUID.fromString(b)}))) {
        storedHashes.add(row.getString("password_hash"));
      }
      assertThat(storedHashes).hasSize(2).anyMatch(h -> h.startsWith("$argon2id$")).contains(hash);
      Map<String, String> secrets = secrets(storedHashes);

      for (String response : seen) {
        assertNoSecret("a response", response, secrets);
      }

      List<String> auditRows = new ArrayList<>();
      for (Row row :
          sync(
              sql(
                  "SELECT row_to_json(a)::text AS json FROM audit_log a WHERE correlation_id = ANY($1)",
                  (Object) correlations.toArray(String[]::new)))) {
        auditRows.add(row.getString("json"));
      }
      assertThat(auditRows).as("one audit row per batch that ran").hasSizeGreaterThanOrEqualTo(7);
      for (String row : auditRows) {
        assertNoSecret("an audit row", row, secrets);
      }

      for (String id : List.of(a, b)) {
        Response cached = sync(redis(Command.GET, "user:" + id));
        if (cached != null) {
          assertNoSecret("the cache entry of " + id, cached.toString(), secrets);
        }
      }

      long deadline = System.currentTimeMillis() + 5_000;
      while (System.currentTimeMillis() < deadline
          && events.stream()
                  .filter(
                      e ->
                          e.getString("address").equals("users.audit")
                              && correlations.contains(
                                  e.getJsonObject("body").getString("correlationId")))
                  .count()
              < 7) {
        sleep(20);
      }
      List<JsonObject> ours =
          events.stream()
              .filter(
                  e ->
                      !e.getString("address").equals("users.audit")
                          || correlations.contains(
                              e.getJsonObject("body").getString("correlationId")))
              .toList();
      assertThat(ours.stream().filter(e -> e.getString("address").equals("users.audit")).count())
          .as("audit events of our batches")
          .isGreaterThanOrEqualTo(7);
      for (JsonObject event : events) {
        assertNoSecret("an event", event.encode(), secrets);
      }
    } finally {
      audit.unregister();
      changes.unregister();
    }
  }

  @Test
  void refusedTokensAreNotEchoed() {
    String forged =
        token.substring(0, token.lastIndexOf('.') + 1) + "Zm9yZ2VkLXNpZ25hdHVyZS1mb3ItdGhlLXRlc3Q";
    HttpResponse<Buffer> response =
        sync(
            service
                .anonymousHttp
                .post("/batch/users/create")
                .putHeader("Authorization", "Bearer " + forged)
                .sendJsonObject(new JsonObject().put("users", new JsonArray())));
    assertThat(response.statusCode()).isEqualTo(401);
    StringBuilder all = new StringBuilder(response.bodyAsString());
    response.headers().forEach(header -> all.append(header.getKey()).append(header.getValue()));
    assertThat(all.toString())
        .doesNotContain(forged)
        .doesNotContain("Zm9yZ2VkLXNpZ25hdHVyZS1mb3ItdGhlLXRlc3Q")
        .doesNotContain(token.substring(token.indexOf('.') + 1, token.lastIndexOf('.')));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
