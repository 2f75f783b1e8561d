package dev.userbatch.events;

import dev.userbatch.config.ServiceConfig;
import dev.userbatch.db.Clients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Relays outbox events to the event bus ({@value #ADDRESS}) and to a Redis Stream
 * ({@value #STREAM}), until each channel has taken each event: at-least-once, consumers dedupe by
 * {@code eventId}. Rows are claimed with {@code FOR UPDATE SKIP LOCKED}, so relays on several
 * instances share the work without sending an event twice at the same time.
 */
public final class OutboxRelayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelayVerticle.class);
  public static final String ADDRESS = "users.events";
  public static final String STREAM = "users:events";
  /** A batch whose instance died is published after this long without a new chunk. */
  static final int STALE_BATCH_SECONDS = 600;
  private static final int BATCH_LIMIT = 200;

  static final String PENDING =
      "SELECT o.event_id, o.type, o.user_ids, o.created_at, a.finished_at, "
          + "o.bus_published_at IS NOT NULL AS bus_done, o.stream_published_at IS NOT NULL AS stream_done, "
          + "a.actor, a.correlation_id, a.total, a.failed "
          + "FROM outbox_events o LEFT JOIN audit_log a ON a.id = o.event_id "
          + "WHERE (o.bus_published_at IS NULL OR o.stream_published_at IS NULL) "
          + "AND (a.finished_at IS NOT NULL OR o.updated_at < now() - make_interval(secs => $1)) "
          + "ORDER BY o.created_at LIMIT $2 FOR UPDATE OF o SKIP LOCKED";
  static final String MARK_BUS = "UPDATE outbox_events SET bus_published_at = now() WHERE event_id = ANY($1::uuid[])";
  static final String MARK_STREAM =
      "UPDATE outbox_events SET stream_published_at = now() WHERE event_id = ANY($1::uuid[])";

  private final ServiceConfig config;
  private Pool pool;
  private Redis redis;
  private boolean running;
  private boolean streamDown;

  public OutboxRelayVerticle(ServiceConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    pool = Clients.pgPool(vertx, config);
    redis = Clients.redis(vertx, config);
    vertx.setPeriodic(config.eventRelayIntervalMs(), timer -> relayOnce());
    return Future.succeededFuture();
  }

  /** One pass; passes never overlap. */
  Future<Void> relayOnce() {
    if (running) {
      return Future.succeededFuture();
    }
    running = true;
    return pool.withTransaction(this::relay)
        .onFailure(err -> LOG.warn("Outbox relay pass failed, will retry: {}", err.toString()))
        .<Void>mapEmpty()
        .onComplete(ignored -> running = false);
  }

  private Future<Void> relay(SqlConnection conn) {
    return conn.preparedQuery(PENDING).execute(Tuple.of(STALE_BATCH_SECONDS, BATCH_LIMIT)).compose(rows -> {
      List<UUID> toBus = new ArrayList<>();
      List<UUID> toStream = new ArrayList<>();
      List<Request> xadds = new ArrayList<>();
      for (Row row : rows) {
        JsonObject event = event(row);
        UUID id = row.getUUID("event_id");
        if (!row.getBoolean("bus_done")) {
          vertx.eventBus().publish(ADDRESS, event);
          toBus.add(id);
        }
        if (!row.getBoolean("stream_done")) {
          xadds.add(Request.cmd(Command.XADD).arg(STREAM).arg("MAXLEN").arg("~").arg(config.eventStreamMaxLength())
              .arg("*").arg("eventId").arg(id.toString()).arg("type").arg(event.getString("type"))
              .arg("event").arg(event.encode()));
          toStream.add(id);
        }
      }
      Future<Void> bus = mark(conn, MARK_BUS, toBus);
      return bus.compose(ignored -> xadds.isEmpty() ? Future.succeededFuture() : redis.batch(xadds)
          .timeout(config.cacheTimeoutMs(), TimeUnit.MILLISECONDS)
          .compose(replies -> {
            if (streamDown) {
              LOG.info("Redis Stream {} reachable again: relaying pending events", STREAM);
              streamDown = false;
            }
            return mark(conn, MARK_STREAM, toStream);
          })
          .recover(err -> {
            if (!streamDown) {
              LOG.warn("Redis Stream {} unreachable ({}); {} event(s) stay pending and will be retried",
                  STREAM, err.toString(), toStream.size());
              streamDown = true;
            }
            return Future.succeededFuture();
          }));
    });
  }

  private static Future<Void> mark(SqlConnection conn, String sql, List<UUID> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(sql).execute(Tuple.tuple().addArrayOfUUID(ids.toArray(UUID[]::new))).mapEmpty();
  }

  static JsonObject event(Row row) {
    JsonArray userIds = new JsonArray();
    UUID[] ids = row.getArrayOfUUIDs("user_ids");
    for (UUID id : ids) {
      userIds.add(id.toString());
    }
    Integer total = row.getInteger("total");
    Integer failed = row.getInteger("failed");
    return new JsonObject()
        .put("eventId", row.getUUID("event_id").toString())
        .put("type", row.getString("type"))
        .put("userIds", userIds)
        .put("timestamp", (row.getOffsetDateTime("finished_at") != null
            ? row.getOffsetDateTime("finished_at") : row.getOffsetDateTime("created_at")).toInstant().toString())
        .put("correlationId", row.getString("correlation_id"))
        .put("actor", row.getString("actor"))
        .put("counts", new JsonObject().put("total", total).put("successful", ids.length).put("failed", failed));
  }

  @Override
  public Future<?> stop() {
    redis.close();
    return pool.close();
  }
}
