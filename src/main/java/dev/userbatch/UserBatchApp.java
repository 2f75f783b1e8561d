package dev.userbatch;

import dev.userbatch.batch.JsonRecordCodec;
import dev.userbatch.cache.CacheGeneration;
import dev.userbatch.config.SecurityConfig;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.db.Migrations;
import dev.userbatch.embedded.InfrastructureEndpoints;
import dev.userbatch.eventbus.EventBusApiVerticle;
import dev.userbatch.eventbus.TcpBridgeVerticle;
import dev.userbatch.events.OutboxRelayVerticle;
import dev.userbatch.http.ApiVerticle;
import dev.userbatch.idempotency.RequestHashKey;
import dev.userbatch.metrics.Telemetry;
import dev.userbatch.security.DevelopmentCredentials;
import dev.userbatch.security.JwtSetup;
import dev.userbatch.operation.Operations;
import dev.userbatch.retention.RetentionPurgeVerticle;
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

  private final String apiDeployment;

  private UserBatchApp(ServiceConfig config, InfrastructureEndpoints infrastructure, Vertx vertx,
                       String apiDeployment) {
    this.config = config;
    this.infrastructure = infrastructure;
    this.vertx = vertx;
    this.apiDeployment = apiDeployment;
  }

  /** Starts everything; blocks until the HTTP server listens. */
  public static UserBatchApp start(ServiceConfig requested) throws Exception {
    // before any server is started: DEV_MODE=false without a key, or a key source without a usable key, stops here
    SecurityConfig security = DevelopmentCredentials.apply(requested.security(), requested.dataDir());
    JwtSetup.checkAtStartUp(security);
    InfrastructureEndpoints infrastructure = InfrastructureEndpoints.resolve(
        requested.pgUrl(), requested.redisUrl(), requested.embedded(), requested.dataDir());
    Vertx vertx = null;
    try {
      ServiceConfig config = requested.withEndpoints(infrastructure.pgUrl(), infrastructure.redisUrl())
          .withSecurity(security)
          .withStorage(requested.storage().withIdempotencyHmacKey(
              RequestHashKey.resolve(requested.storage().idempotencyHmacKey(), requested.dataDir())));
      Migrations.migrate(config.pgUrl());
      Telemetry telemetry = new Telemetry();
      vertx = telemetry.newVertx(new VertxOptions().setWorkerPoolSize(Math.max(20, config.workerInstances() * 2)));
      JsonRecordCodec.registerChunkCodecs(vertx.eventBus());
      DevelopmentCredentials.writeToken(vertx, requested.security(), config.security(), config.dataDir());
      SchemaValidator validator = new SchemaValidator();
      Operations operations = Operations.create(validator, config.security().passwordMinLength());
      PasswordHasher hasher = PasswordHasher.owaspDefault();
      CacheGeneration cacheGeneration = new CacheGeneration();
      String apiDeployment = deploy(vertx, config, telemetry, operations, hasher, cacheGeneration)
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      LOG.info("user-batch-service listening on port {} (PostgreSQL: {}; Redis: {})",
          config.httpPort(), infrastructure.pgMode(), infrastructure.redisMode());
      return new UserBatchApp(config, infrastructure, vertx, apiDeployment);
    } catch (Exception | Error e) {
      if (vertx != null) {
        vertx.close();
      }
      infrastructure.close();
      throw e;
    }
  }

  /**
   * Workers first, the HTTP verticles last (they are stopped first, see {@link #close()}).
   * Returns the deployment id of the HTTP verticles.
   */
  private static Future<String> deploy(Vertx vertx, ServiceConfig config, Telemetry telemetry, Operations operations,
                                       PasswordHasher hasher, CacheGeneration cacheGeneration) {
    int eventLoops = Math.max(1, Runtime.getRuntime().availableProcessors());
    return vertx.deployVerticle(() -> new ChunkWorkerVerticle(config, hasher, telemetry.batchMetrics(), cacheGeneration),
            new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setInstances(config.workerInstances()))
        .compose(ignored -> vertx.deployVerticle(new OutboxRelayVerticle(config)))
        .compose(ignored -> vertx.deployVerticle(new RetentionPurgeVerticle(config)))
        .compose(ignored -> vertx.deployVerticle(new EventBusApiVerticle(config, operations, telemetry.batchMetrics())))
        .compose(ignored -> config.bridgePort() > 0
            ? vertx.deployVerticle(new TcpBridgeVerticle(config)) : Future.succeededFuture(""))
        .compose(ignored -> vertx.deployVerticle(() -> new ApiVerticle(config, operations, telemetry),
            new DeploymentOptions().setInstances(eventLoops)));
  }

  public ServiceConfig config() {
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  /**
   * Graceful stop, within SHUTDOWN_TIMEOUT_MS: first the HTTP verticles (no new requests; the ones
   * in flight are answered while the chunk workers still run), then everything else, then any
   * embedded servers. A chunk cut short by the end of the grace period rolls back as a whole.
   */
  @Override
  public void close() {
    LOG.info("Shutting down: refusing new requests, answering those in flight (grace period {} ms)",
        config.shutdownTimeoutMs());
    try {
      vertx.undeploy(apiDeployment).toCompletionStage().toCompletableFuture()
          .get(config.shutdownTimeoutMs() + 5_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("The HTTP verticles did not stop within the grace period", e);
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture()
          .get(config.shutdownTimeoutMs() + 5_000, TimeUnit.MILLISECONDS);
      LOG.info("Stopped");
    } catch (Exception e) {
      LOG.warn("Vert.x did not close cleanly", e);
    } finally {
      infrastructure.close();
    }
  }
}
