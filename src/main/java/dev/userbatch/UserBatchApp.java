package dev.userbatch;

import dev.userbatch.batch.JsonRecordCodec;
import dev.userbatch.cache.CacheGeneration;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.db.Migrations;
import dev.userbatch.embedded.InfrastructureEndpoints;
import dev.userbatch.eventbus.EventBusApiVerticle;
import dev.userbatch.eventbus.TcpBridgeVerticle;
import dev.userbatch.events.OutboxRelayVerticle;
import dev.userbatch.http.ApiVerticle;
import dev.userbatch.metrics.Telemetry;
import dev.userbatch.security.JwtSetup;
import dev.userbatch.operation.Operations;
import dev.userbatch.user.PasswordHasher;
import dev.userbatch.validation.SchemaValidator;
import dev.userbatch.worker.ChunkWorkerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The whole service: resolves PostgreSQL and Redis (starting embedded ones when asked to),
 * migrates the schema, then deploys the chunk workers and the router verticles.
 */
public final class UserBatchApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UserBatchApp.class);

  private final ServiceConfig config;
  private final InfrastructureEndpoints infrastructure;
  private final Vertx vertx;

  private UserBatchApp(ServiceConfig config, InfrastructureEndpoints infrastructure, Vertx vertx) {
    this.config = config;
    this.infrastructure = infrastructure;
    this.vertx = vertx;
  }

  /** Starts everything; blocks until the HTTP server listens. */
  public static UserBatchApp start(ServiceConfig requested) throws Exception {
    InfrastructureEndpoints infrastructure = InfrastructureEndpoints.resolve(
        requested.pgUrl(), requested.redisUrl(), requested.embedded(), requested.dataDir());
    Vertx vertx = null;
    try {
      ServiceConfig config = requested.withEndpoints(infrastructure.pgUrl(), infrastructure.redisUrl())
          .withSecurity(JwtSetup.withDevelopmentDefault(requested.security(), requested.dataDir()));
      Migrations.migrate(config.pgUrl());
      Telemetry telemetry = new Telemetry();
      vertx = telemetry.newVertx(new VertxOptions().setWorkerPoolSize(Math.max(20, config.workerInstances() * 2)));
      JsonRecordCodec.registerChunkCodecs(vertx.eventBus());
      JwtSetup.writeDevelopmentToken(vertx, requested.security(), config.security(), config.dataDir());
      SchemaValidator validator = new SchemaValidator();
      Operations operations = Operations.create(validator, config.security().passwordMinLength());
      PasswordHasher hasher = PasswordHasher.owaspDefault();
      CacheGeneration cacheGeneration = new CacheGeneration();
      int eventLoops = Math.max(1, Runtime.getRuntime().availableProcessors());
      Vertx v = vertx;
      v.deployVerticle(() -> new ChunkWorkerVerticle(config, hasher, telemetry.batchMetrics(), cacheGeneration),
              new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setInstances(config.workerInstances()))
          .compose(ignored -> v.deployVerticle(new OutboxRelayVerticle(config)))
          .compose(ignored -> v.deployVerticle(new EventBusApiVerticle(config, operations, telemetry.batchMetrics())))
          .compose(ignored -> config.bridgePort() > 0
              ? v.deployVerticle(new TcpBridgeVerticle(config)) : Future.succeededFuture(""))
          .compose(ignored -> v.deployVerticle(() -> new ApiVerticle(config, operations, telemetry),
              new DeploymentOptions().setInstances(eventLoops)))
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      LOG.info("user-batch-service listening on port {} (PostgreSQL: {}; Redis: {})",
          config.httpPort(), infrastructure.pgMode(), infrastructure.redisMode());
      return new UserBatchApp(config, infrastructure, vertx);
    } catch (Exception | Error e) {
      if (vertx != null) {
        vertx.close();
      }
      infrastructure.close();
      throw e;
    }
  }

  public ServiceConfig config() {
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Stops the verticles (the HTTP server first), then any embedded servers. */
  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(config.shutdownTimeoutMs(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("Vert.x did not close cleanly", e);
    } finally {
      infrastructure.close();
    }
  }
}
