package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.ApiTest;
import dev.userbatch.support.TestData;
import dev.userbatch.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

class LookupUsersTest extends ApiTest {

  private static String idsParam(JsonArray users) {
    List<String> ids = new ArrayList<>();
    users.forEach(u -> ids.add(((JsonObject) u).getString("id")));
    return String.join(",", ids);
  }

  @Test
  void seedExampleFindsAllThreeInRequestOrder(VertxTestContext ctx) {
    createUsers(TestData.usersWithHash("lookup3", 3))
        .compose(
            users ->
                get("/batch/users/lookup?ids=" + idsParam(users) + "&chunkSize=100")
                    .map(
                        response -> {
                          assertThat(response.statusCode()).isEqualTo(200);
                          JsonObject json = response.bodyAsJsonObject();
                          assertThat(json.getBoolean("success")).isTrue();
                          assertThat(json.getString("message")).isEqualTo("Found 3 out of 3 users");
                          assertThat(json.getJsonArray("data")).isEqualTo(users);
                          assertThat(json.getJsonObject("stats"))
                              .isEqualTo(
                                  new JsonObject()
                                      .put("requested", 3)
                                      .put("found", 3)
                                      .put("missing", 0)
                                      .put("failed", 0)
                                      .put("duplicates", 0)
                                      .put("chunks", 1));
                          assertThat(json.getJsonArray("missing")).isEmpty();
                          return null;
                        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void missingInvalidAndRepeatedIds(VertxTestContext ctx) {
    String unknown = UUID.randomUUID().toString();
    createUsers(TestData.usersWithHash("lookupmix", 2))
        .compose(
            users -> {
              JsonArray ids =
                  new JsonArray()
                      .add(users.getJsonObject(0).getString("id"))
                      .add("not-a-uuid")
                      .add(unknown)
                      .add(users.getJsonObject(1).getString("id").toUpperCase())
                      .add(users.getJsonObject(0).getString("id"));
              return post(
                      "/batch/users/lookup",
                      new JsonObject()
                          .put("ids", ids)
                          .put("options", new JsonObject().put("chunkSize", 1)))
                  .map(
                      response -> {
                        JsonObject json = response.bodyAsJsonObject();
                        assertThat(response.statusCode()).as(json.encode()).isEqualTo(207);
                        assertThat(json.getString("message"))
                            .isEqualTo("Batch operation completed with errors");
                        assertThat(json.getJsonArray("data")).isEqualTo(users);
                        assertThat(json.getJsonArray("missing"))
                            .isEqualTo(new JsonArray().add(unknown));
                        assertThat(json.getJsonArray("failed"))
                            .isEqualTo(
                                new JsonArray()
                                    .add(
                                        new JsonObject()
                                            .put("index", 1)
                                            .put("item", "not-a-uuid")
                                            .put("error", "Invalid UUID format")
                                            .put("code", "VALIDATION_ERROR")
                                            .put("path", "$.ids[1]")));
                        assertThat(json.getJsonArray("duplicates"))
                            .isEqualTo(
                                new JsonArray()
                                    .add(
                                        new JsonObject()
                                            .put("index", 4)
                                            .put("item", users.getJsonObject(0).getString("id"))
                                            .put("duplicateOf", 0)));
                        assertThat(json.getJsonObject("stats"))
                            .isEqualTo(
                                new JsonObject()
                                    .put("requested", 4)
                                    .put("found", 2)
                                    .put("missing", 1)
                                    .put("failed", 1)
                                    .put("duplicates", 1)
                                    .put("chunks", 3));
                        return null;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void thousandIdsInTheQueryString(VertxTestContext ctx) {
    createUsers(TestData.usersWithHash("lookup1000", 1000))
        .compose(
            users ->
                get("/batch/users/lookup?ids="
                        + idsParam(users)
                        + "&chunkSize=250&maxConcurrency=4")
                    .map(
                        response -> {
                          JsonObject json = response.bodyAsJsonObject();
                          assertThat(response.statusCode()).isEqualTo(200);
                          assertThat(json.getString("message"))
                              .isEqualTo("Found 1000 out of 1000 users");
                          assertThat(json.getJsonArray("data")).isEqualTo(users);
                          assertThat(json.getJsonObject("stats").getInteger("chunks")).isEqualTo(4);
                          return null;
                        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void secondLookupIsServedFromRedis(VertxTestContext ctx) {
    createUsers(TestData.usersWithHash("cachehit", 1))
        .compose(
            users -> {
              String id = users.getJsonObject(0).getString("id");
              return redis(Command.DEL, "user:" + id)
                  .compose(v -> get("/batch/users/lookup?ids=" + id))
                  .compose(first -> redis(Command.EXISTS, "user:" + id))
                  .compose(
                      exists -> {
                        assertThat(exists.toInteger())
                            .as("lookup wrote the miss back to Redis")
                            .isEqualTo(1);
                        // Change the row behind the cache's back: only a cache hit can still return
                        // the old name.
                        return sql(
                            "UPDATE users SET name = 'Changed In Database' WHERE id = $1",
                            UUID.fromString(id));
                      })
                  .compose(v -> get("/batch/users/lookup?ids=" + id))
                  .compose(
                      second -> {
                        assertThat(
                                second
                                    .bodyAsJsonObject()
                                    .getJsonArray("data")
                                    .getJsonObject(0)
                                    .getString("name"))
                            .isEqualTo("User 0");
                        return redis(Command.TTL, "user:" + id);
                      })
                  .compose(
                      ttl -> {
                        assertThat(ttl.toInteger())
                            .isBetween(1, service.app.config().cacheTtlSeconds());
                        return redis(Command.DEL, "user:" + id);
                      })
                  .compose(v -> get("/batch/users/lookup?ids=" + id))
                  .map(
                      third -> {
                        assertThat(
                                third
                                    .bodyAsJsonObject()
                                    .getJsonArray("data")
                                    .getJsonObject(0)
                                    .getString("name"))
                            .isEqualTo("Changed In Database");
                        return null;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void lookupsAreServedFromPostgresWhenRedisIsDown() throws Exception {
    int port = TestService.freePort();
    RedisServer redisServer =
        RedisServer.newRedisServer()
            .port(port)
            .setting("bind 127.0.0.1")
            .setting("save \"\"")
            .build();
    redisServer.start();
    TestService own =
        TestService.start(
            config ->
                config.withEndpoints(service.app.config().pgUrl(), "redis://127.0.0.1:" + port));
    try {
      JsonArray users = TestData.usersWithHash("redisdown", 3);
      var created =
          await(
              own.http
                  .post("/batch/users/create")
                  .sendJsonObject(TestData.createRequest(users, null)));
      assertThat(created.statusCode()).isEqualTo(200);
      JsonArray data = created.bodyAsJsonObject().getJsonArray("data");
      redisServer.stop();

      var response = await(own.http.get("/batch/users/lookup?ids=" + idsParam(data)).send());
      JsonObject json = response.bodyAsJsonObject();
      assertThat(response.statusCode()).as(json.encode()).isEqualTo(200);
      assertThat(json.getString("message")).isEqualTo("Found 3 out of 3 users");
      assertThat(json.getJsonArray("data")).isEqualTo(data);
    } finally {
      own.close();
      redisServer.stop();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, java.util.concurrent.TimeUnit.SECONDS);
  }
}
