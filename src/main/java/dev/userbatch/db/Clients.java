package dev.userbatch.db;

import dev.userbatch.config.ServiceConfig;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** How the service connects to PostgreSQL and Redis; one place for the tuning. */
public final class Clients {
  private static final String SHARED_POOL = "users-pg";

  private Clients() {
  }

  /**
   * One pool shared by every verticle instance (by name). Prepared-statement caching is switched
   * on explicitly: every statement of the service is fixed text and gets prepared once per connection.
   */
  public static Pool pgPool(Vertx vertx, ServiceConfig config) {
    PgConnectOptions connect = PgConnectOptions.fromUri(config.pgUrl())
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(256)
        .setPipeliningLimit(256)
        // A statement running longer than this is cancelled by the server (SQLSTATE 57014 → TIMEOUT).
        .addProperty("statement_timeout", String.valueOf(config.dbTimeoutMs()));
    PoolOptions pool = new PoolOptions()
        .setMaxSize(config.pgPoolSize())
        .setShared(true)
        .setName(SHARED_POOL)
        .setMaxWaitQueueSize(10_000)
        .setConnectionTimeout((int) Math.max(1, config.dbTimeoutMs() / 1000))
        .setIdleTimeout(60);
    return PgBuilder.pool().with(pool).connectingTo(connect).using(vertx).build();
  }

  public static Redis redis(Vertx vertx, ServiceConfig config) {
    RedisOptions options = new RedisOptions()
        .setConnectionString(config.redisUrl())
        .setMaxPoolSize(16)
        .setPoolName("users-redis")
        .setMaxPoolWaiting(4096)
        .setMaxWaitingHandlers(4096);
    options.getNetClientOptions().setConnectTimeout(1000);
    return Redis.createClient(vertx, options);
  }
}
