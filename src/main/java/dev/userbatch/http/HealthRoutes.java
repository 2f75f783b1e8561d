package dev.userbatch.http;

import dev.userbatch.worker.ChunkWorkerVerticle;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;

import java.util.concurrent.TimeUnit;

/**
 * {@code /health/live} (the process answers) and {@code /health/ready} (PostgreSQL answers and a
 * chunk worker answers over the event bus), in the vertx-health-check JSON format. Redis is
 * reported but does not fail readiness: without it the service still serves every request from
 * PostgreSQL, only slower.
 */
final class HealthRoutes {
  private static final long CHECK_TIMEOUT_MS = 2000;

  private HealthRoutes() {
  }

  static void mount(Vertx vertx, Router router, Pool pool, Redis redis) {
    HealthCheckHandler live = HealthCheckHandler.create(vertx)
        .register("http", promise -> promise.complete(Status.OK()));
    HealthCheckHandler ready = HealthCheckHandler.create(vertx)
        .register("postgres", CHECK_TIMEOUT_MS, promise -> pool.query("SELECT 1").execute()
            .onSuccess(rows -> promise.complete(Status.OK()))
            .onFailure(err -> promise.complete(Status.KO(new JsonObject().put("error", err.getMessage())))))
        .register("workers", CHECK_TIMEOUT_MS, promise -> vertx.eventBus()
            .request(ChunkWorkerVerticle.PING_ADDRESS, "ping", new DeliveryOptions().setSendTimeout(CHECK_TIMEOUT_MS))
            .onSuccess(reply -> promise.complete(Status.OK()))
            .onFailure(err -> promise.complete(Status.KO(new JsonObject().put("error", err.getMessage())))))
        .register("redis", CHECK_TIMEOUT_MS, promise -> redisStatus(redis, promise));
    router.get("/health/live").handler(live);
    router.get("/health/ready").handler(ready);
  }

  private static void redisStatus(Redis redis, Promise<Status> promise) {
    redis.send(Request.cmd(Command.PING))
        .timeout(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onSuccess(pong -> promise.complete(Status.OK(new JsonObject().put("available", true))))
        .onFailure(err -> promise.complete(Status.OK(new JsonObject().put("available", false)
            .put("degraded", "lookups are served from PostgreSQL").put("error", err.getMessage()))));
  }
}
