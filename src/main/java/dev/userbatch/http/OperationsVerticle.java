package dev.userbatch.http;

import dev.userbatch.config.SecurityConfig;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.db.Clients;
import dev.userbatch.metrics.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;

/**
 * The HTTP port of a worker node (ROLE=worker): {@code /health/live}, {@code /health/ready} and
 * {@code /metrics} only, so that each member can be probed and scraped; the API is served by the
 * api nodes.
 */
public final class OperationsVerticle extends VerticleBase {
  private final ServiceConfig config;
  private final Telemetry telemetry;
  private Pool pool;
  private Redis redis;
  private HttpServer server;

  public OperationsVerticle(ServiceConfig config, Telemetry telemetry) {
    this.config = config;
    this.telemetry = telemetry;
  }

  @Override
  public Future<?> start() {
    pool = Clients.requestPool(vertx, config);
    redis = Clients.redis(vertx, config);
    Router router = Router.router(vertx);
    HealthRoutes.mount(vertx, router, pool, redis);
    MetricsRoute.mount(router, config.security().metricsToken(), telemetry.registry());
    router.route().failureHandler(ErrorResponses::handle);
    router.errorHandler(404, ErrorResponses::handle);
    router.errorHandler(405, ErrorResponses::handle);
    HttpServerOptions options = new HttpServerOptions().setPort(config.httpPort());
    SecurityConfig security = config.security();
    if (security.tlsCertFile() != null) {
      options
          .setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions()
                  .setCertPath(security.tlsCertFile())
                  .setKeyPath(security.tlsKeyFile()));
    }
    server = vertx.createHttpServer(options).requestHandler(router);
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    return server
        .close()
        .eventually(
            () -> {
              redis.close();
              return pool.close();
            });
  }
}
