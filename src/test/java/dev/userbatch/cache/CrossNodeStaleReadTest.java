package dev.userbatch.cache;

import static dev.userbatch.support.FaultSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.CuttableProxy;
import dev.userbatch.support.FaultSupport;
import dev.userbatch.support.TestData;
import dev.userbatch.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, item 4: two nodes on one PostgreSQL and one Redis; node A loses Redis (its connections
 * cut, new ones refused) while node B keeps it. Writes made through A cannot reach the cache, so
 * Redis keeps the entries from before them; B must never serve those, from the first lookup after A
 * answered.
 */
class CrossNodeStaleReadTest {

  private static JsonObject lookup(TestService node, List<String> ids) {
    HttpResponse<Buffer> response =
        await(node.http.get("/batch/users/lookup?ids=" + String.join(",", ids)).send(), 30);
    assertThat(response.statusCode()).as(response.bodyAsString()).isIn(200, 207, 422);
    return response.bodyAsJsonObject();
  }

  private static Map<String, String> namesById(JsonObject lookup) {
    Map<String, String> names = new HashMap<>();
    lookup
        .getJsonArray("data")
        .forEach(
            u -> names.put(((JsonObject) u).getString("id"), ((JsonObject) u).getString("name")));
    return names;
  }

  private static Response redisGet(TestService node, String key) {
    return await(node.redis.send(Request.cmd(Command.GET).arg(key)), 10);
  }

  @Test
  void aWriteThroughLostOnOneNodeIsNeverServedStaleByAnother() {
    TestService nodeB = TestService.shared();
    URI redis = URI.create(nodeB.app.config().redisUrl());
    try (CuttableProxy proxy = new CuttableProxy(redis.getHost(), redis.getPort())) {
      String proxied =
          "redis://127.0.0.1:" + proxy.port() + (redis.getPath() == null ? "" : redis.getPath());
      TestService nodeA =
          FaultSupport.startService(Map.of("CACHE_TIMEOUT_MS", "300"), null, proxied);
      try {
        JsonArray created =
            await(
                    nodeA
                        .http
                        .post("/batch/users/create")
                        .sendJsonObject(
                            TestData.createRequest(TestData.usersWithHash("stale-read", 3), null)),
                    30)
                .bodyAsJsonObject()
                .getJsonArray("data");
        List<String> ids = created.stream().map(u -> ((JsonObject) u).getString("id")).toList();
        Map<String, String> before = namesById(lookup(nodeB, ids));
        assertThat(before).hasSize(3);
        assertThat(namesById(lookup(nodeB, ids))).isEqualTo(before);
        for (String id : ids) {
          assertThat(redisGet(nodeB, UserCache.KEY_PREFIX + id)).as("cached by node B").isNotNull();
        }

        proxy.cutAll();
        HttpResponse<Buffer> renamed =
            await(
                nodeA
                    .http
                    .request(HttpMethod.PATCH, "/batch/users/update")
                    .sendJsonObject(
                        new JsonObject()
                            .put(
                                "updates",
                                new JsonArray()
                                    .add(
                                        new JsonObject()
                                            .put("id", ids.get(0))
                                            .put(
                                                "data",
                                                new JsonObject().put("name", "Renamed on A"))))),
                30);
        assertThat(renamed.statusCode()).as(renamed.bodyAsString()).isEqualTo(200);
        HttpResponse<Buffer> deleted =
            await(
                nodeA
                    .http
                    .request(HttpMethod.DELETE, "/batch/users/soft-delete")
                    .sendJsonObject(
                        new JsonObject().put("userIds", new JsonArray().add(ids.get(1)))),
                30);
        assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(200);

        // Node A's write-throughs were lost: Redis still holds the entries from before.
        assertThat(redisGet(nodeB, UserCache.KEY_PREFIX + ids.get(0)).toString())
            .contains(before.get(ids.get(0)))
            .doesNotContain("Renamed on A");
        assertThat(redisGet(nodeB, UserCache.KEY_PREFIX + ids.get(1)).toString())
            .contains(before.get(ids.get(1)));

        // Node B never serves them, from its first lookup after A answered.
        for (int round = 0; round < 3; round++) {
          JsonObject seen = lookup(nodeB, ids);
          Map<String, String> names = namesById(seen);
          assertThat(names.get(ids.get(0))).as("round " + round).isEqualTo("Renamed on A");
          assertThat(names).as("round " + round).doesNotContainKey(ids.get(1));
          assertThat(seen.getJsonArray("missing").getList()).containsExactly(ids.get(1));
          assertThat(names.get(ids.get(2))).isEqualTo(before.get(ids.get(2)));
        }
        // ... and caches the current rows again (under the new generation).
        assertThat(redisGet(nodeB, UserCache.KEY_PREFIX + ids.get(0)).toString())
            .contains("Renamed on A");
      } finally {
        nodeA.close();
      }
    }
  }
}
