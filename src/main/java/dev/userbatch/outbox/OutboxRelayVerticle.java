package dev.userbatch.outbox;

import dev.userbatch.audit.AuditTrail;
import dev.userbatch.batch.Operation;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.db.Clients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays outbox events to the event bus ({@value #ADDRESS}) and to a Redis Stream ({@value
 * #STREAM}), until each channel has taken each event: at-least-once, consumers dedupe by {@code
 * eventId}.
 *
 * <p>Each instance relays the events of the batches it ran itself (it learns them from the closed
 * audit records published on {@link AuditTrail#ADDRESS}), so that the verticles co-deployed with it
 * get the events of its batches on its event bus. An event that is still pending a while after its
 * batch finished ({@value #TAKEOVER_SECONDS} s: its instance died, or stopped before relaying), or
 * whose batch never finished ({@value #STALE_BATCH_SECONDS} s without a new chunk), is relayed by
 * any instance. Rows are claimed with {@code FOR UPDATE SKIP LOCKED}, so relays never send an event
 * twice at the same time.
 *
 * <p>While Redis is down the relay backs off: after each failed attempt it waits twice as long
 * before the next one (from one relay interval up to {@link #maxBackoffMs}), instead of opening a
 * connection every interval; the event bus is still served meanwhile, and the first attempt that
 * works resets the wait.
 */
public final class OutboxRelayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelayVerticle.class);
  public static final String ADDRESS = "users.events";
  public static final String STREAM = "users:events";

  /** A batch whose instance died is published after this long without a new chunk. */
  static final int STALE_BATCH_SECONDS = 600;

  /** A finished batch's event still pending after this long is relayed by any instance. */
  static final int TAKEOVER_SECONDS = 60;

  private static final int BATCH_LIMIT = 200;
  private static final long STOP_PASS_TIMEOUT_MS = 5_000;

  /** The longest wait between two attempts to reach a Redis that is down. */
  private static final long MAX_BACKOFF_MS = 30_000;

  private final ServiceConfig config;

  /** Batches of this instance whose events may still be pending, with when they finished (ms). */
  private final Map<UUID, Long> local = new LinkedHashMap<>();

  private Pool pool;
  private Redis redis;
  private long timer;
  private boolean running;
  private boolean again;
  private boolean streamDown;
  private boolean databaseDown;

  /** Failed Redis attempts in a row, and when the next one may be made (ms). */
  private int streamFailures;

  private long streamRetryAt;

  public OutboxRelayVerticle(ServiceConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    pool = Clients.relayPool(vertx, config);
    redis = Clients.redis(vertx, config);
    timer = vertx.setPeriodic(config.eventRelayIntervalMs(), t -> relayOnce());
    return vertx
        .eventBus()
        .<JsonObject>consumer(AuditTrail.ADDRESS, message -> finished(message.body()))
        .completion();
  }

  /** A batch of this instance finished: its event (if it has one) is relayed at once. */
  private void finished(JsonObject record) {
    if (record == null
        || Operation.fromWireName(record.getString("operation"))
            .flatMap(Operation::eventType)
            .isEmpty()
        || record.getBoolean("dryRun", false)
        || record.getInteger("successful", 0) == 0
        || record.getString("id") == null) {
      return;
    }
    local.put(UUID.fromString(record.getString("id")), System.currentTimeMillis());
    relayOnce();
  }

  /** One pass; passes never overlap (a pass asked for meanwhile runs right after). */
  Future<Void> relayOnce() {
    if (running) {
      again = true;
      return Future.succeededFuture();
    }
    running = true;
    again = false;
    long cutoff = System.currentTimeMillis() - STALE_BATCH_SECONDS * 1000L;
    local.values().removeIf(finishedAt -> finishedAt < cutoff);
    return pool.withTransaction(this::relay)
        .onSuccess(done -> local.keySet().removeAll(done))
        .onSuccess(
            ignored -> {
              if (databaseDown) {
                LOG.info("Outbox relay: database reachable again");
                databaseDown = false;
              }
            })
        .onFailure(
            err -> {
              if (!databaseDown) {
                LOG.warn(
                    "Outbox relay pass failed, retrying every {} ms until it works: {}",
                    config.eventRelayIntervalMs(),
                    err.toString());
                databaseDown = true;
              }
            })
        .<Void>mapEmpty()
        .onComplete(
            ignored -> {
              running = false;
              if (again) {
                relayOnce();
              }
            });
  }

  /** Relays what is pending; the ids of the events that both channels have taken now. */
  private Future<List<UUID>> relay(SqlConnection conn) {
    Tuple params =
        Tuple.tuple()
            .addArrayOfUUID(local.keySet().toArray(UUID[]::new))
            .addInteger(TAKEOVER_SECONDS)
            .addInteger(STALE_BATCH_SECONDS)
            .addInteger(BATCH_LIMIT);
    return conn.preparedQuery(OutboxRows.PENDING)
        .execute(params)
        .compose(
            rows -> {
              List<UUID> toBus = new ArrayList<>();
              List<UUID> toStream = new ArrayList<>();
              List<UUID> streamDone = new ArrayList<>();
              List<Request> xadds = new ArrayList<>();
              List<UUID> empty = new ArrayList<>();
              for (Row row : rows) {
                UUID id = row.getUUID("event_id");
                if (row.getArrayOfUUIDs("user_ids").length == 0 && !OutboxRows.selfContained(row)) {
                  empty.add(id);
                  streamDone.add(id);
                  continue;
                }
                JsonObject event = OutboxRows.event(row);
                if (!row.getBoolean("bus_done")) {
                  vertx.eventBus().publish(ADDRESS, event);
                  toBus.add(id);
                }
                if (!row.getBoolean("stream_done")) {
                  xadds.add(
                      Request.cmd(Command.XADD)
                          .arg(STREAM)
                          .arg("MAXLEN")
                          .arg("~")
                          .arg(config.eventStreamMaxLength())
                          .arg("*")
                          .arg("eventId")
                          .arg(id.toString())
                          .arg("type")
                          .arg(event.getString("type"))
                          .arg("event")
                          .arg(event.encode()));
                  toStream.add(id);
                } else {
                  streamDone.add(id);
                }
              }
              Future<Void> bus =
                  OutboxRows.mark(conn, OutboxRows.CLOSE_EMPTY, empty)
                      .compose(ignored -> OutboxRows.mark(conn, OutboxRows.MARK_BUS, toBus));
              boolean backingOff = System.currentTimeMillis() < streamRetryAt;
              return bus.compose(
                  ignored ->
                      xadds.isEmpty() || backingOff
                          ? Future.succeededFuture(streamDone)
                          : redis
                              .batch(xadds)
                              .timeout(config.cacheTimeoutMs(), TimeUnit.MILLISECONDS)
                              .compose(
                                  replies -> {
                                    if (streamDown) {
                                      LOG.info(
                                          "Redis Stream {} reachable again: relaying pending events",
                                          STREAM);
                                      streamDown = false;
                                    }
                                    streamFailures = 0;
                                    streamRetryAt = 0;
                                    return OutboxRows.mark(conn, OutboxRows.MARK_STREAM, toStream)
                                        .map(
                                            marked -> {
                                              List<UUID> done = new ArrayList<>(streamDone);
                                              done.addAll(toStream);
                                              return done;
                                            });
                                  })
                              .recover(
                                  err -> {
                                    long waitMs = backoffMs(++streamFailures);
                                    streamRetryAt = System.currentTimeMillis() + waitMs;
                                    if (!streamDown) {
                                      LOG.warn(
                                          "Redis Stream {} unreachable ({}); {} event(s) stay pending and will be retried, "
                                              + "backing off up to {} ms",
                                          STREAM,
                                          err.toString(),
                                          toStream.size(),
                                          maxBackoffMs());
                                      streamDown = true;
                                    }
                                    return Future.succeededFuture(streamDone);
                                  }));
            });
  }

  /**
   * The wait after {@code failures} failed attempts in a row: the interval, doubled each time,
   * capped.
   */
  long backoffMs(int failures) {
    long interval = config.eventRelayIntervalMs();
    return Math.min(maxBackoffMs(), interval << Math.min(failures - 1, 20));
  }

  /** 64 relay intervals, at most 30 s (at least one interval). */
  long maxBackoffMs() {
    long interval = config.eventRelayIntervalMs();
    return Math.max(interval, Math.min(MAX_BACKOFF_MS, interval * 64));
  }

  /** A last pass for the batches that finished just before, then the clients are closed. */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return lastPass()
        .eventually(
            () -> {
              redis.close();
              return pool.close();
            });
  }

  private Future<Void> lastPass() {
    if (local.isEmpty() || running) {
      return Future.succeededFuture();
    }
    return relayOnce()
        .timeout(STOP_PASS_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .recover(err -> Future.succeededFuture());
  }
}
