package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.config.ServiceConfig;
import dev.userbatch.support.TestData;
import dev.userbatch.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 item 12: audit rows are written while every chunk connection is busy. With one chunk
 * connection held by a chunk that waits on a row lock, another batch's audit row is opened at once
 * (its own pool) instead of queueing behind the chunk; today both share one pool, and under load
 * that wait ended in 503 "audit record could not be written: Timeout waiting for connection".
 */
class PoolIsolationTest {
  private static TestService service;

  @BeforeAll
  static void start() {
    service =
        TestService.start(
            config -> {
              Map<String, String> env = new HashMap<>(System.getenv());
              env.put("PG_POOL_SIZE", "1");
              env.put("DATA_DIR", config.dataDir().toString());
              env.put("SHUTDOWN_TIMEOUT_MS", "3000");
              ServiceConfig loaded =
                  ServiceConfig.load(env)
                      .withHttpPort(config.httpPort())
                      .withEndpoints(config.pgUrl(), config.redisUrl());
              return loaded.withSecurity(loaded.security().withJwtSecret(TestService.JWT_SECRET));
            });
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  private static <T> T sync(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(what + " did not happen within 10 s");
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  private static boolean sqlTrue(String query, Object... params) {
    try {
      return sync(service.pg.preparedQuery(query).execute(Tuple.from(params)))
          .iterator()
          .next()
          .getBoolean(0);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void anAuditRowIsWrittenWhileTheOnlyChunkConnectionWaitsOnALock() throws Exception {
    HttpResponse<Buffer> created =
        sync(
            service
                .http
                .post("/batch/users/create")
                .sendJsonObject(TestData.createRequest(TestData.usersWithHash("pool", 2), null)));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
    JsonArray users = created.bodyAsJsonObject().getJsonArray("data");
    String locked = users.getJsonObject(0).getString("id");
    String other = users.getJsonObject(1).getString("id");

    SqlConnection holder = sync(service.pg.getConnection());
    Transaction lock = sync(holder.begin());
    Future<HttpResponse<Buffer>> blocked;
    Future<HttpResponse<Buffer>> second;
    String correlationId = "pool-isolation-" + UUID.randomUUID();
    try {
      sync(
          holder
              .preparedQuery("SELECT 1 FROM users WHERE id = $1 FOR UPDATE")
              .execute(Tuple.of(UUID.fromString(locked))));
      blocked =
          service
              .http
              .patch("/batch/users/update")
              .sendJsonObject(
                  new JsonObject()
                      .put(
                          "updates",
                          new JsonArray()
                              .add(
                                  new JsonObject()
                                      .put("id", locked)
                                      .put("data", new JsonObject().put("name", "Locked")))));
      await(
          "the update's chunk waiting on the row lock",
          () ->
              sqlTrue(
                  "SELECT count(*) > 0 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                      + "WHERE NOT l.granted AND a.datname = current_database()"));

      second =
          service
              .http
              .delete("/batch/users/soft-delete")
              .putHeader("X-Correlation-Id", correlationId)
              .sendJsonObject(new JsonObject().put("userIds", new JsonArray().add(other)));
      await(
          "the second batch's audit row",
          () ->
              sqlTrue(
                  "SELECT count(*) = 1 FROM audit_log WHERE correlation_id = $1", correlationId));
    } finally {
      sync(lock.rollback());
      sync(holder.close());
    }
    HttpResponse<Buffer> first = sync(blocked);
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
    HttpResponse<Buffer> deleted = sync(second);
    assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(200);
  }
}
