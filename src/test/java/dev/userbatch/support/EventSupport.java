package dev.userbatch.support;

import dev.userbatch.db.BatchChanges;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** Helpers of the event tests (issue 6): the event-bus address, the Redis Stream, the outbox. */
public final class EventSupport {
  public static final String ADDRESS = "users.events";
  public static final String STREAM = "users:events";

  private EventSupport() {}

  /** Every event published on {@value #ADDRESS} of one Vert.x, from registration on. */
  public static final class Recorder implements AutoCloseable {
    private final List<JsonObject> events = new CopyOnWriteArrayList<>();
    private final MessageConsumer<Object> consumer;

    public Recorder(Vertx vertx) {
      consumer =
          vertx.eventBus().consumer(ADDRESS, message -> events.add((JsonObject) message.body()));
      FaultSupport.await(consumer.completion(), 10);
    }

    public List<JsonObject> withEventId(String eventId) {
      return events.stream().filter(e -> eventId.equals(e.getString("eventId"))).toList();
    }

    /** Events naming any of the given user ids. */
    public List<JsonObject> naming(List<String> userIds) {
      return events.stream()
          .filter(
              e -> e.getJsonArray("userIds", new JsonArray()).stream().anyMatch(userIds::contains))
          .toList();
    }

    @Override
    public void close() {
      FaultSupport.await(consumer.unregister(), 10);
    }
  }

  /**
   * The entries of the stream from {@code fromMillis} (Redis server time) on, each as {@code
   * {"streamId", "eventId", "type", "event": {...}}}.
   */
  public static List<JsonObject> streamEntries(Redis redis, long fromMillis) {
    Response range =
        FaultSupport.await(
            redis.send(
                Request.cmd(Command.XRANGE)
                    .arg(STREAM)
                    .arg(Math.max(0, fromMillis) + "-0")
                    .arg("+")),
            10);
    List<JsonObject> entries = new ArrayList<>();
    if (range == null) {
      return entries;
    }
    for (Response entry : range) {
      JsonObject parsed = new JsonObject().put("streamId", entry.get(0).toString());
      Response fields = entry.get(1);
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        String name = fields.get(i).toString();
        String value = fields.get(i + 1).toString();
        parsed.put(name, name.equals("event") ? new JsonObject(value) : value);
      }
      entries.add(parsed);
    }
    return entries;
  }

  public static List<JsonObject> streamEntriesOf(Redis redis, long fromMillis, String eventId) {
    return streamEntries(redis, fromMillis).stream()
        .filter(e -> eventId.equals(e.getString("eventId")))
        .toList();
  }

  public static long streamLength(Redis redis) {
    return FaultSupport.await(redis.send(Request.cmd(Command.XLEN).arg(STREAM)), 10).toLong();
  }

  /** The id of the one audit row (= batch id = event id) with this correlation id. */
  public static String auditId(Pool pg, String correlationId) {
    RowSet<Row> rows =
        FaultSupport.await(
            pg.preparedQuery("SELECT id FROM audit_log WHERE correlation_id = $1")
                .execute(Tuple.of(correlationId)),
            10);
    if (rows.size() != 1) {
      throw new AssertionError(rows.size() + " audit rows with correlation id " + correlationId);
    }
    return rows.iterator().next().getUUID("id").toString();
  }

  /** The outbox row of an event, or null. */
  public static Row outboxRow(Pool pg, String eventId) {
    RowSet<Row> rows =
        FaultSupport.await(
            pg.preparedQuery(
                    "SELECT event_id, type, "
                        + BatchChanges.USER_IDS_OF_BATCH.formatted("event_id")
                        + " AS user_ids, "
                        + "bus_published_at, stream_published_at FROM outbox_events WHERE event_id = $1")
                .execute(Tuple.of(UUID.fromString(eventId))),
            10);
    return rows.size() == 0 ? null : rows.iterator().next();
  }

  /** A fresh, empty database next to the one of {@code pgUrl}; its URL. */
  public static String createDatabase(Pool pg, String pgUrl, String prefix) {
    String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    FaultSupport.await(pg.query("CREATE DATABASE " + name).execute(), 30);
    URI uri = URI.create(pgUrl);
    return uri.getScheme()
        + "://"
        + (uri.getRawUserInfo() != null ? uri.getRawUserInfo() + "@" : "")
        + uri.getHost()
        + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
        + "/"
        + name
        + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
  }

  public static void dropDatabase(Pool pg, String pgUrl) {
    String name = URI.create(pgUrl).getPath().substring(1);
    FaultSupport.await(
        pg.query("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
            .execute()
            .recover(err -> Future.succeededFuture()),
        30);
  }

  public static List<String> idsOf(JsonArray users) {
    List<String> ids = new ArrayList<>();
    users.forEach(u -> ids.add(((JsonObject) u).getString("id")));
    return ids;
  }
}
