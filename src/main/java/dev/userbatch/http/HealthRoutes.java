package dev.userbatch.http;

import dev.userbatch.cluster.ClusterView;
import dev.userbatch.worker.ChunkWorkerVerticle;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /health/live} (the process answers) and {@code /health/ready} (PostgreSQL answers and
 * chunk workers are deployed), in the vertx-health-check JSON format. Redis is reported but does
 * not fail readiness: without it the service still serves every request from PostgreSQL, only
 * slower.
 *
 * <p>Each check bounds its own wait and reports DOWN itself, before the handler's procedure timeout
 * would: a slow dependency is a 503 like an absent one, never a 500.
 *
 * <p>A clustered node also reports {@code cluster}: DOWN once it is no longer a member (Hazelcast
 * stopped or it was cut off), otherwise the number of members and of those that run chunk workers.
 * Workers are pinged over the event bus, so on a cluster the ping reaches any member's workers:
 * readiness says whether any worker is reachable, wherever it runs.
 *
 * <p>Workers are pinged over the event bus. No handler at all means they are not deployed (DOWN). A
 * ping that is not answered in time means they are deployed but busy (hashing passwords blocks a
 * worker for seconds): that is UP, with {@code answered: false}. Otherwise every large create would
 * take the instance out of its load balancer for the length of the batch.
 *
 * <p>The endpoint is unauthenticated, so a failed check shows a fixed reason, never the exception's
 * text (which names hosts, ports, users and driver internals); the details go to the log, once per
 * change of state rather than once per probe.
 */
final class HealthRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(HealthRoutes.class);

  /** The last logged failure of each check, so that a dependency that stays down is logged once. */
  private static final Map<String, String> LAST_FAILURE = new ConcurrentHashMap<>();

  /** Bound of each dependency check. */
  private static final long CHECK_TIMEOUT_MS = 2000;

  /** The handler's own timeout of a procedure: later than the checks' bounds, so it never fires. */
  private static final long PROCEDURE_TIMEOUT_MS = CHECK_TIMEOUT_MS + 1000;

  /** How long a worker may take to answer the ping before it counts as busy. */
  private static final long WORKER_PING_TIMEOUT_MS = 500;

  private HealthRoutes() {}

  static void mount(Vertx vertx, Router router, Pool pool, Redis redis) {
    HealthCheckHandler live =
        HealthCheckHandler.create(vertx).register("http", promise -> promise.complete(Status.OK()));
    HealthCheckHandler ready =
        HealthCheckHandler.create(vertx)
            .register(
                "postgres",
                PROCEDURE_TIMEOUT_MS,
                promise ->
                    pool.query("SELECT 1")
                        .execute()
                        .timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                        .onSuccess(rows -> promise.tryComplete(ok("postgres", Status.OK())))
                        .onFailure(
                            err ->
                                promise.tryComplete(
                                    Status.KO(
                                        reason(failed("postgres", err), "database unavailable")))))
            .register("workers", PROCEDURE_TIMEOUT_MS, promise -> workersStatus(vertx, promise))
            .register("redis", PROCEDURE_TIMEOUT_MS, promise -> redisStatus(redis, promise));
    ClusterView cluster = ClusterView.of(vertx);
    if (cluster != null) {
      ready.register("cluster", PROCEDURE_TIMEOUT_MS, promise -> clusterStatus(cluster, promise));
    }
    router.get("/health/live").handler(live);
    router.get("/health/ready").handler(ready);
  }

  private static void workersStatus(Vertx vertx, Promise<Status> promise) {
    vertx
        .eventBus()
        .request(
            ChunkWorkerVerticle.PING_ADDRESS,
            "ping",
            new DeliveryOptions().setSendTimeout(WORKER_PING_TIMEOUT_MS))
        .onSuccess(
            reply ->
                promise.tryComplete(
                    ok("workers", Status.OK(new JsonObject().put("answered", true)))))
        .onFailure(
            err -> {
              if (err instanceof ReplyException reply
                  && reply.failureType() == ReplyFailure.TIMEOUT) {
                promise.tryComplete(
                    Status.OK(
                        new JsonObject()
                            .put("answered", false)
                            .put(
                                "busy",
                                "deployed, but no worker answered within "
                                    + WORKER_PING_TIMEOUT_MS
                                    + " ms")));
              } else if (err instanceof ReplyException reply
                  && reply.failureType() == ReplyFailure.NO_HANDLERS) {
                promise.tryComplete(
                    Status.KO(new JsonObject().put("error", "no chunk worker is deployed")));
              } else {
                promise.tryComplete(
                    Status.KO(reason(failed("workers", err), "chunk workers did not answer")));
              }
            });
  }

  private static void clusterStatus(ClusterView cluster, Promise<Status> promise) {
    if (!cluster.member()) {
      promise.tryComplete(
          Status.KO(
              reason(
                  failed("cluster", new IllegalStateException("not a cluster member")),
                  "not a member of the cluster")));
      return;
    }
    int members = cluster.members();
    cluster
        .nodesWith(ChunkWorkerVerticle.PING_ADDRESS)
        .timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onSuccess(
            workerNodes ->
                promise.tryComplete(
                    ok(
                        "cluster",
                        Status.OK(
                            new JsonObject()
                                .put("members", members)
                                .put("workerNodes", workerNodes)))))
        .onFailure(
            err ->
                promise.tryComplete(
                    Status.KO(
                        reason(failed("cluster", err), "cluster state unavailable")
                            .put("members", members))));
  }

  private static void redisStatus(Redis redis, Promise<Status> promise) {
    redis
        .send(Request.cmd(Command.PING))
        .timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onSuccess(
            pong ->
                promise.tryComplete(
                    ok("redis", Status.OK(new JsonObject().put("available", true)))))
        .onFailure(
            err ->
                promise.tryComplete(
                    Status.OK(
                        reason(failed("redis", err), "redis unavailable")
                            .put("available", false)
                            .put("degraded", "lookups are served from PostgreSQL"))));
  }

  /**
   * A fixed reason for the caller: whether the dependency timed out or failed, nothing from the
   * exception.
   */
  private static JsonObject reason(boolean timedOut, String unavailable) {
    return new JsonObject()
        .put("error", timedOut ? "no answer within " + CHECK_TIMEOUT_MS + " ms" : unavailable);
  }

  /**
   * Logs a check's failure when it differs from the last one logged; true when it was a timeout.
   */
  private static boolean failed(String check, Throwable err) {
    String detail = err.toString();
    if (!detail.equals(LAST_FAILURE.put(check, detail))) {
      LOG.warn("Readiness check {} failed: {}", check, detail);
    }
    return err instanceof TimeoutException;
  }

  private static Status ok(String check, Status status) {
    if (LAST_FAILURE.remove(check) != null) {
      LOG.info("Readiness check {} passes again", check);
    }
    return status;
  }
}
