package dev.userbatch;

import static dev.userbatch.support.FaultSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.ApiTest;
import dev.userbatch.support.FaultSupport;
import dev.userbatch.support.PrometheusText;
import dev.userbatch.support.TestData;
import dev.userbatch.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 11e: imported hashes below the floor (bcrypt cost 10, pbkdf2 100,000 iterations)
 * are stored flagged {@code needs_rehash} and counted, or refused per item with
 * WEAK_HASH_POLICY=refuse.
 */
class WeakPasswordHashTest extends ApiTest {
  private static final String BCRYPT_BODY = TestData.BCRYPT.substring("$2b$12$".length());
  private static final String PBKDF2_TAIL =
      "$abcdefghijklmnop$ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq";

  /** Weak, weak, strong, strong (in that order). */
  private static final List<String> HASHES =
      List.of(
          "$2b$09$" + BCRYPT_BODY,
          "$pbkdf2-sha256$29000" + PBKDF2_TAIL,
          "$2b$10$" + BCRYPT_BODY,
          "$pbkdf2-sha256$i=100000" + PBKDF2_TAIL);

  private static JsonArray users(String tag) {
    JsonArray users = new JsonArray();
    for (int i = 0; i < HASHES.size(); i++) {
      users.add(
          new JsonObject()
              .put("email", TestData.email(tag + i))
              .put("name", "Weak " + i)
              .put("passwordHash", HASHES.get(i)));
    }
    return users;
  }

  private static Map<String, Boolean> needsRehashByEmail(TestService service, JsonArray users) {
    String[] emails =
        users.stream().map(u -> ((JsonObject) u).getString("email")).toArray(String[]::new);
    Map<String, Boolean> flags = new HashMap<>();
    for (Row row :
        await(
            service
                .pg
                .preparedQuery("SELECT email, needs_rehash FROM users WHERE email = ANY($1)")
                .execute(io.vertx.sqlclient.Tuple.of((Object) emails)),
            10)) {
      flags.put(row.getString("email"), row.getBoolean("needs_rehash"));
    }
    return flags;
  }

  private static double counted(TestService service, String action) {
    HttpResponse<Buffer> metrics = await(service.http.get("/metrics").send(), 10);
    PrometheusText text = PrometheusText.parse(metrics.bodyAsString());
    return text.hasSeries("batch_weak_password_hashes_total", Map.of("action", action))
        ? text.value("batch_weak_password_hashes_total", Map.of("action", action))
        : 0;
  }

  @Test
  void weakImportedHashesAreStoredFlaggedAndCounted() {
    JsonArray users = users("weak-flag");
    double before = counted(service, "flagged");
    HttpResponse<Buffer> response =
        sync(post("/batch/users/create", TestData.createRequest(users, null)));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getJsonArray("data")).hasSize(4);
    Map<String, Boolean> flags = needsRehashByEmail(service, users);
    assertThat(flags)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                users.getJsonObject(0).getString("email"), true,
                users.getJsonObject(1).getString("email"), true,
                users.getJsonObject(2).getString("email"), false,
                users.getJsonObject(3).getString("email"), false));
    assertThat(counted(service, "flagged") - before).isEqualTo(2.0);
  }

  @Test
  void withPolicyRefuseAWeakHashIsThatItemsValidationError() {
    TestService refusing =
        FaultSupport.startService(Map.of("WEAK_HASH_POLICY", "refuse"), null, null);
    try {
      JsonArray users = users("weak-refuse");
      HttpResponse<Buffer> response =
          await(
              refusing
                  .http
                  .post("/batch/users/create")
                  .sendJsonObject(TestData.createRequest(users, null)),
              30);
      JsonObject body = response.bodyAsJsonObject();
      assertThat(response.statusCode()).as(body.encode()).isEqualTo(207);
      assertThat(body.getJsonArray("data")).hasSize(2);
      JsonArray failed = body.getJsonArray("failed");
      assertThat(failed).hasSize(2);
      for (int i = 0; i < 2; i++) {
        JsonObject failure = failed.getJsonObject(i);
        assertThat(failure.getInteger("index")).isEqualTo(i);
        assertThat(failure.getString("code")).isEqualTo("VALIDATION_ERROR");
        assertThat(failure.getString("path")).isEqualTo("$.users[" + i + "].passwordHash");
        assertThat(failure.getString("error"))
            .startsWith("passwordHash is a ")
            .contains("below the minimum");
      }
      assertThat(failed.getJsonObject(0).getString("error"))
          .isEqualTo(
              "passwordHash is a bcrypt hash of cost 9, below the minimum cost 10 (WEAK_HASH_POLICY=refuse)");
      assertThat(needsRehashByEmail(refusing, users))
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  users.getJsonObject(2).getString("email"), false,
                  users.getJsonObject(3).getString("email"), false));
      assertThat(counted(refusing, "refused")).isEqualTo(2.0);
    } finally {
      refusing.close();
    }
  }
}
