package dev.userbatch;

import static dev.userbatch.support.EventSupport.idsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.userbatch.batch.Operation;
import dev.userbatch.busapi.BatchService;
import dev.userbatch.support.ApiTest;
import dev.userbatch.support.FaultSupport;
import dev.userbatch.support.TestData;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Issue 6, item 3: the {@link BatchService} facade for co-deployed Java code — every operation end
 * to end (checked in the database and the audit trail), {@code processInChunks} and {@code
 * warmCache}.
 */
class BatchServiceTest extends ApiTest {

  private static <T> T await(Future<T> future) {
    return FaultSupport.await(future, 30);
  }

  private Vertx vertx() {
    return service.app.vertx();
  }

  @Test
  void anyOperationOfTheTableCanBeCalledByItsEntry() {
    BatchService batches = BatchService.create(vertx(), "facade-table");
    List<String> ids = idsOf(createdUsers("facade-table", 2));
    JsonObject loggedIn =
        await(
            batches.call(
                Operation.LAST_LOGIN,
                new JsonArray(new ArrayList<>(ids)),
                new JsonObject().put("chunkSize", 1)));
    assertThat(loggedIn.getString("message"))
        .as(loggedIn.encode())
        .isEqualTo("Successfully updated last login for 2 out of 2 users");
    assertThat(loggedIn.getJsonObject("stats").getInteger("chunks")).isEqualTo(2);
    ids.forEach(id -> assertThat(userRow(id).getOffsetDateTime("last_login_at")).isNotNull());
    JsonObject found = await(batches.call(Operation.LOOKUP, new JsonArray().add(ids.get(0)), null));
    assertThat(found.getJsonArray("data").getJsonObject(0).getString("lastLoginAt")).isNotNull();
  }

  @Test
  void everyOperationWorksEndToEnd() {
    String actor = "facade-" + UUID.randomUUID().toString().substring(0, 8);
    BatchService batches = BatchService.create(vertx(), actor);

    JsonObject created =
        await(
            batches.createUsers(
                TestData.usersWithHash("facade", 3), new JsonObject().put("chunkSize", 2)));
    assertThat(created.getBoolean("success")).as(created.encode()).isTrue();
    List<String> ids = idsOf(created.getJsonArray("data"));
    assertThat(ids).hasSize(3);
    for (int i = 0; i < 3; i++) {
      Row row = userRow(ids.get(i));
      assertThat(row).isNotNull();
      assertThat(row.getString("name")).isEqualTo("User " + i);
      assertThat(row.getInteger("version")).isEqualTo(1);
    }

    JsonObject found = await(batches.getUsersByIds(ids, null));
    assertThat(found.getString("message")).isEqualTo("Found 3 out of 3 users");
    assertThat(found.getJsonArray("data")).isEqualTo(created.getJsonArray("data"));

    JsonArray updates = new JsonArray();
    ids.forEach(
        id ->
            updates.add(
                new JsonObject()
                    .put("id", id)
                    .put("expectedVersion", 1)
                    .put("data", new JsonObject().put("name", "Facade Renamed"))));
    JsonObject updated = await(batches.updateUsers(updates, new JsonObject().put("chunkSize", 1)));
    assertThat(updated.getJsonObject("stats").getInteger("successful"))
        .as(updated.encode())
        .isEqualTo(3);
    ids.forEach(
        id -> {
          assertThat(userRow(id).getString("name")).isEqualTo("Facade Renamed");
          assertThat(userRow(id).getInteger("version")).isEqualTo(2);
        });

    JsonObject loggedIn = await(batches.recordLastLogin(ids, null));
    assertThat(loggedIn.getBoolean("success")).as(loggedIn.encode()).isTrue();
    ids.forEach(id -> assertThat(userRow(id).getOffsetDateTime("last_login_at")).isNotNull());

    JsonObject deleted = await(batches.softDeleteUsers(ids.subList(0, 2), null));
    assertThat(deleted.getBoolean("success")).as(deleted.encode()).isTrue();
    assertThat(userRow(ids.get(0)).getOffsetDateTime("deleted_at")).isNotNull();
    assertThat(userRow(ids.get(1)).getOffsetDateTime("deleted_at")).isNotNull();
    assertThat(userRow(ids.get(2)).getOffsetDateTime("deleted_at")).isNull();
    assertThat(await(batches.getUsersByIds(ids, null)).getJsonArray("missing").getList())
        .containsExactlyInAnyOrder(ids.get(0), ids.get(1));

    JsonObject restored = await(batches.restoreUsers(List.of(ids.get(0)), null));
    assertThat(restored.getBoolean("success")).as(restored.encode()).isTrue();
    assertThat(userRow(ids.get(0)).getOffsetDateTime("deleted_at")).isNull();
    assertThat(userRow(ids.get(1)).getOffsetDateTime("deleted_at")).isNotNull();

    // every call is in the audit trail under the facade's actor
    List<String> operations = new ArrayList<>();
    sync(sql("SELECT operation FROM audit_log WHERE actor = $1 ORDER BY started_at", actor))
        .forEach(row -> operations.add(row.getString("operation")));
    assertThat(operations)
        .containsExactly(
            "create", "lookup", "update", "last-login", "soft-delete", "lookup", "restore");

    // a refused request fails the future with the status and the JSON error body
    assertThatThrownBy(
            () ->
                await(
                    batches.createUsers(
                        TestData.usersWithHash("facade-bad", 1),
                        new JsonObject().put("chunkSize", 5000))))
        .hasCauseInstanceOf(ReplyException.class)
        .cause()
        .satisfies(
            err -> {
              ReplyException rejected = (ReplyException) err;
              assertThat(rejected.failureCode()).isEqualTo(400);
              assertThat(new JsonObject(rejected.getMessage()).getString("code"))
                  .isEqualTo("VALIDATION_ERROR");
            });
  }

  @Test
  void processInChunksRunsConsecutiveChunksInOrderOneAtATime() {
    BatchService batches = BatchService.create(vertx(), "facade-chunks");
    List<Integer> items = IntStream.rangeClosed(1, 10).boxed().toList();
    List<List<Integer>> seen = new CopyOnWriteArrayList<>();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    List<Integer> sums =
        await(
            batches.processInChunks(
                items,
                3,
                chunk -> {
                  seen.add(List.copyOf(chunk));
                  maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                  Promise<Integer> done = Promise.promise();
                  // the later chunks finish sooner: results must still come back in chunk order
                  vertx()
                      .setTimer(
                          60 - 10L * seen.size(),
                          t -> {
                            inFlight.decrementAndGet();
                            done.complete(chunk.stream().mapToInt(Integer::intValue).sum());
                          });
                  return done.future();
                }));
    assertThat(seen)
        .containsExactly(List.of(1, 2, 3), List.of(4, 5, 6), List.of(7, 8, 9), List.of(10));
    assertThat(sums).containsExactly(6, 15, 24, 10);
    assertThat(maxInFlight.get()).as("one chunk at a time").isEqualTo(1);
    assertThat(
            await(
                batches.processInChunks(List.<Integer>of(), 3, chunk -> Future.succeededFuture(1))))
        .isEmpty();
  }

  @Test
  void processInChunksStopsAtTheFirstFailedChunkAndFailsOnABadChunkSize() {
    BatchService batches = BatchService.create(vertx(), "facade-chunks");
    List<List<Integer>> seen = new CopyOnWriteArrayList<>();
    Future<List<Integer>> failed =
        batches.processInChunks(
            List.of(1, 2, 3, 4, 5),
            2,
            chunk -> {
              seen.add(List.copyOf(chunk));
              return chunk.contains(3)
                  ? Future.failedFuture(new IllegalStateException("chunk 2 broke"))
                  : Future.succeededFuture(chunk.size());
            });
    assertThatThrownBy(() -> await(failed)).hasRootCauseMessage("chunk 2 broke");
    assertThat(seen).containsExactly(List.of(1, 2), List.of(3, 4));

    Future<List<Integer>> badSize =
        batches.processInChunks(List.of(1), 0, chunk -> Future.succeededFuture(1));
    assertThat(badSize.failed())
        .as("a bad chunk size fails the future (it does not throw)")
        .isTrue();
    assertThat(badSize.cause()).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void warmCacheFillsRedisAndCountsTheUsersFound() {
    JsonArray users = createdUsers("facade-warm", 4);
    List<String> ids = new ArrayList<>(idsOf(users));
    for (String id : ids) {
      sync(redis(Command.DEL, "user:" + id));
      assertThat(cached(id)).isNull();
    }
    List<String> asked = new ArrayList<>(ids);
    asked.add(UUID.randomUUID().toString());

    int found = await(BatchService.create(vertx(), "facade-warm").warmCache(asked));

    assertThat(found).isEqualTo(4);
    for (int i = 0; i < ids.size(); i++) {
      String entry = cached(ids.get(i));
      assertThat(entry).as("cache entry of user %d", i).isNotNull().startsWith("1|");
      assertThat(new JsonObject(entry.substring(entry.indexOf('|') + 1)).getString("id"))
          .isEqualTo(ids.get(i));
    }
  }
}
