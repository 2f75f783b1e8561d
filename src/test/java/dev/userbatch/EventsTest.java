package dev.userbatch;

import static dev.userbatch.support.EventSupport.auditId;
import static dev.userbatch.support.EventSupport.idsOf;
import static dev.userbatch.support.EventSupport.outboxRow;
import static dev.userbatch.support.EventSupport.streamEntriesOf;
import static dev.userbatch.support.FaultSupport.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.ApiTest;
import dev.userbatch.support.EventSupport;
import dev.userbatch.support.EventSupport.Recorder;
import dev.userbatch.support.FaultSupport;
import dev.userbatch.support.TestData;
import dev.userbatch.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/**
 * Issue 6, item 1: one event per successful write batch, written to the outbox with the change and
 * relayed to the event-bus address {@code users.events} and to the Redis Stream {@code
 * users:events}; none for dry runs, all-failed batches and lookups; events written while Redis is
 * down reach the stream once it is back, exactly once, without repeating the bus event.
 */
class EventsTest extends ApiTest {
  private static final String CREATE = "/batch/users/create";
  private static Recorder recorder;

  @BeforeAll
  static void listen() {
    recorder = new Recorder(TestService.shared().app.vertx());
  }

  @AfterAll
  static void stopListening() {
    recorder.close();
  }

  private static HttpResponse<Buffer> call(
      TestService target, HttpMethod method, String path, String correlationId, JsonObject body) {
    return sync(
        target
            .http
            .request(method, path)
            .putHeader("X-Correlation-Id", correlationId)
            .sendJsonObject(body));
  }

  private static JsonObject userIds(List<String> ids, JsonObject options) {
    JsonObject body = new JsonObject().put("userIds", new JsonArray(new ArrayList<>(ids)));
    return options == null ? body : body.put("options", options);
  }

  private static JsonObject chunks(int size) {
    return new JsonObject().put("chunkSize", size);
  }

  /** Waits until the batch's event reached both channels; checks it there and in the outbox. */
  private static JsonObject expectEvent(
      TestService target,
      Recorder events,
      String correlationId,
      String type,
      List<String> userIds,
      int total,
      int failed,
      Instant before) {
    String eventId = auditId(target.pg, correlationId);
    assertThat(waitFor(10_000, () -> !events.withEventId(eventId).isEmpty()))
        .as("event %s (%s) on the event bus", eventId, type)
        .isTrue();
    assertThat(waitFor(10_000, () -> published(target.pg, eventId)))
        .as("outbox row of %s marked published on both channels", eventId)
        .isTrue();
    Row row = outboxRow(target.pg, eventId);
    assertThat(row.getString("type")).isEqualTo(type);

    JsonObject event = events.withEventId(eventId).get(0);
    assertThat(event.fieldNames())
        .containsExactlyInAnyOrder(
            "eventId", "type", "userIds", "timestamp", "correlationId", "actor", "counts");
    assertThat(event.getString("type")).isEqualTo(type);
    assertThat(event.getJsonArray("userIds").getList())
        .as("user ids of %s", type)
        .containsExactlyInAnyOrderElementsOf(userIds);
    assertThat(event.getString("correlationId")).isEqualTo(correlationId);
    assertThat(event.getString("actor")).isEqualTo("test-suite");
    assertThat(event.getJsonObject("counts"))
        .isEqualTo(
            new JsonObject()
                .put("total", total)
                .put("successful", userIds.size())
                .put("failed", failed));
    Instant timestamp = Instant.parse(event.getString("timestamp"));
    assertThat(timestamp).isBetween(before.minusSeconds(2), Instant.now().plusSeconds(2));

    List<JsonObject> inStream =
        streamEntriesOf(target.redis, before.toEpochMilli() - 5_000, eventId);
    assertThat(inStream).as("stream entries of %s", eventId).hasSize(1);
    assertThat(inStream.get(0).getString("type")).isEqualTo(type);
    assertThat(inStream.get(0).getJsonObject("event")).isEqualTo(event);
    return event;
  }

  /**
   * Runs one more create on {@code target} and waits until its event is out on both channels: the
   * relay publishes in order, so anything it would have published for earlier batches is out by
   * then. Tests use it before asserting that something was NOT published (instead of sleeping).
   */
  private static void sentinelEvent(TestService target, Recorder events) {
    String correlationId = "ev-sentinel-" + UUID.randomUUID();
    HttpResponse<Buffer> created =
        call(
            target,
            HttpMethod.POST,
            CREATE,
            correlationId,
            TestData.createRequest(TestData.usersWithHash("events-sentinel", 1), null));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
    String eventId = auditId(target.pg, correlationId);
    assertThat(
            waitFor(
                10_000,
                () -> !events.withEventId(eventId).isEmpty() && published(target.pg, eventId)))
        .as("sentinel event %s published", eventId)
        .isTrue();
  }

  private static boolean published(Pool pg, String eventId) {
    Row row = outboxRow(pg, eventId);
    return row != null
        && row.getOffsetDateTime("bus_published_at") != null
        && row.getOffsetDateTime("stream_published_at") != null;
  }

  @Test
  void everyWriteOperationEmitsOneEventPerBatchOnBothChannels() {
    Instant before = Instant.now();
    Map<String, String> batches = new LinkedHashMap<>();

    // create: 5 good users and a bad one, in chunks of 2 → one event naming the 5
    JsonArray users = TestData.usersWithHash("events", 5);
    users.add(
        new JsonObject()
            .put("email", "not-an-email")
            .put("name", "Bad")
            .put("passwordHash", TestData.BCRYPT));
    String create = "ev-create-" + UUID.randomUUID();
    HttpResponse<Buffer> created =
        call(service, HttpMethod.POST, CREATE, create, TestData.createRequest(users, chunks(2)));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(207);
    List<String> ids = idsOf(created.bodyAsJsonObject().getJsonArray("data"));
    assertThat(ids).hasSize(5);
    expectEvent(service, recorder, create, "USERS_BATCH_CREATED", ids, 6, 1, before);
    batches.put(create, "USERS_BATCH_CREATED");

    // update: all 5, chunks of 2
    JsonArray updates = new JsonArray();
    ids.forEach(
        id ->
            updates.add(
                new JsonObject()
                    .put("id", id)
                    .put("data", new JsonObject().put("name", "Renamed"))));
    String update = "ev-update-" + UUID.randomUUID();
    HttpResponse<Buffer> updated =
        call(
            service,
            HttpMethod.PATCH,
            "/batch/users/update",
            update,
            new JsonObject().put("updates", updates).put("options", chunks(2)));
    assertThat(updated.statusCode()).as(updated.bodyAsString()).isEqualTo(200);
    expectEvent(service, recorder, update, "USERS_BATCH_UPDATED", ids, 5, 0, before);
    batches.put(update, "USERS_BATCH_UPDATED");

    // last login: all 5, chunks of 2
    String login = "ev-login-" + UUID.randomUUID();
    HttpResponse<Buffer> loggedIn =
        call(service, HttpMethod.PATCH, "/batch/users/last-login", login, userIds(ids, chunks(2)));
    assertThat(loggedIn.statusCode()).as(loggedIn.bodyAsString()).isEqualTo(200);
    expectEvent(service, recorder, login, "USERS_BATCH_LAST_LOGIN", ids, 5, 0, before);
    batches.put(login, "USERS_BATCH_LAST_LOGIN");

    // soft delete: 3 of them and an unknown id (fails alone), chunks of 2
    List<String> deleted = ids.subList(0, 3);
    List<String> toDelete = new ArrayList<>(deleted);
    toDelete.add(UUID.randomUUID().toString());
    String delete = "ev-delete-" + UUID.randomUUID();
    HttpResponse<Buffer> deletedResponse =
        call(
            service,
            HttpMethod.DELETE,
            "/batch/users/soft-delete",
            delete,
            userIds(toDelete, chunks(2)));
    assertThat(deletedResponse.statusCode()).as(deletedResponse.bodyAsString()).isEqualTo(207);
    expectEvent(service, recorder, delete, "USERS_BATCH_DELETED", deleted, 4, 1, before);
    batches.put(delete, "USERS_BATCH_DELETED");

    // restore: the 3, chunks of 1
    String restore = "ev-restore-" + UUID.randomUUID();
    HttpResponse<Buffer> restored =
        call(
            service, HttpMethod.POST, "/batch/users/restore", restore, userIds(deleted, chunks(1)));
    assertThat(restored.statusCode()).as(restored.bodyAsString()).isEqualTo(200);
    expectEvent(service, recorder, restore, "USERS_BATCH_RESTORED", deleted, 3, 0, before);
    batches.put(restore, "USERS_BATCH_RESTORED");

    // exactly one event per batch, even after a later batch's event is out (the relay must not
    // repeat them)
    sentinelEvent(service, recorder);
    for (String correlationId : batches.keySet()) {
      String eventId = auditId(service.pg, correlationId);
      assertThat(recorder.withEventId(eventId))
          .as("bus events of %s", batches.get(correlationId))
          .hasSize(1);
      assertThat(streamEntriesOf(service.redis, before.toEpochMilli() - 5_000, eventId))
          .as("stream entries of %s", batches.get(correlationId))
          .hasSize(1);
    }
    assertThat(recorder.naming(ids)).hasSize(batches.size());
  }

  @Test
  void noEventForDryRunsAllFailedBatchesOrLookups() {
    Instant before = Instant.now();
    JsonArray existing = createdUsers("events-none", 2);
    List<String> existingIds = idsOf(existing);
    String createdEvent = auditIdOfLatestCreate(existingIds);

    String dry = "ev-dry-" + UUID.randomUUID();
    HttpResponse<Buffer> dryRun =
        call(
            service,
            HttpMethod.POST,
            CREATE,
            dry,
            TestData.createRequest(
                TestData.usersWithHash("events-dry", 2), new JsonObject().put("dryRun", true)));
    assertThat(dryRun.statusCode()).as(dryRun.bodyAsString()).isEqualTo(200);
    List<String> dryIds = idsOf(dryRun.bodyAsJsonObject().getJsonArray("data"));

    String dryUpdate = "ev-dry-update-" + UUID.randomUUID();
    HttpResponse<Buffer> dryUpdated =
        call(
            service,
            HttpMethod.PATCH,
            "/batch/users/update",
            dryUpdate,
            new JsonObject()
                .put(
                    "updates",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("id", existingIds.get(0))
                                .put("data", new JsonObject().put("name", "Dry"))))
                .put("options", new JsonObject().put("dryRun", true)));
    assertThat(dryUpdated.statusCode()).as(dryUpdated.bodyAsString()).isEqualTo(200);

    String failed = "ev-failed-" + UUID.randomUUID();
    HttpResponse<Buffer> allFailed =
        call(
            service,
            HttpMethod.PATCH,
            "/batch/users/last-login",
            failed,
            userIds(List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString()), null));
    assertThat(allFailed.statusCode()).as(allFailed.bodyAsString()).isEqualTo(422);

    String lookup = "ev-lookup-" + UUID.randomUUID();
    HttpResponse<Buffer> found =
        call(
            service,
            HttpMethod.POST,
            "/batch/users/lookup",
            lookup,
            new JsonObject().put("ids", new JsonArray(new ArrayList<>(existingIds))));
    assertThat(found.statusCode()).as(found.bodyAsString()).isEqualTo(200);

    // A later real write: once its event is out, the relay has passed the batches above.
    String sentinel = "ev-sentinel-" + UUID.randomUUID();
    assertThat(
            call(
                    service,
                    HttpMethod.PATCH,
                    "/batch/users/last-login",
                    sentinel,
                    userIds(existingIds, null))
                .statusCode())
        .isEqualTo(200);
    expectEvent(service, recorder, sentinel, "USERS_BATCH_LAST_LOGIN", existingIds, 2, 0, before);

    for (String correlationId : List.of(dry, dryUpdate, failed, lookup)) {
      String eventId = auditId(service.pg, correlationId);
      // A write batch gets its outbox row when it opens; one that changed nobody keeps it empty.
      Row outbox = outboxRow(service.pg, eventId);
      assertThat(outbox == null || outbox.getArrayOfUUIDs("user_ids").length == 0)
          .as("outbox row of %s names no user", correlationId)
          .isTrue();
      assertThat(recorder.withEventId(eventId)).as("bus events of %s", correlationId).isEmpty();
      assertThat(streamEntriesOf(service.redis, before.toEpochMilli() - 5_000, eventId))
          .as("stream entries of %s", correlationId)
          .isEmpty();
    }
    assertThat(recorder.naming(dryIds)).isEmpty();
    // the users of this test were only created (setup) and logged in (sentinel)
    assertThat(recorder.naming(existingIds))
        .extracting(e -> e.getString("eventId"))
        .containsExactlyInAnyOrder(createdEvent, auditId(service.pg, sentinel));
  }

  private String auditIdOfLatestCreate(List<String> userIds) {
    var rows =
        sync(
            sql(
                "SELECT id FROM audit_log WHERE operation = 'create' AND user_ids @> $1::uuid[]",
                (Object) userIds.stream().map(UUID::fromString).toArray(UUID[]::new)));
    assertThat(rows.size()).isEqualTo(1);
    String eventId = rows.iterator().next().getUUID("id").toString();
    assertThat(waitFor(10_000, () -> !recorder.withEventId(eventId).isEmpty())).isTrue();
    return eventId;
  }

  /**
   * Two instances on one database (as when the service is scaled out without clustering): the event
   * of a batch goes out on the event bus of the instance that ran it, where its co-deployed
   * verticles listen, not on a random instance's bus.
   */
  @Test
  void eachInstancePublishesTheEventsOfItsOwnBatchesOnItsEventBus() {
    TestService other = TestService.start(config -> config);
    try (Recorder otherEvents = new Recorder(other.app.vertx())) {
      Instant before = Instant.now();
      List<String> mine = new ArrayList<>();
      List<String> theirs = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        for (TestService target : List.of(service, other)) {
          String correlationId = "ev-origin-" + i + "-" + UUID.randomUUID();
          HttpResponse<Buffer> created =
              call(
                  target,
                  HttpMethod.POST,
                  CREATE,
                  correlationId,
                  TestData.createRequest(TestData.usersWithHash("events-origin", 1), null));
          assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
          (target == service ? mine : theirs).add(auditId(service.pg, correlationId));
        }
      }
      assertThat(
              waitFor(
                  10_000,
                  () ->
                      mine.stream().allMatch(id -> !recorder.withEventId(id).isEmpty())
                          && theirs.stream()
                              .allMatch(id -> !otherEvents.withEventId(id).isEmpty())))
          .as("every event on the bus of the instance that ran its batch")
          .isTrue();
      assertThat(
              waitFor(
                  10_000,
                  () ->
                      mine.stream().allMatch(id -> published(service.pg, id))
                          && theirs.stream().allMatch(id -> published(service.pg, id))))
          .isTrue();
      // Later events out on both buses: a stray delivery of the batches above would have arrived.
      sentinelEvent(service, recorder);
      sentinelEvent(other, otherEvents);
      for (String id : mine) {
        assertThat(recorder.withEventId(id)).hasSize(1);
        assertThat(otherEvents.withEventId(id))
            .as("event of the shared instance's batch on the other bus")
            .isEmpty();
        assertThat(streamEntriesOf(service.redis, before.toEpochMilli() - 5_000, id)).hasSize(1);
      }
      for (String id : theirs) {
        assertThat(otherEvents.withEventId(id)).hasSize(1);
        assertThat(recorder.withEventId(id))
            .as("event of the other instance's batch on the shared bus")
            .isEmpty();
        assertThat(streamEntriesOf(service.redis, before.toEpochMilli() - 5_000, id)).hasSize(1);
      }
    } finally {
      other.close();
    }
  }

  /**
   * A separate instance on its own database and a test-owned Redis: events written while Redis is
   * down still go out on the event bus at once, and reach the stream once Redis is back, exactly
   * once; the stream is trimmed to about {@code EVENT_STREAM_MAX_LENGTH}.
   */
  @Test
  void eventsWrittenWhileRedisIsDownReachTheStreamWhenItIsBack() throws Exception {
    int port = TestService.freePort();
    RedisServer redisServer = redis(port);
    String pgUrl =
        EventSupport.createDatabase(service.pg, service.app.config().pgUrl(), "events_redis_down");
    TestService own = null;
    RedisServer again = null;
    try {
      redisServer.start();
      own =
          FaultSupport.startService(
              Map.of("EVENT_STREAM_MAX_LENGTH", "5", "EVENT_RELAY_INTERVAL_MS", "100"),
              pgUrl,
              "redis://127.0.0.1:" + port);
      TestService target = own;
      try (Recorder events = new Recorder(own.app.vertx())) {
        Instant before = Instant.now();
        String warmUp = "ev-warm-" + UUID.randomUUID();
        HttpResponse<Buffer> first =
            call(
                own,
                HttpMethod.POST,
                CREATE,
                warmUp,
                TestData.createRequest(TestData.usersWithHash("events-warm", 1), null));
        assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
        expectEvent(
            own,
            events,
            warmUp,
            "USERS_BATCH_CREATED",
            idsOf(first.bodyAsJsonObject().getJsonArray("data")),
            1,
            0,
            before);

        redisServer.stop();
        String whileDown = "ev-down-" + UUID.randomUUID();
        HttpResponse<Buffer> created =
            call(
                own,
                HttpMethod.POST,
                CREATE,
                whileDown,
                TestData.createRequest(TestData.usersWithHash("events-down", 3), chunks(2)));
        assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
        List<String> ids = idsOf(created.bodyAsJsonObject().getJsonArray("data"));
        String eventId = auditId(own.pg, whileDown);
        assertThat(waitFor(10_000, () -> !events.withEventId(eventId).isEmpty()))
            .as("the event-bus event does not wait for Redis")
            .isTrue();
        JsonObject busEvent = events.withEventId(eventId).get(0);
        assertThat(busEvent.getJsonArray("userIds").getList())
            .containsExactlyInAnyOrderElementsOf(ids);
        assertThat(
                waitFor(
                    5_000,
                    () ->
                        outboxRow(target.pg, eventId).getOffsetDateTime("bus_published_at")
                            != null))
            .isTrue();
        // A later batch's bus event: the relay has run passes since, and the stream is still
        // pending.
        String afterDown = "ev-down-later-" + UUID.randomUUID();
        assertThat(
                call(
                        own,
                        HttpMethod.POST,
                        CREATE,
                        afterDown,
                        TestData.createRequest(
                            TestData.usersWithHash("events-down-later", 1), null))
                    .statusCode())
            .isEqualTo(200);
        String laterEventId = auditId(own.pg, afterDown);
        assertThat(waitFor(10_000, () -> !events.withEventId(laterEventId).isEmpty())).isTrue();
        Row pending = outboxRow(own.pg, eventId);
        assertThat(pending.getOffsetDateTime("stream_published_at"))
            .as("stream pending while Redis is down")
            .isNull();

        again = redis(port);
        again.start();
        assertThat(waitFor(10_000, () -> published(target.pg, eventId)))
            .as("the event reaches the stream once Redis is back")
            .isTrue();
        List<JsonObject> inStream = streamEntriesOf(own.redis, 0, eventId);
        assertThat(inStream).hasSize(1);
        assertThat(inStream.get(0).getJsonObject("event")).isEqualTo(busEvent);
        sentinelEvent(own, events);
        assertThat(streamEntriesOf(own.redis, 0, eventId))
            .as("exactly once in the stream")
            .hasSize(1);
        assertThat(events.withEventId(eventId)).as("the bus event is not repeated").hasSize(1);

        // trimming: 12 more events into a stream capped at about 5 entries
        List<String> later = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
          String correlationId = "ev-trim-" + i + "-" + UUID.randomUUID();
          assertThat(
                  call(
                          own,
                          HttpMethod.POST,
                          CREATE,
                          correlationId,
                          TestData.createRequest(TestData.usersWithHash("events-trim", 1), null))
                      .statusCode())
              .isEqualTo(200);
          later.add(auditId(own.pg, correlationId));
        }
        assertThat(waitFor(10_000, () -> later.stream().allMatch(id -> published(target.pg, id))))
            .isTrue();
        long length = EventSupport.streamLength(own.redis);
        assertThat(length).as("stream length with EVENT_STREAM_MAX_LENGTH=5").isBetween(5L, 8L);
        assertThat(streamEntriesOf(own.redis, 0, later.get(later.size() - 1)))
            .as("the newest event stays")
            .hasSize(1);
      }
    } finally {
      if (own != null) {
        own.close();
      }
      redisServer.stop();
      if (again != null) {
        again.stop();
      }
      EventSupport.dropDatabase(service.pg, pgUrl);
    }
  }

  /**
   * Events are relayed by the instance that ran their batch; one whose instance is gone is taken
   * over by any instance: a finished batch after a minute, a batch that never finished after ten
   * minutes without a new chunk. A recent batch of another (live) instance is left to it. On its
   * own database, so that no other instance can take the rows first.
   */
  @Test
  void eventsOfAnInstanceThatIsGoneAreRelayedByAnother() throws Exception {
    int port = TestService.freePort();
    RedisServer redisServer = redis(port);
    String pgUrl =
        EventSupport.createDatabase(service.pg, service.app.config().pgUrl(), "events_takeover");
    TestService own = null;
    try {
      redisServer.start();
      own = FaultSupport.startService(Map.of(), pgUrl, "redis://127.0.0.1:" + port);
      TestService target = own;
      try (Recorder events = new Recorder(own.app.vertx())) {
        String finishedLongAgo = orphan(own.pg, 120, 120);
        String neverFinished = orphan(own.pg, null, 660);
        String otherInstanceJustNow = orphan(own.pg, 1, 1);
        String neverFinishedRecently = orphan(own.pg, null, 60);

        assertThat(
                waitFor(
                    10_000,
                    () ->
                        published(target.pg, finishedLongAgo)
                            && published(target.pg, neverFinished)))
            .as("orphaned events taken over")
            .isTrue();
        JsonObject event = events.withEventId(finishedLongAgo).get(0);
        assertThat(event.getString("actor")).isEqualTo("gone-instance");
        assertThat(event.getString("correlationId")).isEqualTo("orphan-" + finishedLongAgo);
        assertThat(event.getJsonObject("counts"))
            .isEqualTo(new JsonObject().put("total", 1).put("successful", 1).put("failed", 0));
        assertThat(events.withEventId(neverFinished)).hasSize(1);
        assertThat(streamEntriesOf(own.redis, 0, finishedLongAgo)).hasSize(1);
        assertThat(streamEntriesOf(own.redis, 0, neverFinished)).hasSize(1);

        // One relay query covers local and orphaned rows: once a later event is out, the rows below
        // were passed over.
        sentinelEvent(own, events);
        for (String left : List.of(otherInstanceJustNow, neverFinishedRecently)) {
          Row row = outboxRow(own.pg, left);
          assertThat(row.getOffsetDateTime("bus_published_at"))
              .as("left to its instance: " + left)
              .isNull();
          assertThat(row.getOffsetDateTime("stream_published_at")).isNull();
          assertThat(events.withEventId(left)).isEmpty();
        }
      }
    } finally {
      if (own != null) {
        own.close();
      }
      redisServer.stop();
      EventSupport.dropDatabase(service.pg, pgUrl);
    }
  }

  /**
   * An outbox row (one user) as a batch of another instance leaves it: its audit row finished
   * {@code finishedAgo} seconds ago (null: still running), its last chunk {@code lastChunkAgo}
   * seconds ago.
   */
  private static String orphan(Pool pg, Integer finishedAgo, int lastChunkAgo) {
    UUID id = UUID.randomUUID();
    FaultSupport.await(
        pg.preparedQuery(
                "INSERT INTO audit_log (id, operation, actor, correlation_id, total, "
                    + "successful, failed, outcome, started_at, finished_at) VALUES ($1, 'create', 'gone-instance', $2, 1, 1, "
                    + "CASE WHEN $3::int IS NULL THEN NULL ELSE 0 END, "
                    + "CASE WHEN $3::int IS NULL THEN 'running' ELSE 'success' END, "
                    + "now() - make_interval(secs => $4::int + 1), now() - make_interval(secs => $3::int))")
            .execute(Tuple.of(id, "orphan-" + id, finishedAgo, lastChunkAgo)),
        10);
    // The changes before the outbox row: the relay must never see the row without them.
    FaultSupport.await(
        pg.preparedQuery(
                "INSERT INTO batch_changes (batch_id, chunk_number, user_ids, created_at) "
                    + "VALUES ($1, 0, ARRAY[$2::uuid], now() - make_interval(secs => $3::int))")
            .execute(Tuple.of(id, UUID.randomUUID(), lastChunkAgo)),
        10);
    FaultSupport.await(
        pg.preparedQuery(
                "INSERT INTO outbox_events (event_id, type, created_at) "
                    + "VALUES ($1, 'USERS_BATCH_CREATED', now() - make_interval(secs => $2::int + 1))")
            .execute(Tuple.of(id, lastChunkAgo)),
        10);
    return id.toString();
  }

  /** A test-owned Redis; small stream nodes so that {@code MAXLEN ~} trims at a small scale. */
  private static RedisServer redis(int port) {
    try {
      return RedisServer.newRedisServer()
          .port(port)
          .setting("bind 127.0.0.1")
          .setting("save \"\"")
          .setting("stream-node-max-entries 2")
          .build();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
