package dev.userbatch.http;

import dev.userbatch.batch.Operation;
import dev.userbatch.cache.CacheGeneration;
import dev.userbatch.config.SecurityConfig;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.db.Clients;
import dev.userbatch.metrics.Telemetry;
import dev.userbatch.operation.Operations;
import dev.userbatch.runner.Admission;
import dev.userbatch.runner.BatchRunner;
import dev.userbatch.security.BearerAuth;
import dev.userbatch.security.JwtSetup;
import dev.userbatch.security.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;

/** The router verticle: one instance per event loop, each binding the same port. */
public final class ApiVerticle extends VerticleBase {
  /** 1,000 UUIDs in a query string are about 37 KB; leave room for the rest of the line. */
  private static final int MAX_REQUEST_LINE = 128 * 1024;

  private final ServiceConfig config;
  private final Operations operations;
  private final Telemetry telemetry;
  private Pool pool;
  private Redis redis;
  private HttpServer httpServer;
  private BatchRunner runner;
  private RateLimiter rateLimiter;
  private BearerAuth auth;
  private Admission admission;
  private WorkerExecutor decoders;

  private final CacheGeneration cacheGeneration;

  public ApiVerticle(
      ServiceConfig config,
      Operations operations,
      Telemetry telemetry,
      CacheGeneration cacheGeneration) {
    this.cacheGeneration = cacheGeneration;
    this.config = config;
    this.operations = operations;
    this.telemetry = telemetry;
  }

  @Override
  public Future<?> start() {
    pool = Clients.requestPool(vertx, config);
    redis = Clients.redis(vertx, config);
    admission = Admission.of(vertx, config.capacity());
    decoders =
        vertx.createSharedWorkerExecutor(
            "request-decoders", config.capacity().maxDecodesInFlight());
    runner =
        BatchRunner.create(
            vertx, config, operations, telemetry.batchMetrics(), pool, redis, cacheGeneration);
    rateLimiter = new RateLimiter(redis, config, telemetry.batchMetrics());
    auth = new BearerAuth(JwtSetup.create(vertx, config.security()));
    Router router = Router.router(vertx);
    router.route().handler(CorrelationId::assign);
    router.route().handler(JsonResponses.accountingTo(telemetry.responseStreams()));
    router.route().handler(new CorsPolicy(config.security().corsOrigins())::handle);
    // Authentication comes before the body is read: an unknown caller cannot make us buffer 16 MiB.
    // Sized from Content-Length (at most the limit) up front: a growing buffer would copy itself
    // over and over.
    BodyHandler body =
        BodyHandler.create(false)
            .setBodyLimit(config.maxBodyBytes())
            .setPreallocateBodyBuffer(true);
    for (Operation operation : Operation.values()) {
      BatchEndpoint endpoint = endpoint(operation, runner);
      router
          .route(operation.method(), operation.path())
          .handler(requires(operation.scope()))
          .handler(endpoint.admit())
          .handler(body)
          .handler(endpoint::handleBody);
      if (operation.getByQuery()) {
        router
            .get(operation.path())
            .handler(requires(operation.scope()))
            .handler(endpoint.admit())
            .handler(
                ctx ->
                    endpoint.handleWith(
                        ctx, c -> LookupQuery.toEnvelope(operation, c.queryParams())));
      }
    }
    JobRoutes.mount(vertx, router, config, operations, pool, this::requires);
    HealthRoutes.mount(vertx, router, pool, redis);
    OpenApiRoutes.mount(vertx, router);
    ConsoleRoutes.mount(router);
    MetricsRoute.mount(router, config.security().metricsToken(), telemetry.registry());
    OpenApiRoutes.requireDocumented(router);
    router.route().failureHandler(ErrorResponses::handle);
    router.errorHandler(404, ErrorResponses::handle);
    router.errorHandler(405, ErrorResponses::handle);
    router.errorHandler(400, ErrorResponses::badRequest);

    HttpServerOptions server =
        new HttpServerOptions()
            .setPort(config.httpPort())
            .setMaxInitialLineLength(MAX_REQUEST_LINE)
            .setCompressionSupported(true);
    SecurityConfig security = config.security();
    if (security.tlsCertFile() != null) {
      server
          .setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions()
                  .setCertPath(security.tlsCertFile())
                  .setKeyPath(security.tlsKeyFile()));
    }
    httpServer = vertx.createHttpServer(server).requestHandler(router);
    return httpServer.listen();
  }

  /**
   * Lets the request through when its bearer token is valid and has the scope. Declared a
   * security-policy handler so that Vert.x Web runs it before the body handler.
   */
  private Handler<RoutingContext> requires(String scope) {
    return (SecurityPolicyHandler)
        ctx ->
            auth.authorize(ctx.request().getHeader("Authorization"), scope)
                .onSuccess(
                    caller -> {
                      ctx.put(BatchEndpoint.CALLER, caller);
                      ctx.next();
                    })
                .onFailure(ctx::fail);
  }

  private BatchEndpoint endpoint(Operation operation, BatchRunner runner) {
    return new BatchEndpoint(
        vertx,
        operation,
        runner,
        rateLimiter,
        telemetry.batchMetrics(),
        config.trustedProxies(),
        admission,
        decoders,
        config.maxItemsPerRequest(),
        config.capacity().bodyReadTimeoutMs(),
        config.maxBodyBytes());
  }

  /**
   * Graceful stop: the server stops accepting connections and requests at once, the requests in
   * flight are answered (their chunks finish on the workers, which are still running), and whatever
   * is still open after the grace period is closed.
   */
  @Override
  public Future<?> stop() {
    return Future.join(
            httpServer.shutdown(config.shutdownTimeoutMs(), TimeUnit.MILLISECONDS),
            runner.drained(config.shutdownTimeoutMs()))
        .eventually(
            () -> {
              redis.close();
              return pool.close();
            });
  }
}
