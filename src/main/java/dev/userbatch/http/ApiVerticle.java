package dev.userbatch.http;

import dev.userbatch.batch.BatchCoordinator;
import dev.userbatch.batch.BatchOperation;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.operation.Operations;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/** The router verticle: one instance per event loop, each binding the same port. */
public final class ApiVerticle extends VerticleBase {
  /** 1,000 UUIDs in a query string are about 37 KB; leave room for the rest of the line. */
  private static final int MAX_REQUEST_LINE = 128 * 1024;

  private final ServiceConfig config;
  private final Operations operations;

  public ApiVerticle(ServiceConfig config, Operations operations) {
    this.config = config;
    this.operations = operations;
  }

  @Override
  public Future<?> start() {
    BatchCoordinator coordinator = new BatchCoordinator(vertx, config.chunkTimeoutMs());
    BatchEndpoint create = endpoint(operations.create(), coordinator);
    BatchEndpoint lookup = endpoint(operations.lookup(), coordinator);
    BatchEndpoint update = endpoint(operations.update(), coordinator);
    BatchEndpoint lastLogin = endpoint(operations.lastLogin(), coordinator);
    BatchEndpoint softDelete = endpoint(operations.softDelete(), coordinator);
    BatchEndpoint restore = endpoint(operations.restore(), coordinator);

    Router router = Router.router(vertx);
    router.route().handler(CorrelationId::assign);
    router.route("/batch/*").handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));
    router.post("/batch/users/create").handler(create::handleBody);
    router.post("/batch/users/lookup").handler(lookup::handleBody);
    router.get("/batch/users/lookup").handler(ctx -> lookup.handleEnvelope(ctx, LookupQuery.toEnvelope(ctx.queryParams())));
    router.patch("/batch/users/update").handler(update::handleBody);
    router.patch("/batch/users/last-login").handler(lastLogin::handleBody);
    router.delete("/batch/users/soft-delete").handler(softDelete::handleBody);
    router.post("/batch/users/restore").handler(restore::handleBody);
    router.get("/health/live").handler(this::live);
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

  private BatchEndpoint endpoint(BatchOperation operation, BatchCoordinator coordinator) {
    return new BatchEndpoint(vertx, operation, operations.validator(), coordinator, config.maxItemsPerRequest());
  }

  private void live(RoutingContext ctx) {
    ErrorResponses.send(ctx, 200, new JsonObject().put("status", "UP"));
  }
}
