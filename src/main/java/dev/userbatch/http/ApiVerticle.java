package dev.userbatch.http;

import dev.userbatch.audit.AuditTrail;
import dev.userbatch.batch.BatchCoordinator;
import dev.userbatch.batch.BatchRunner;
import dev.userbatch.batch.BatchOperation;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.db.Clients;
import dev.userbatch.idempotency.IdempotencyStore;
import dev.userbatch.metrics.Telemetry;
import dev.userbatch.operation.Operations;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import io.vertx.ext.web.handler.BodyHandler;

/** The router verticle: one instance per event loop, each binding the same port. */
public final class ApiVerticle extends VerticleBase {
  /** 1,000 UUIDs in a query string are about 37 KB; leave room for the rest of the line. */
  private static final int MAX_REQUEST_LINE = 128 * 1024;

  private final ServiceConfig config;
  private final Operations operations;
  private final Telemetry telemetry;
  private static final long PURGE_INTERVAL_MS = 3_600_000;
  private Pool pool;
  private Redis redis;
  private IdempotencyStore idempotency;

  public ApiVerticle(ServiceConfig config, Operations operations, Telemetry telemetry) {
    this.config = config;
    this.operations = operations;
    this.telemetry = telemetry;
  }

  @Override
  public Future<?> start() {
    pool = Clients.pgPool(vertx, config);
    redis = Clients.redis(vertx, config);
    idempotency = new IdempotencyStore(pool, config.idempotencyRetentionHours() * 3600L,
        Math.max(60, config.chunkTimeoutMs() / 1000 * 10));
    vertx.setPeriodic(PURGE_INTERVAL_MS, timer -> idempotency.purgeExpired());
    BatchRunner runner = new BatchRunner(vertx, operations.validator(),
        new BatchCoordinator(vertx, config.chunkTimeoutMs()), new AuditTrail(vertx, pool),
        telemetry.batchMetrics(), config.maxItemsPerRequest(), config.atomicMaxItems());
    BatchEndpoint create = endpoint(operations.create(), runner);
    BatchEndpoint lookup = endpoint(operations.lookup(), runner);
    BatchEndpoint update = endpoint(operations.update(), runner);
    BatchEndpoint lastLogin = endpoint(operations.lastLogin(), runner);
    BatchEndpoint softDelete = endpoint(operations.softDelete(), runner);
    BatchEndpoint restore = endpoint(operations.restore(), runner);

    Router router = Router.router(vertx);
    router.route().handler(CorrelationId::assign);
    router.route("/batch/*").handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));
    router.post("/batch/users/create").handler(create::handleBody);
    router.post("/batch/users/lookup").handler(lookup::handleBody);
    router.get("/batch/users/lookup").handler(ctx -> lookup.handleWith(ctx, c -> LookupQuery.toEnvelope(c.queryParams())));
    router.patch("/batch/users/update").handler(update::handleBody);
    router.patch("/batch/users/last-login").handler(lastLogin::handleBody);
    router.delete("/batch/users/soft-delete").handler(softDelete::handleBody);
    router.post("/batch/users/restore").handler(restore::handleBody);
    HealthRoutes.mount(vertx, router, pool, redis);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(telemetry.registry()));
    router.route().failureHandler(ErrorResponses::handle);
    router.errorHandler(404, ErrorResponses::handle);
    router.errorHandler(405, ErrorResponses::handle);

    return vertx.createHttpServer(new HttpServerOptions()
            .setPort(config.httpPort())
            .setMaxInitialLineLength(MAX_REQUEST_LINE)
            .setCompressionSupported(true))
        .requestHandler(router)
        .listen();
  }

  private BatchEndpoint endpoint(BatchOperation operation, BatchRunner runner) {
    return new BatchEndpoint(operation, runner, idempotency, config.trustedProxies());
  }

  @Override
  public Future<?> stop() {
    redis.close();
    return pool.close();
  }
}
