package dev.userbatch.db;

import dev.userbatch.config.ServiceConfig;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.Map;

/** How the service connects to PostgreSQL and Redis; one place for the tuning. */
public final class Clients {
  /**
   * The most chunks one batch runs at once: the maximum of {@code options.maxConcurrency} in
   * options.json.
   */
  static final int MAX_CHUNKS_PER_BATCH = 10;

  /** The outbox relay runs one pass at a time; the second connection is for a purge beside it. */
  static final int RELAY_POOL_SIZE = 2;

  static final int JOBS_POOL_SIZE = 4;

  private Clients() {}

  /**
   * The chunk transactions of the workers: {@code pgPoolSize} connections, shared by every worker
   * instance. The admission door bounds the chunks that can want one at once (batches in flight ×
   * the largest maxConcurrency), so the wait queue is sized to hold them all, and a chunk waits for
   * a connection as long as its own deadline allows: a pool wait never fails a chunk that the
   * service admitted (vertx-sql-client also mishandles pool wait timeouts, its issue #1567).
   */
  public static Pool chunkPool(Vertx vertx, ServiceConfig config) {
    return pool(
        vertx,
        config,
        "users-pg-chunks",
        config.pgPoolSize(),
        config.capacity().maxBatchesInFlight() * MAX_CHUNKS_PER_BATCH,
        config.chunkTimeoutMs());
  }

  /**
   * Audit rows, idempotency keys and health checks of the API verticles (HTTP and event bus): a
   * pool of their own, so that these short statements never queue behind chunk transactions. A
   * batch runs them one after the other, so one connection per two batches in flight is plenty
   * ({@code requestPoolSize}).
   */
  public static Pool requestPool(Vertx vertx, ServiceConfig config) {
    int size = config.capacity().requestPoolSize();
    return pool(vertx, config, "users-pg-requests", size, 10_000, config.dbTimeoutMs());
  }

  /**
   * The cache generation's reads and bumps (see {@code cache.CacheGeneration}): one short statement
   * about once a second per node, never queued behind chunk transactions.
   */
  public static Pool cacheGenerationPool(Vertx vertx, ServiceConfig config) {
    return pool(vertx, config, "users-pg-cache-generation", 1, 10_000, config.dbTimeoutMs());
  }

  /**
   * Where lookups write their audit rows: the request pool, or with {@code
   * READ_AUDIT_SYNCHRONOUS_COMMIT=false} a pool of its own (the same size) whose connections commit
   * without waiting for the WAL flush (see {@link dev.userbatch.config.StorageConfig}).
   */
  public static Pool readAuditPool(Vertx vertx, ServiceConfig config, Pool requestPool) {
    if (config.storage().readAuditSynchronousCommit()) {
      return requestPool;
    }
    int size = config.capacity().requestPoolSize();
    return pool(
        vertx,
        config,
        "users-pg-read-audit",
        size,
        10_000,
        config.dbTimeoutMs(),
        Map.of("synchronous_commit", "off"));
  }

  /**
   * The job runners' pool (claims, leases, progress and failure rows): their own, so that a node's
   * jobs never queue behind requests, and so that stopping the runners closes only what they used
   * (closing the shared request pool on their stop broke the audit rows of batches still draining).
   */
  public static Pool jobsPool(Vertx vertx, ServiceConfig config) {
    return pool(vertx, config, "users-pg-jobs", JOBS_POOL_SIZE, 10_000, config.dbTimeoutMs());
  }

  /** The outbox relay's pool: its passes never wait behind requests, nor requests behind them. */
  public static Pool relayPool(Vertx vertx, ServiceConfig config) {
    return pool(vertx, config, "users-pg-relay", RELAY_POOL_SIZE, 10_000, config.dbTimeoutMs());
  }

  /**
   * A pool shared by every verticle instance that asks for it by name. Prepared-statement caching
   * is switched on explicitly: every statement of the service is fixed text and gets prepared once
   * per connection.
   */
  private static Pool pool(
      Vertx vertx, ServiceConfig config, String name, int size, int maxWaiting, long maxWaitMs) {
    return pool(vertx, config, name, size, maxWaiting, maxWaitMs, Map.of());
  }

  private static Pool pool(
      Vertx vertx,
      ServiceConfig config,
      String name,
      int size,
      int maxWaiting,
      long maxWaitMs,
      Map<String, String> settings) {
    PgConnectOptions connect =
        PgConnectOptions.fromUri(config.pgUrl())
            .setCachePreparedStatements(true)
            .setPreparedStatementCacheMaxSize(256)
            .setPipeliningLimit(256)
            // A statement running longer than this is cancelled by the server (SQLSTATE 57014 →
            // TIMEOUT).
            .addProperty("statement_timeout", String.valueOf(config.dbTimeoutMs()))
            // The service's statements are short index lookups and set-based writes whose cost
            // estimates can still pass jit_above_cost (a stale estimate, a large unnest): compiling
            // them took longer than running them.
            .addProperty("jit", "off");
    settings.forEach(connect::addProperty);
    PoolOptions pool =
        new PoolOptions()
            .setMaxSize(size)
            .setShared(true)
            .setName(name)
            .setMaxWaitQueueSize(maxWaiting)
            .setConnectionTimeout((int) Math.max(1, (maxWaitMs + 999) / 1000))
            .setIdleTimeout(60);
    return PgBuilder.pool().with(pool).connectingTo(connect).using(vertx).build();
  }

  public static Redis redis(Vertx vertx, ServiceConfig config) {
    RedisOptions options =
        new RedisOptions()
            .setConnectionString(config.redisUrl())
            .setMaxPoolSize(16)
            .setPoolName("users-redis")
            .setMaxPoolWaiting(4096)
            .setMaxWaitingHandlers(4096);
    options.getNetClientOptions().setConnectTimeout(1000);
    return Redis.createClient(vertx, options);
  }
}
