package dev.userbatch;

import dev.userbatch.batch.JsonRecordCodec;
import dev.userbatch.busapi.EventBusApiVerticle;
import dev.userbatch.busapi.TcpBridgeVerticle;
import dev.userbatch.cache.CacheGeneration;
import dev.userbatch.cluster.ClusteredVertx;
import dev.userbatch.config.ClusterConfig;
import dev.userbatch.config.ClusterConfig.Role;
import dev.userbatch.config.SecurityConfig;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.db.Migrations;
import dev.userbatch.embedded.InfrastructureEndpoints;
import dev.userbatch.http.ApiVerticle;
import dev.userbatch.http.OperationsVerticle;
import dev.userbatch.idempotency.RequestHashKey;
import dev.userbatch.job.JobsVerticle;
import dev.userbatch.metrics.Telemetry;
import dev.userbatch.operation.Operations;
import dev.userbatch.outbox.OutboxRelayVerticle;
import dev.userbatch.retention.RetentionPurgeVerticle;
import dev.userbatch.security.DevelopmentCredentials;
import dev.userbatch.security.JwtSetup;
import dev.userbatch.user.PasswordHasher;
import dev.userbatch.validation.SchemaValidator;
import dev.userbatch.worker.ChunkWorkerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole service: resolves PostgreSQL and Redis (starting embedded ones when asked to), migrates
 * the schema, joins the cluster when CLUSTER=true, then deploys the chunk workers and the router
 * verticles (those of its role, on a cluster).
 */
public final class UserBatchApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UserBatchApp.class);

  private final ServiceConfig config;
  private final InfrastructureEndpoints infrastructure;
  private final Vertx vertx;

  private final Deployments deployments;

  /**
   * The deployment ids of each group, in the order they are stopped: the entry points (HTTP, the
   * event-bus API), the TCP bridge, the chunk workers, the outbox relay. The bridge has none when
   * it is off; a node of ROLE=api has no workers, one of ROLE=worker only workers and, as its
   * {@code api}, the health and metrics routes.
   */
  private record Deployments(
      String api,
      String eventBusApi,
      String bridge,
      String workers,
      String relay,
      String purge,
      String jobs) {}

  private UserBatchApp(
      ServiceConfig config,
      InfrastructureEndpoints infrastructure,
      Vertx vertx,
      Deployments deployments) {
    this.config = config;
    this.infrastructure = infrastructure;
    this.vertx = vertx;
    this.deployments = deployments;
  }

  /** Starts everything; blocks until the HTTP server listens. */
  public static UserBatchApp start(ServiceConfig requested) throws Exception {
    // before any server is started: DEV_MODE=false without a key, or a key source without a usable
    // key, stops here
    SecurityConfig security =
        DevelopmentCredentials.apply(requested.security(), requested.dataDir());
    JwtSetup.checkAtStartUp(security);
    InfrastructureEndpoints infrastructure =
        InfrastructureEndpoints.resolve(
            requested.pgUrl(), requested.redisUrl(), requested.embedded(), requested.dataDir());
    Vertx vertx = null;
    try {
      ServiceConfig config =
          requested
              .withEndpoints(infrastructure.pgUrl(), infrastructure.redisUrl())
              .withSecurity(security)
              .withStorage(
                  requested
                      .storage()
                      .withIdempotencyHmacKey(
                          RequestHashKey.resolve(
                              requested.storage().idempotencyHmacKey(), requested.dataDir())));
      Migrations.migrate(config.pgUrl());
      ClusterConfig cluster = config.cluster();
      warnOfNodeLocalSecrets(requested, cluster);
      Telemetry telemetry = new Telemetry(cluster.enabled() ? cluster.node() : null);
      VertxOptions options =
          new VertxOptions().setWorkerPoolSize(Math.max(20, config.workerInstances() * 2));
      vertx =
          cluster.enabled()
              ? ClusteredVertx.start(cluster, telemetry, options)
              : telemetry.newVertx(options);
      JsonRecordCodec.registerChunkCodecs(vertx.eventBus());
      DevelopmentCredentials.writeToken(
          vertx, requested.security(), config.security(), config.dataDir());
      SchemaValidator validator = new SchemaValidator();
      Operations operations = Operations.create(validator, config.security().passwordMinLength());
      PasswordHasher hasher = PasswordHasher.owaspDefault();
      CacheGeneration cacheGeneration = new CacheGeneration();
      Deployments deployments =
          deploy(vertx, config, telemetry, operations, hasher, cacheGeneration)
              .toCompletionStage()
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      LOG.info(
          "user-batch-service listening on port {} (PostgreSQL: {}; Redis: {}; {})",
          config.httpPort(),
          infrastructure.pgMode(),
          infrastructure.redisMode(),
          cluster.enabled()
              ? "cluster node " + cluster.node() + ", role " + cluster.role().name().toLowerCase()
              : "single node");
      return new UserBatchApp(config, infrastructure, vertx, deployments);
    } catch (Exception | Error e) {
      if (vertx != null) {
        vertx.close();
      }
      infrastructure.close();
      throw e;
    }
  }

  /**
   * Secrets generated under DATA_DIR are per node unless the nodes share DATA_DIR: a token signed
   * by one node's secret is refused by another, and an idempotency key replays only where it was
   * first used.
   */
  private static void warnOfNodeLocalSecrets(ServiceConfig requested, ClusterConfig cluster) {
    if (cluster.enabled()
        && cluster.role().servesApi()
        && (!requested.security().hasConfiguredKeys()
            || requested.storage().idempotencyHmacKey() == null)) {
      LOG.warn(
          "CLUSTER=true with a JWT secret or IDEMPOTENCY_HMAC_KEY generated in DATA_DIR: unless the nodes share "
              + "DATA_DIR, each has its own; give every node the same JWT key and IDEMPOTENCY_HMAC_KEY");
    }
  }

  /**
   * Workers first, the entry points last: nothing is accepted before what it needs runs. What is
   * deployed depends on the node's role: an api node runs no chunk workers, a worker node nothing
   * but them (and the health and metrics routes on its HTTP port).
   */
  private static Future<Deployments> deploy(
      Vertx vertx,
      ServiceConfig config,
      Telemetry telemetry,
      Operations operations,
      PasswordHasher hasher,
      CacheGeneration cacheGeneration) {
    int eventLoops = Math.max(1, Runtime.getRuntime().availableProcessors());
    Role role = config.cluster().role();
    Future<String> workers =
        !role.runsWorkers()
            ? Future.succeededFuture()
            : vertx.deployVerticle(
                () ->
                    new ChunkWorkerVerticle(
                        config, hasher, telemetry.batchMetrics(), cacheGeneration),
                new DeploymentOptions()
                    .setThreadingModel(ThreadingModel.WORKER)
                    .setInstances(config.workerInstances()));
    if (!role.servesApi()) {
      return workers
          .compose(ignored -> vertx.deployVerticle(new OperationsVerticle(config, telemetry)))
          .map(
              operationsRoutes ->
                  new Deployments(
                      operationsRoutes, null, null, workers.result(), null, null, null));
    }
    Future<String> relay =
        workers.compose(ignored -> vertx.deployVerticle(new OutboxRelayVerticle(config)));
    Future<String> purge =
        relay.compose(ignored -> vertx.deployVerticle(new RetentionPurgeVerticle(config)));
    Future<String> jobs = purge.compose(ignored -> vertx.deployVerticle(new JobsVerticle(config)));
    Future<String> eventBusApi =
        jobs.compose(
            ignored ->
                vertx.deployVerticle(
                    new EventBusApiVerticle(
                        config, operations, telemetry.batchMetrics(), cacheGeneration)));
    Future<String> bridge =
        eventBusApi.compose(
            ignored ->
                config.bridgePort() > 0
                    ? vertx.deployVerticle(new TcpBridgeVerticle(config))
                    : Future.succeededFuture(null));
    Future<String> api =
        bridge.compose(
            ignored ->
                vertx.deployVerticle(
                    () -> new ApiVerticle(config, operations, telemetry, cacheGeneration),
                    new DeploymentOptions().setInstances(eventLoops)));
    return api.map(
        ignored ->
            new Deployments(
                api.result(),
                eventBusApi.result(),
                bridge.result(),
                workers.result(),
                relay.result(),
                purge.result(),
                jobs.result()));
  }

  public ServiceConfig config() {
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  /**
   * Graceful stop, within SHUTDOWN_TIMEOUT_MS, in an order that lets every batch in flight finish:
   *
   * <ol>
   *   <li>the entry points stop accepting and drain, together: the HTTP server refuses new
   *       connections and answers the requests it has; the event-bus API unregisters its consumers
   *       (a new request fails with NO_HANDLERS, also through the bridge) and finishes its batches;
   *   <li>the TCP bridge closes, once the replies to its clients' batches have gone out;
   *   <li>the chunk workers, which every batch above needed until its end;
   *   <li>the outbox relay, after a last pass over the events those chunks wrote, and the retention
   *       purge;
   * </ol>
   *
   * then Vert.x and any embedded servers. A chunk cut short by the end of the grace period rolls
   * back as a whole.
   */
  @Override
  public void close() {
    LOG.info(
        "Shutting down: refusing new requests, answering those in flight (grace period {} ms)",
        config.shutdownTimeoutMs());
    long deadline = System.currentTimeMillis() + config.shutdownTimeoutMs() + 5_000;
    await(
        "the entry points",
        Future.join(
            undeploy(deployments.api()),
            undeploy(deployments.eventBusApi()),
            undeploy(deployments.jobs())),
        deadline);
    await("the TCP bridge", undeploy(deployments.bridge()), deadline);
    await("the chunk workers", undeploy(deployments.workers()), deadline);
    await(
        "the outbox relay and the retention purge",
        Future.join(undeploy(deployments.relay()), undeploy(deployments.purge())),
        deadline);
    try {
      await("Vert.x", vertx.close(), Math.max(deadline, System.currentTimeMillis() + 5_000));
      LOG.info("Stopped");
    } finally {
      infrastructure.close();
    }
  }

  private Future<Void> undeploy(String deployment) {
    return deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment);
  }

  /**
   * Waits for one step of the shutdown; a step that fails or overruns is logged, and the next one
   * runs.
   */
  private static void await(String step, Future<?> stopped, long deadline) {
    try {
      stopped
          .toCompletionStage()
          .toCompletableFuture()
          .get(Math.max(0, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("Interrupted while stopping {}", step);
    } catch (Exception e) {
      LOG.warn("{} did not stop cleanly within the grace period", step, e);
    }
  }
}
