package dev.userbatch.embedded;

import dev.userbatch.config.EmbeddedMode;
import dev.userbatch.db.PgUrls;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides where PostgreSQL and Redis come from, starts embedded servers if needed, and stops them
 * on {@link #close()}.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>A PG_URL / REDIS_URL that is set is always used (whatever the mode); if it is unreachable,
 *       {@link #resolve} throws {@link InfrastructureException} naming the URL (without password)
 *       and the cause. No fallback.
 *   <li>Not set, mode {@link EmbeddedMode#AUTO}: the local default server if it answers ({@value
 *       #LOCAL_DEFAULT_PG_URL}, {@value #LOCAL_DEFAULT_REDIS_URL}), otherwise an embedded one.
 *   <li>Not set, mode {@link EmbeddedMode#ALWAYS}: an embedded one.
 *   <li>Not set, mode {@link EmbeddedMode#NEVER}: the local default server, or {@link
 *       InfrastructureException}.
 * </ul>
 *
 * Embedded data lives in {@code dataDir/postgres} and {@code dataDir/redis} and survives restarts
 * ({@link EmbeddedPostgresServer}, {@link EmbeddedRedisServer}). Nothing global is registered: the
 * owner must call {@link #close()} (e.g. from a shutdown hook).
 */
public final class InfrastructureEndpoints implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InfrastructureEndpoints.class);

  public static final String LOCAL_DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres";
  public static final String LOCAL_DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

  static final Duration PG_CHECK_TIMEOUT = Duration.ofSeconds(5);

  /**
   * The probe's first PING includes starting a Vert.x Redis client in a cold JVM: 3 s was seen to
   * run out on a loaded 2-core machine (load average 10) with Redis answering. A refused connection
   * still fails at once, so the embedded fallback is not delayed.
   */
  static final Duration REDIS_CHECK_TIMEOUT = Duration.ofSeconds(10);

  private final Endpoint pg;
  private final Endpoint redis;
  private boolean closed;

  private InfrastructureEndpoints(Endpoint pg, Endpoint redis) {
    this.pg = pg;
    this.redis = redis;
  }

  /**
   * Resolves (and if needed starts) PostgreSQL and Redis.
   *
   * @param pgUrl PG_URL ({@code postgresql://user[:pass]@host:port/db}); null or blank = not set
   * @param redisUrl REDIS_URL ({@code redis://[:pass@]host:port[/db]}); null or blank = not set
   * @param mode embedded mode; null = {@link EmbeddedMode#AUTO}
   * @param dataDir base directory for embedded data ({@code dataDir/postgres}, {@code
   *     dataDir/redis}); null = {@code ./data}
   * @throws InfrastructureException if a configured server is unreachable, no server is available
   *     in mode NEVER, or an embedded server cannot be started (anything already started is
   *     stopped)
   */
  public static InfrastructureEndpoints resolve(
      String pgUrl, String redisUrl, EmbeddedMode mode, Path dataDir) {
    EmbeddedMode m = mode == null ? EmbeddedMode.AUTO : mode;
    Path base = (dataDir == null ? Path.of("data") : dataDir).toAbsolutePath().normalize();
    String pgConfigured = blankToNull(pgUrl);
    String redisConfigured = blankToNull(redisUrl);

    // 1. configured URLs first: fail fast before starting anything
    Endpoint pg = pgConfigured == null ? null : configuredPostgres(pgConfigured);
    Endpoint redis = redisConfigured == null ? null : configuredRedis(redisConfigured);

    // 2. whatever is not configured: local default or embedded
    try {
      if (pg == null) {
        pg = unconfiguredPostgres(m, base);
      }
      if (redis == null) {
        redis = unconfiguredRedis(m, base);
      }
    } catch (RuntimeException e) {
      if (pg != null) {
        pg.stop();
      }
      throw e;
    }
    LOG.info("PostgreSQL: {}", pg.logText);
    LOG.info("Redis: {}", redis.logText);
    return new InfrastructureEndpoints(pg, redis);
  }

  /** URL to use for PostgreSQL ({@code postgresql://...}, may contain a password). */
  public String pgUrl() {
    return pg.url;
  }

  /** URL to use for Redis ({@code redis://...}, may contain a password). */
  public String redisUrl() {
    return redis.url;
  }

  /**
   * Human description: "configured", "local default server" or "embedded (data in ..., port ...)".
   */
  public String pgMode() {
    return pg.mode;
  }

  /**
   * Human description: "configured", "local default server" or "embedded (data in ..., port ...)".
   */
  public String redisMode() {
    return redis.mode;
  }

  /** True if PostgreSQL is an embedded server started (and stopped) by this object. */
  public boolean isPgEmbedded() {
    return pg.server != null;
  }

  /** True if Redis is an embedded server started (and stopped) by this object. */
  public boolean isRedisEmbedded() {
    return redis.server != null;
  }

  /** Stops the embedded servers started by {@link #resolve}; idempotent, never throws. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    redis.stop();
    pg.stop();
  }

  @Override
  public String toString() {
    return "InfrastructureEndpoints{pg="
        + PgUrls.redact(pg.url)
        + " ("
        + pg.mode
        + "), redis="
        + PgUrls.redact(redis.url)
        + " ("
        + redis.mode
        + ")}";
  }

  private static Endpoint configuredPostgres(String url) {
    String shown = PgUrls.redact(url);
    try {
      PostgresProbe.check(url, PG_CHECK_TIMEOUT);
    } catch (IllegalArgumentException e) {
      throw new InfrastructureException(
          "PG_URL is set to "
              + shown
              + " which is not a valid PostgreSQL URL; expected "
              + "postgresql://user[:password]@host:port/db",
          e);
    } catch (Exception e) {
      throw new InfrastructureException(
          "PG_URL is set to "
              + shown
              + " but PostgreSQL is not reachable there: "
              + causeText(e)
              + ". Fix PG_URL, or unset it to use the local default or an embedded server.",
          e);
    }
    return new Endpoint(url, "configured", "configured " + shown, null);
  }

  private static Endpoint configuredRedis(String url) {
    String shown = PgUrls.redact(url);
    try {
      RedisProbe.check(url, REDIS_CHECK_TIMEOUT);
    } catch (IllegalArgumentException e) {
      throw new InfrastructureException(
          "REDIS_URL is set to "
              + shown
              + " which is not a valid Redis URL; expected "
              + "redis://[:password@]host:port[/db]",
          e);
    } catch (Exception e) {
      throw new InfrastructureException(
          "REDIS_URL is set to "
              + shown
              + " but Redis is not reachable there: "
              + causeText(e)
              + ". Fix REDIS_URL, or unset it to use the local default or an embedded server.",
          e);
    }
    return new Endpoint(url, "configured", "configured " + shown, null);
  }

  private static Endpoint unconfiguredPostgres(EmbeddedMode mode, Path base) {
    if (mode == EmbeddedMode.ALWAYS) {
      return Endpoint.of(EmbeddedPostgresServer.start(base));
    }
    try {
      PostgresProbe.check(LOCAL_DEFAULT_PG_URL, PG_CHECK_TIMEOUT);
      return new Endpoint(
          LOCAL_DEFAULT_PG_URL,
          "local default server",
          "local default server " + LOCAL_DEFAULT_PG_URL,
          null);
    } catch (Exception e) {
      if (mode == EmbeddedMode.NEVER) {
        throw new InfrastructureException(
            "PostgreSQL: PG_URL is not set and EMBEDDED=never, but the local default "
                + "server "
                + LOCAL_DEFAULT_PG_URL
                + " does not answer ("
                + causeText(e)
                + "). Set PG_URL to a "
                + "reachable PostgreSQL, or use EMBEDDED=auto (or always) to start an embedded one.",
            e);
      }
      LOG.info(
          "PostgreSQL: local default server {} does not answer ({}); starting an embedded one",
          LOCAL_DEFAULT_PG_URL,
          causeText(e));
      return Endpoint.of(EmbeddedPostgresServer.start(base));
    }
  }

  private static Endpoint unconfiguredRedis(EmbeddedMode mode, Path base) {
    if (mode == EmbeddedMode.ALWAYS) {
      return Endpoint.of(EmbeddedRedisServer.start(base));
    }
    try {
      RedisProbe.check(LOCAL_DEFAULT_REDIS_URL, REDIS_CHECK_TIMEOUT);
      return new Endpoint(
          LOCAL_DEFAULT_REDIS_URL,
          "local default server",
          "local default server " + LOCAL_DEFAULT_REDIS_URL,
          null);
    } catch (Exception e) {
      if (mode == EmbeddedMode.NEVER) {
        throw new InfrastructureException(
            "Redis: REDIS_URL is not set and EMBEDDED=never, but the local default "
                + "server "
                + LOCAL_DEFAULT_REDIS_URL
                + " does not answer ("
                + causeText(e)
                + "). Set REDIS_URL "
                + "to a reachable Redis, or use EMBEDDED=auto (or always) to start an embedded one.",
            e);
      }
      LOG.info(
          "Redis: local default server {} does not answer ({}); starting an embedded one",
          LOCAL_DEFAULT_REDIS_URL,
          causeText(e));
      return Endpoint.of(EmbeddedRedisServer.start(base));
    }
  }

  private static String causeText(Throwable t) {
    return InfrastructureException.causeText(t);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
