package dev.userbatch;

import static dev.userbatch.support.FaultSupport.REPLAYED_HEADER;
import static dev.userbatch.support.FaultSupport.await;
import static dev.userbatch.support.FaultSupport.sleep;
import static dev.userbatch.support.FaultSupport.waitFor;
import static dev.userbatch.support.TestData.createRequest;
import static dev.userbatch.support.TestData.userWithHash;
import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.Scopes;
import dev.userbatch.support.ApiTest;
import dev.userbatch.support.FaultSupport;
import dev.userbatch.support.TestData;
import dev.userbatch.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * Issue 7, item 5: the service under real faults. Tests that stop PostgreSQL or Redis use servers
 * of their own (embedded), and a service instance of their own on them.
 */
class FaultToleranceTest extends ApiTest {
  private static final Logger LOG = LoggerFactory.getLogger(FaultToleranceTest.class);
  private static final String CREATE = "/batch/users/create";
  private static final Set<String> SYSTEM_CODES =
      Set.of("DATABASE_UNAVAILABLE", "TIMEOUT", "NOT_PROCESSED");

  // ------------------------------------------------------------------------------------------
  // helpers

  private static EmbeddedPostgres startPostgres(Path dir, int port) throws IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dir)
        .setCleanDataDirectory(false)
        .setPort(port)
        .setRegisterShutdownHook(false)
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("unix_socket_directories", "")
        .setServerConfig("synchronous_commit", "on")
        .start();
  }

  private static RedisServer startRedis(Path dir, int port) throws IOException {
    RedisServer server =
        RedisServer.newRedisServer()
            .port(port)
            .bind("127.0.0.1")
            .setting("dir " + dir)
            // The cache survives a restart, as it does with the embedded Redis of the service:
            // entries
            // a lost invalidation left behind come back with it.
            .setting("appendonly yes")
            .setting("appendfsync always")
            .setting("save \"\"")
            .build();
    server.start();
    return server;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  private static JsonArray users(String tag, int count) {
    String run = UUID.randomUUID().toString().substring(0, 8);
    JsonArray users = new JsonArray();
    for (int i = 0; i < count; i++) {
      users.add(userWithHash(tag + "-" + run + "-" + i + "@example.com", "User " + i));
    }
    return users;
  }

  private static String[] emails(JsonArray users) {
    String[] emails = new String[users.size()];
    for (int i = 0; i < users.size(); i++) {
      emails[i] = users.getJsonObject(i).getString("email").toLowerCase();
    }
    return emails;
  }

  /** Email → id of the active users among {@code emails}. */
  private static Map<String, String> activeIdsByEmail(Pool pg, String[] emails) {
    Map<String, String> ids = new HashMap<>();
    for (Row row :
        await(
            pg.preparedQuery(
                    "SELECT lower(email) AS email, id FROM users "
                        + "WHERE lower(email) = ANY($1::text[]) AND deleted_at IS NULL")
                .execute(Tuple.of((Object) emails)),
            30)) {
      assertThat(ids.put(row.getString("email"), row.getUUID("id").toString()))
          .as("one active user per email")
          .isNull();
    }
    return ids;
  }

  private static long countUsers(Pool pg, String[] emails) {
    return await(
            pg.preparedQuery("SELECT count(*) AS n FROM users WHERE lower(email) = ANY($1::text[])")
                .execute(Tuple.of((Object) emails)),
            30)
        .iterator()
        .next()
        .getLong("n");
  }

  /** Backends of the batch waiting for a lock in their INSERT into users. */
  private static long waitingInserts(Pool pg) {
    return await(
            pg.query(
                    "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        + "AND query LIKE 'INSERT INTO users%'")
                .execute(),
            30)
        .iterator()
        .next()
        .getLong("n");
  }

  /**
   * Every chunk of {@code chunkSize} consecutive items is entirely in the database or not at all.
   */
  private static int assertNoHalfChunk(String[] emails, Set<String> present, int chunkSize) {
    int writtenChunks = 0;
    for (int start = 0; start < emails.length; start += chunkSize) {
      int end = Math.min(emails.length, start + chunkSize);
      int in = 0;
      for (int i = start; i < end; i++) {
        in += present.contains(emails[i]) ? 1 : 0;
      }
      assertThat(in)
          .as("chunk of items %d..%d is all or nothing", start, end - 1)
          .isIn(0, end - start);
      writtenChunks += in == 0 ? 0 : 1;
    }
    return writtenChunks;
  }

  /** Every item appears once in data or failed; data holds the successful ones. */
  private static void assertAccountedFor(JsonObject json, int total) {
    JsonObject stats = json.getJsonObject("stats");
    assertThat(stats.getInteger("total")).isEqualTo(total);
    assertThat(
            stats.getInteger("successful")
                + stats.getInteger("failed")
                + stats.getInteger("skipped", 0))
        .as("successful + failed = total")
        .isEqualTo(total);
    assertThat(json.getJsonArray("data")).hasSize(stats.getInteger("successful"));
    assertThat(json.getJsonArray("failed")).hasSize(stats.getInteger("failed"));
    Set<Integer> failedIndexes = new HashSet<>();
    json.getJsonArray("failed")
        .forEach(f -> failedIndexes.add(((JsonObject) f).getInteger("index")));
    assertThat(failedIndexes).as("each failed item once").hasSize(stats.getInteger("failed"));
  }

  private static Set<String> dataEmails(JsonObject json) {
    Set<String> emails = new HashSet<>();
    json.getJsonArray("data").forEach(u -> emails.add(((JsonObject) u).getString("email")));
    return emails;
  }

  // ------------------------------------------------------------------------------------------
  // PostgreSQL

  @Test
  void postgresStoppedInTheMiddleOfALargeBatch() throws Exception {
    Path dir = Files.createTempDirectory("fault-pg");
    int port = TestService.freePort();
    EmbeddedPostgres pg = startPostgres(dir, port);
    String pgUrl = "postgresql://postgres@127.0.0.1:" + port + "/postgres";
    TestService own =
        FaultSupport.startService(
            Map.of("CHUNK_TIMEOUT_MS", "10000", "DB_TIMEOUT_MS", "5000"), pgUrl, null);
    try {
      int total = 5000;
      int chunkSize = 100;
      JsonArray users = users("pgstop", total);
      String[] emails = emails(users);
      String key = "pgstop-" + UUID.randomUUID();
      JsonObject body =
          createRequest(
              users, new JsonObject().put("chunkSize", chunkSize).put("maxConcurrency", 2));

      // Hold two emails of chunks 10 and 11 in an open transaction: those chunks stop half-way
      // through
      // their INSERT (rows before the held email already written, uncommitted) and wait, so that
      // the
      // database is stopped with two chunks in flight and half-written.
      SqlConnection blocker = await(own.pg.getConnection(), 30);
      await(blocker.query("BEGIN").execute(), 30);
      for (int held : new int[] {10 * chunkSize + chunkSize / 2, 11 * chunkSize + chunkSize / 2}) {
        await(
            blocker
                .preparedQuery(
                    "INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, 'Held', $3)")
                .execute(Tuple.of(UUID.randomUUID(), emails[held], TestData.BCRYPT)),
            30);
      }

      Future<HttpResponse<Buffer>> pending =
          FaultSupport.send(own, HttpMethod.POST, CREATE, key, body);
      assertThat(
              waitFor(
                  20_000,
                  () ->
                      countUsers(own.pg, emails) == 10L * chunkSize && waitingInserts(own.pg) == 2))
          .as("chunks 0-9 committed, chunks 10 and 11 in flight")
          .isTrue();
      long stopping = System.nanoTime();
      pg.close();
      LOG.info(
          "PostgreSQL stopped mid-batch after {} ms",
          Duration.ofNanos(System.nanoTime() - stopping).toMillis());
      blocker.close();

      HttpResponse<Buffer> response = await(pending, 60);
      Duration afterStop = Duration.ofNanos(System.nanoTime() - stopping);
      JsonObject json = response.bodyAsJsonObject();
      LOG.info(
          "mid-batch response {} after {} ms: {}",
          response.statusCode(),
          afterStop.toMillis(),
          json.getJsonObject("stats"));
      assertThat(afterStop)
          .as("the request ends within its timeout")
          .isLessThan(Duration.ofSeconds(15));
      assertThat(response.statusCode())
          .as(json.getJsonObject("stats", new JsonObject()).encode())
          .isEqualTo(207);
      assertAccountedFor(json, total);
      assertThat(json.getJsonObject("stats").getInteger("failed"))
          .as("the fault hit the batch")
          .isPositive();
      Set<String> failedCodes = new HashSet<>();
      json.getJsonArray("failed").forEach(f -> failedCodes.add(((JsonObject) f).getString("code")));
      assertThat(SYSTEM_CODES).containsAll(failedCodes);

      // While PostgreSQL is down, new batches are refused up front, with or without a key.
      HttpResponse<Buffer> refused =
          await(
              FaultSupport.send(
                  own, HttpMethod.POST, CREATE, null, createRequest(users("pgdown", 1), null)),
              30);
      assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(503);
      HttpResponse<Buffer> refusedWithKey =
          await(
              FaultSupport.send(
                  own,
                  HttpMethod.POST,
                  CREATE,
                  "pgdown-" + UUID.randomUUID(),
                  createRequest(users("pgdown", 1), null)),
              30);
      assertThat(refusedWithKey.statusCode()).as(refusedWithKey.bodyAsString()).isEqualTo(503);
      assertThat(refusedWithKey.bodyAsJsonObject().getString("code"))
          .isEqualTo("DATABASE_UNAVAILABLE");

      pg = startPostgres(dir, port);

      // No half chunk: each chunk's users are all there or none; the reported successes are there.
      Map<String, String> present = activeIdsByEmail(own.pg, emails);
      int written = assertNoHalfChunk(emails, present.keySet(), chunkSize);
      assertThat(written).as("chunks 0-9, not the two that were in flight").isEqualTo(10);
      assertThat(json.getJsonObject("stats").getInteger("successful")).isEqualTo(10 * chunkSize);
      assertThat(present.keySet()).containsAll(dataEmails(json));
      json.getJsonArray("data")
          .forEach(
              u ->
                  assertThat(present.get(((JsonObject) u).getString("email")))
                      .isEqualTo(((JsonObject) u).getString("id")));
      int reportedFailedButWritten =
          written * chunkSize - json.getJsonObject("stats").getInteger("successful");
      LOG.info(
          "{} chunks written, {} items reported failed although their chunk committed",
          written,
          reportedFailedButWritten);
      assertThat(reportedFailedButWritten).as("a failed item's chunk was not written").isZero();

      // The same instance serves again once the database is back.
      HttpResponse<Buffer> again = null;
      long deadline = System.currentTimeMillis() + 20_000;
      JsonArray fresh = users("pgback", 1);
      while (System.currentTimeMillis() < deadline) {
        again =
            await(
                FaultSupport.send(own, HttpMethod.POST, CREATE, null, createRequest(fresh, null)),
                30);
        if (again.statusCode() == 200) {
          break;
        }
        sleep(250);
      }
      assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(200);

      // Retrying exactly the failed items completes the batch: every email once.
      JsonArray retry = new JsonArray();
      json.getJsonArray("failed")
          .forEach(f -> retry.add(users.getJsonObject(((JsonObject) f).getInteger("index"))));
      HttpResponse<Buffer> retried =
          await(
              FaultSupport.send(
                  own,
                  HttpMethod.POST,
                  CREATE,
                  null,
                  createRequest(
                      retry, new JsonObject().put("chunkSize", 500).put("onConflict", "skip"))),
              60);
      assertThat(retried.statusCode()).as(retried.bodyAsString()).isEqualTo(200);
      assertThat(activeIdsByEmail(own.pg, emails)).hasSize(total);
      assertThat(countUsers(own.pg, emails)).isEqualTo(total);
    } finally {
      own.close();
      pg.close();
      deleteRecursively(dir);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Redis

  private static JsonObject lookup(TestService service, List<String> ids) {
    HttpResponse<Buffer> response =
        await(
            service
                .http
                .post("/batch/users/lookup")
                .sendJsonObject(new JsonObject().put("ids", new JsonArray(new ArrayList<>(ids)))),
            30);
    // Valid ids never fail a lookup (unknown ones are "missing"), with or without Redis.
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
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

  private static Response redisCall(TestService service, Command command, String... args) {
    Request request = Request.cmd(command);
    for (String arg : args) {
      request.arg(arg);
    }
    return await(service.redis.send(request), 10);
  }

  /** Redis answers again (the test's own client reconnects). */
  private static void awaitRedis(TestService service) {
    assertThat(
            waitFor(
                10_000,
                () -> {
                  try {
                    return "PONG".equals(redisCall(service, Command.PING).toString());
                  } catch (RuntimeException e) {
                    return false;
                  }
                }))
        .as("Redis is back")
        .isTrue();
  }

  @Test
  void redisDownDuringUpdatesAndDeletesThenBackNeverServesStaleUsers() throws Exception {
    Path dir = Files.createTempDirectory("fault-redis");
    int port = TestService.freePort();
    RedisServer redisServer = startRedis(dir, port);
    String redisUrl = "redis://127.0.0.1:" + port;
    TestService own = FaultSupport.startService(Map.of("CACHE_TIMEOUT_MS", "300"), null, redisUrl);
    TestService restarted = null;
    try {
      JsonArray created =
          await(
                  own.http.post(CREATE).sendJsonObject(createRequest(users("redisdown", 6), null)),
                  30)
              .bodyAsJsonObject()
              .getJsonArray("data");
      List<String> ids = new ArrayList<>();
      created.forEach(u -> ids.add(((JsonObject) u).getString("id")));
      assertThat(namesById(lookup(own, ids))).hasSize(6);
      assertThat(namesById(lookup(own, ids))).as("served from the warm cache").hasSize(6);
      for (String id : ids) {
        assertThat(redisCall(own, Command.GET, "user:" + id)).as("cached").isNotNull();
      }
      long generationBefore = cacheGeneration(own);

      redisServer.stop();

      // Updates and deletes go on without Redis; the lost invalidations are remembered.
      long started = System.nanoTime();
      JsonArray updates = new JsonArray();
      for (int i = 0; i < 3; i++) {
        updates.add(
            new JsonObject()
                .put("id", ids.get(i))
                .put("data", new JsonObject().put("name", "Renamed " + i)));
      }
      HttpResponse<Buffer> updated =
          await(
              own.http
                  .request(HttpMethod.PATCH, "/batch/users/update")
                  .sendJsonObject(new JsonObject().put("updates", updates)),
              30);
      assertThat(updated.statusCode()).as(updated.bodyAsString()).isEqualTo(200);
      HttpResponse<Buffer> deleted =
          await(
              own.http
                  .request(HttpMethod.DELETE, "/batch/users/soft-delete")
                  .sendJsonObject(
                      new JsonObject()
                          .put("userIds", new JsonArray().add(ids.get(3)).add(ids.get(4)))),
              30);
      assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));

      // Lookups while Redis is down come from PostgreSQL.
      JsonObject during = lookup(own, ids);
      assertFresh(during, ids);

      // Redis comes back with its old entries (AOF): the cached views from before the changes.
      redisServer = startRedis(dir, port);
      awaitRedis(own);
      Response stale = redisCall(own, Command.GET, "user:" + ids.get(0));
      assertThat(stale).as("Redis kept its data across the restart").isNotNull();
      assertThat(stale.toString())
          .as("the entry the lost write-through should have replaced")
          .contains("\"User 0\"");
      Response staleDeleted = redisCall(own, Command.GET, "user:" + ids.get(3));
      assertThat(staleDeleted.toString()).contains("\"User 3\"");

      // The same instance (not restarted) never serves them.
      for (int round = 0; round < 3; round++) {
        assertFresh(lookup(own, ids), ids);
      }
      for (String id : List.of(ids.get(1), ids.get(3), ids.get(5))) {
        assertFresh(lookup(own, List.of(id)), List.of(id), ids);
      }
      // ... because the lost writes bumped the generation (in PostgreSQL, while Redis was away) and
      // the cache was refilled, not because it ignored Redis.
      long generationAfter = cacheGeneration(own);
      assertThat(generationAfter).isGreaterThan(generationBefore);
      String refilled = redisCall(own, Command.GET, "user:" + ids.get(0)).toString();
      assertThat(refilled).startsWith("2|" + generationAfter + "|").contains("\"Renamed 0\"");

      // A change made during a second outage, by an instance that is then restarted before Redis is
      // back, is not lost either: a new process must not trust entries it cannot vouch for.
      assertFresh(lookup(own, ids), ids);
      redisServer.stop();
      HttpResponse<Buffer> renamed =
          await(
              own.http
                  .request(HttpMethod.PATCH, "/batch/users/update")
                  .sendJsonObject(
                      new JsonObject()
                          .put(
                              "updates",
                              new JsonArray()
                                  .add(
                                      new JsonObject()
                                          .put("id", ids.get(5))
                                          .put(
                                              "data", new JsonObject().put("name", "Renamed 5"))))),
              30);
      assertThat(renamed.statusCode()).isEqualTo(200);
      own.close();
      own = null;
      redisServer = startRedis(dir, port);
      restarted = FaultSupport.startService(Map.of("CACHE_TIMEOUT_MS", "300"), null, redisUrl);
      JsonObject afterRestart = lookup(restarted, List.of(ids.get(5)));
      assertThat(namesById(afterRestart).get(ids.get(5))).isEqualTo("Renamed 5");
    } finally {
      if (own != null) {
        own.close();
      }
      if (restarted != null) {
        restarted.close();
      }
      redisServer.stop();
      deleteRecursively(dir);
    }
  }

  /** The cluster's cache generation, kept in PostgreSQL. */
  private static long cacheGeneration(TestService service) {
    return await(service.pg.query("SELECT value FROM cache_generation").execute(), 10)
        .iterator()
        .next()
        .getLong("value");
  }

  private static void assertFresh(JsonObject lookup, List<String> ids) {
    assertFresh(lookup, ids, ids);
  }

  /** Users 0-2 renamed, 3-4 deleted, 5 unchanged (positions in {@code all}). */
  private static void assertFresh(JsonObject lookup, List<String> asked, List<String> all) {
    Map<String, String> names = namesById(lookup);
    List<String> missing = new ArrayList<>();
    lookup.getJsonArray("missing").forEach(id -> missing.add((String) id));
    for (String id : asked) {
      int i = all.indexOf(id);
      if (i < 3) {
        assertThat(names.get(id)).as("user %d after its rename", i).isEqualTo("Renamed " + i);
      } else if (i < 5) {
        assertThat(missing).as("user %d after its deletion", i).contains(id);
        assertThat(names).doesNotContainKey(id);
      } else {
        assertThat(names.get(id)).isEqualTo("User " + i);
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // timeouts

  @Test
  void aChunkReportedAsTimedOutIsNeverWrittenLater() {
    // The statement timeout is longer than the chunk timeout: the coordinator gives up first.
    TestService own =
        FaultSupport.startService(
            Map.of("CHUNK_TIMEOUT_MS", "1000", "DB_TIMEOUT_MS", "10000"), null, null);
    try {
      JsonArray users = users("timeout", 3);
      String[] emails = emails(users);
      SqlConnection blocker = await(own.pg.getConnection(), 30);
      await(blocker.query("BEGIN").execute(), 30);
      await(
          blocker
              .preparedQuery(
                  "INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, 'Held', $3)")
              .execute(Tuple.of(UUID.randomUUID(), emails[1], TestData.BCRYPT)),
          30);
      HttpResponse<Buffer> response =
          await(
              FaultSupport.send(own, HttpMethod.POST, CREATE, null, createRequest(users, null)),
              30);
      JsonObject json = response.bodyAsJsonObject();
      assertThat(response.statusCode()).as(json.encode()).isEqualTo(422);
      json.getJsonArray("failed")
          .forEach(f -> assertThat(((JsonObject) f).getString("code")).isEqualTo("TIMEOUT"));

      await(blocker.query("ROLLBACK").execute(), 30);
      blocker.close();
      // "Never written later" is final once no transaction that inserts users is still open.
      assertThat(
              FaultSupport.waitFor(
                  10_000,
                  () ->
                      await(
                                  own.pg
                                      .query(
                                          "SELECT count(*) FROM pg_stat_activity "
                                              + "WHERE state <> 'idle' AND query LIKE 'INSERT INTO users%'")
                                      .execute(),
                                  30)
                              .iterator()
                              .next()
                              .getLong(0)
                          == 0))
          .as("the timed-out chunk's transaction ended")
          .isTrue();
      assertThat(countUsers(own.pg, emails))
          .as("users reported TIMEOUT must not appear afterwards")
          .isZero();
    } finally {
      own.close();
    }
  }

  // ------------------------------------------------------------------------------------------
  // concurrency

  @Test
  void tenConcurrentCreateBatchesWithOverlappingEmails() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<String> pool = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      pool.add("overlap-" + run + "-" + i + "@example.com");
    }
    Random random = new Random(7);
    List<JsonArray> batches = new ArrayList<>();
    Set<String> used = new HashSet<>();
    for (int b = 0; b < 10; b++) {
      List<String> shuffled = new ArrayList<>(pool);
      Collections.shuffle(shuffled, random);
      JsonArray users = new JsonArray();
      for (String email : shuffled.subList(0, 200)) {
        users.add(userWithHash(email, "Batch " + b));
        used.add(email);
      }
      batches.add(users);
    }
    List<Future<HttpResponse<Buffer>>> pending = new ArrayList<>();
    for (JsonArray users : batches) {
      pending.add(post(CREATE, createRequest(users, new JsonObject().put("chunkSize", 50))));
    }
    int successful = 0;
    Map<String, String> createdIdByEmail = new HashMap<>();
    for (Future<HttpResponse<Buffer>> future : pending) {
      HttpResponse<Buffer> response = await(future, 60);
      JsonObject json = response.bodyAsJsonObject();
      // How many emails each batch loses to the others varies; the status must match its counts
      // exactly.
      JsonObject stats = json.getJsonObject("stats", new JsonObject());
      int expectedStatus =
          stats.getInteger("failed") == 0 ? 200 : stats.getInteger("successful") == 0 ? 422 : 207;
      assertThat(response.statusCode()).as(stats.encode()).isEqualTo(expectedStatus);
      assertAccountedFor(json, 200);
      json.getJsonArray("failed")
          .forEach(
              f ->
                  assertThat(((JsonObject) f).getString("code"))
                      .as(((JsonObject) f).encode())
                      .isEqualTo("DUPLICATE_EMAIL"));
      for (Object u : json.getJsonArray("data")) {
        JsonObject user = (JsonObject) u;
        assertThat(createdIdByEmail.put(user.getString("email"), user.getString("id")))
            .as("%s reported created by two batches", user.getString("email"))
            .isNull();
      }
      successful += json.getJsonObject("stats").getInteger("successful");
    }
    String[] emails = used.toArray(String[]::new);
    Map<String, String> inDb = activeIdsByEmail(service.pg, emails);
    assertThat(countUsers(service.pg, emails)).as("each email exactly once").isEqualTo(used.size());
    assertThat(inDb).hasSize(used.size());
    assertThat(successful).isEqualTo(used.size());
    assertThat(createdIdByEmail).isEqualTo(inDb);
  }

  // ------------------------------------------------------------------------------------------
  // disconnects

  private static byte[] rawRequest(TestService service, String key, JsonObject body) {
    byte[] bytes = body.toBuffer().getBytes();
    String head =
        "POST "
            + CREATE
            + " HTTP/1.1\r\n"
            + "Host: 127.0.0.1:"
            + service.port()
            + "\r\n"
            + "Content-Type: application/json\r\n"
            + "Authorization: Bearer "
            + service.token("test-suite", Scopes.READ, Scopes.WRITE)
            + "\r\n"
            + "Idempotency-Key: "
            + key
            + "\r\n"
            + "Content-Length: "
            + bytes.length
            + "\r\n\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[headBytes.length + bytes.length];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    System.arraycopy(bytes, 0, all, headBytes.length, bytes.length);
    return all;
  }

  @Test
  void aClientThatDisconnectsMidBatchCanRetryWithTheSameKey() throws Exception {
    int total = 3000;
    int chunkSize = 100;
    JsonArray users = users("disconnect", total);
    String[] emails = emails(users);
    String key = "disconnect-" + UUID.randomUUID();
    JsonObject body =
        createRequest(users, new JsonObject().put("chunkSize", chunkSize).put("maxConcurrency", 2));

    try (Socket socket = new Socket("127.0.0.1", service.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(rawRequest(service, key, body));
      out.flush();
      assertThat(waitFor(20_000, () -> countUsers(service.pg, emails) >= 3 * chunkSize))
          .as("the batch got going")
          .isTrue();
      socket.setSoLinger(true, 0); // reset, not a polite close
    }

    // Retry at once, then until the first run is over: 409 while it runs, then its own response.
    List<Integer> statuses = new ArrayList<>();
    HttpResponse<Buffer> retry;
    long deadline = System.currentTimeMillis() + 40_000;
    do {
      retry = await(FaultSupport.send(service, HttpMethod.POST, CREATE, key, body), 30);
      statuses.add(retry.statusCode());
      if (retry.statusCode() == 409) {
        assertThat(retry.bodyAsJsonObject().getString("code")).isEqualTo("IDEMPOTENCY_KEY_IN_USE");
        sleep(100);
      }
    } while (retry.statusCode() == 409 && System.currentTimeMillis() < deadline);
    LOG.info("retry statuses after the disconnect: {}", statuses);
    assertThat(retry.statusCode()).as(retry.bodyAsString()).isEqualTo(200);
    assertThat(retry.getHeader(REPLAYED_HEADER))
        .as("the first run's response, not a second run")
        .isEqualTo("true");
    JsonObject json = retry.bodyAsJsonObject();
    assertAccountedFor(json, total);
    assertThat(json.getJsonObject("stats").getInteger("successful")).isEqualTo(total);

    Map<String, String> inDb = activeIdsByEmail(service.pg, emails);
    assertNoHalfChunk(emails, inDb.keySet(), chunkSize);
    assertThat(countUsers(service.pg, emails)).as("nobody created twice").isEqualTo(total);
    json.getJsonArray("data")
        .forEach(
            u ->
                assertThat(inDb.get(((JsonObject) u).getString("email")))
                    .isEqualTo(((JsonObject) u).getString("id")));
  }

  @Test
  void aClientThatDisconnectsBeforeTheBodyArrivedStartedNothing() throws Exception {
    JsonArray users = users("halfbody", 20);
    String key = "halfbody-" + UUID.randomUUID();
    JsonObject body = createRequest(users, null);
    byte[] request = rawRequest(service, key, body);
    try (Socket socket = new Socket("127.0.0.1", service.port())) {
      socket.getOutputStream().write(request, 0, request.length - body.toBuffer().length() / 2);
      socket.getOutputStream().flush();
    }
    // Had the half request started anything, the retry under its key would be refused (409),
    // replayed,
    // or fail on emails that exist already; a fresh 200 that creates exactly the 20 proves it did
    // not.
    HttpResponse<Buffer> retry =
        await(FaultSupport.send(service, HttpMethod.POST, CREATE, key, body), 30);
    assertThat(retry.statusCode()).as(retry.bodyAsString()).isEqualTo(200);
    assertThat(retry.getHeader(REPLAYED_HEADER)).isNull();
    assertThat(countUsers(service.pg, emails(users))).isEqualTo(20);
  }
}
