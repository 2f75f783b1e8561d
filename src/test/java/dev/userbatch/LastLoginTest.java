package dev.userbatch;

import static dev.userbatch.support.FaultSupport.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.ApiTest;
import dev.userbatch.support.TestData;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LastLoginTest extends ApiTest {
  private static final String PATH = "/batch/users/last-login";

  private static JsonObject request(JsonArray userIds, JsonObject options) {
    JsonObject body = new JsonObject().put("userIds", userIds);
    return options == null ? body : body.put("options", options);
  }

  private HttpResponse<Buffer> lastLogin(JsonArray userIds, JsonObject options) {
    return call(HttpMethod.PATCH, PATH, request(userIds, options));
  }

  @Test
  void recordsTheLastLoginOfEveryUserAndCachesIt(VertxTestContext ctx) {
    Instant before = Instant.now().minusSeconds(5);
    createUsers(TestData.usersWithHash("login", 2))
        .compose(
            users -> {
              JsonArray userIds = new JsonArray().add(id(users, 0)).add(id(users, 1));
              return send(
                      HttpMethod.PATCH,
                      PATH,
                      request(userIds, new JsonObject().put("chunkSize", 1)))
                  .compose(
                      response -> {
                        JsonObject json = response.bodyAsJsonObject();
                        assertThat(response.statusCode()).as(json.encode()).isEqualTo(200);
                        assertThat(json.getBoolean("success")).isTrue();
                        assertThat(json.getString("message"))
                            .isEqualTo("Successfully updated last login for 2 out of 2 users");
                        assertThat(json.getJsonArray("failed")).isEmpty();
                        assertThat(json.getJsonObject("stats"))
                            .isEqualTo(
                                new JsonObject()
                                    .put("total", 2)
                                    .put("successful", 2)
                                    .put("failed", 0)
                                    .put("duplicates", 0)
                                    .put("chunks", 2));
                        JsonArray data = json.getJsonArray("data");
                        assertThat(data).hasSize(2);
                        assertThat(data.getJsonObject(0).getString("id")).isEqualTo(id(users, 0));
                        assertThat(data.getJsonObject(1).getString("id")).isEqualTo(id(users, 1));
                        assertThat(data.getJsonObject(0).fieldNames())
                            .doesNotContain("passwordHash", "password_hash");
                        return sql(
                                "SELECT id, last_login_at FROM users WHERE id = ANY($1::uuid[])",
                                (Object) ids(users))
                            .compose(
                                rows -> {
                                  Map<String, OffsetDateTime> logins = new HashMap<>();
                                  rows.forEach(
                                      row ->
                                          logins.put(
                                              row.getUUID("id").toString(),
                                              row.getOffsetDateTime("last_login_at")));
                                  for (int i = 0; i < 2; i++) {
                                    JsonObject view = data.getJsonObject(i);
                                    OffsetDateTime stored = logins.get(view.getString("id"));
                                    assertThat(stored).isNotNull();
                                    assertThat(stored.toInstant())
                                        .isAfter(before)
                                        .isBefore(Instant.now().plusSeconds(5));
                                    assertThat(Instant.parse(view.getString("lastLoginAt")))
                                        .isEqualTo(stored.toInstant());
                                  }
                                  return redis(Command.GET, "user:" + id(users, 1));
                                })
                            .map(
                                cachedValue -> {
                                  JsonObject view = data.getJsonObject(1);
                                  assertThat(withoutGeneration(cachedValue.toString()))
                                      .isEqualTo(view.getInteger("version") + "|" + view.encode());
                                  return null;
                                });
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void unknownDeletedRepeatedAndInvalidIds() {
    JsonArray users = createdUsers("login-mix", 2);
    String deleted = id(users, 1);
    HttpResponse<Buffer> deletion =
        call(
            HttpMethod.DELETE,
            "/batch/users/soft-delete",
            new JsonObject().put("userIds", new JsonArray().add(deleted)));
    assertThat(deletion.statusCode()).as(deletion.bodyAsString()).isEqualTo(200);
    String unknown = UUID.randomUUID().toString();
    JsonArray userIds =
        new JsonArray()
            .add(id(users, 0))
            .add(unknown)
            .add(deleted)
            .add(id(users, 0).toUpperCase())
            .add("not-a-uuid");
    HttpResponse<Buffer> response = lastLogin(userIds, null);
    JsonObject json = response.bodyAsJsonObject();
    assertThat(response.statusCode()).as(json.encode()).isEqualTo(207);
    assertThat(json.getString("message")).isEqualTo("Batch operation completed with errors");
    assertThat(json.getJsonObject("stats"))
        .isEqualTo(
            new JsonObject()
                .put("total", 4)
                .put("successful", 1)
                .put("failed", 3)
                .put("duplicates", 1)
                .put("chunks", 1));
    assertThat(json.getJsonArray("data")).hasSize(1);
    assertThat(json.getJsonArray("data").getJsonObject(0).getString("id")).isEqualTo(id(users, 0));
    assertThat(json.getJsonArray("duplicates"))
        .isEqualTo(
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("index", 3)
                        .put("item", id(users, 0).toUpperCase())
                        .put("duplicateOf", 0)));
    assertThat(json.getJsonArray("failed"))
        .isEqualTo(
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("index", 1)
                        .put("item", unknown)
                        .put("error", "User not found")
                        .put("code", "USER_NOT_FOUND"))
                .add(
                    new JsonObject()
                        .put("index", 2)
                        .put("item", deleted)
                        .put("error", "User not found")
                        .put("code", "USER_NOT_FOUND"))
                .add(
                    new JsonObject()
                        .put("index", 4)
                        .put("item", "not-a-uuid")
                        .put("error", "Invalid UUID format")
                        .put("code", "VALIDATION_ERROR")
                        .put("path", "$.userIds[4]")));
    assertThat(userRow(id(users, 0)).getOffsetDateTime("last_login_at")).isNotNull();
    Row deletedRow = userRow(deleted);
    assertThat(deletedRow.getOffsetDateTime("last_login_at")).isNull();
    assertThat(deletedRow.getOffsetDateTime("deleted_at")).isNotNull();
  }

  @Test
  void aSecondLoginMovesTheTimestampForward() {
    JsonArray users = createdUsers("login-twice", 1);
    JsonArray userIds = new JsonArray().add(id(users, 0));
    assertThat(lastLogin(userIds, null).statusCode()).isEqualTo(200);
    OffsetDateTime first = userRow(id(users, 0)).getOffsetDateTime("last_login_at");
    // The next login must be later on the database's clock, which is what sets it.
    assertThat(
            waitFor(
                5_000, () -> sync(sql("SELECT now() > $1", first)).iterator().next().getBoolean(0)))
        .isTrue();
    HttpResponse<Buffer> again = lastLogin(userIds, null);
    assertThat(again.statusCode()).isEqualTo(200);
    OffsetDateTime second = userRow(id(users, 0)).getOffsetDateTime("last_login_at");
    assertThat(Duration.between(first, second)).isPositive();
    // A lookup afterwards shows the latest login (the cache was written through).
    JsonObject looked = sync(get("/batch/users/lookup?ids=" + id(users, 0))).bodyAsJsonObject();
    assertThat(Instant.parse(looked.getJsonArray("data").getJsonObject(0).getString("lastLoginAt")))
        .isEqualTo(second.toInstant());
  }

  @Test
  void continueOnErrorFalseLeavesLaterIdsUnprocessed() {
    JsonArray users = createdUsers("login-stop", 3);
    JsonArray userIds =
        new JsonArray()
            .add(id(users, 0))
            .add(UUID.randomUUID().toString())
            .add(id(users, 1))
            .add(id(users, 2));
    HttpResponse<Buffer> response =
        lastLogin(
            userIds,
            new JsonObject()
                .put("chunkSize", 1)
                .put("maxConcurrency", 1)
                .put("continueOnError", false));
    JsonObject json = response.bodyAsJsonObject();
    assertThat(response.statusCode()).as(json.encode()).isEqualTo(207);
    JsonArray failed = json.getJsonArray("failed");
    assertThat(failed).hasSize(3);
    assertThat(failed.getJsonObject(0).getString("code")).isEqualTo("USER_NOT_FOUND");
    assertThat(failed.getJsonObject(1).getInteger("index")).isEqualTo(2);
    assertThat(failed.getJsonObject(1).getString("code")).isEqualTo("NOT_PROCESSED");
    assertThat(failed.getJsonObject(2).getString("code")).isEqualTo("NOT_PROCESSED");
    assertThat(userRow(id(users, 0)).getOffsetDateTime("last_login_at")).isNotNull();
    assertThat(userRow(id(users, 1)).getOffsetDateTime("last_login_at")).isNull();
    assertThat(userRow(id(users, 2)).getOffsetDateTime("last_login_at")).isNull();
  }
}
