package dev.userbatch.security;

import dev.userbatch.batch.Operation;
import dev.userbatch.batch.RequestException;
import dev.userbatch.config.SecurityConfig;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.metrics.BatchMetrics;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Item-weighted rate limits shared by every instance and every entry point (HTTP, event bus, TCP
 * bridge): a 1,000-id lookup costs 1,000, and a plaintext password its weight ({@link
 * RequestCost}). Each operation has a budget of items per minute per actor and per client IP (when
 * the caller has one: in-process event-bus callers do not), kept in Redis and checked and charged
 * by one atomic script, so concurrent requests on several instances cannot overspend it. A refused
 * request is not charged.
 */
public final class RateLimiter {
  private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
  static final long WINDOW_MS = 60_000;

  /** Seconds a client is told to wait when the limiter cannot be asked. */
  static final int UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

  /**
   * KEYS: counters; ARGV[1]: cost; ARGV[2]: window in ms; ARGV[2+i]: limit of KEYS[i]. Returns
   * {allowed 0|1, limit, remaining, reset ms} of the tightest counter.
   */
  static final String CHECK_AND_CHARGE =
      """
      local cost = tonumber(ARGV[1])
      local window = tonumber(ARGV[2])
      local limit, remaining, reset = nil, nil, 0
      for i, key in ipairs(KEYS) do
        local max = tonumber(ARGV[2 + i])
        local used = tonumber(redis.call('GET', key) or '0')
        local ttl = redis.call('PTTL', key)
        if ttl < 0 then ttl = window end
        if used + cost > max then
          return {0, max, math.max(max - used, 0), ttl}
        end
        if remaining == nil or max - used - cost < remaining then
          limit, remaining, reset = max, max - used - cost, ttl
        end
      end
      for i, key in ipairs(KEYS) do
        if redis.call('INCRBY', key, cost) == cost then
          redis.call('PEXPIRE', key, window)
        end
      end
      return {1, limit, remaining, reset}
      """;

  private final Redis redis;
  private final SecurityConfig config;
  private final BatchMetrics metrics;
  private final long timeoutMs;
  private final long passwordWeight;

  public RateLimiter(Redis redis, ServiceConfig config, BatchMetrics metrics) {
    this.redis = redis;
    this.config = config.security();
    this.metrics = metrics;
    this.timeoutMs = config.cacheTimeoutMs();
    this.passwordWeight = config.passwordWork().rateLimitPasswordWeight();
  }

  /** The answer: allowed or not, and what the RateLimit headers say. Limit 0 means unlimited. */
  public record Decision(
      boolean allowed, long limit, long remaining, long resetSeconds, RequestCost cost) {
    static Decision unlimited(RequestCost cost) {
      return new Decision(true, 0, 0, 0, cost);
    }

    /**
     * The 429 RATE_LIMITED refusal, for every entry point alike; {@code Retry-After} when the
     * budget is back.
     */
    public RequestException refusal(Operation operation) {
      return new RequestException(429, "RATE_LIMITED", refusalMessage(operation))
          .retryAfter(Math.max(1, resetSeconds));
    }

    private String refusalMessage(Operation operation) {
      return cost.total() > limit
          ? "Rate limit: this request has "
              + cost.describe()
              + ", more than the "
              + limit
              + " items per minute allowed for "
              + operation
              + "; split it into smaller requests"
          : "Rate limit exceeded for "
              + operation
              + ": this request has "
              + cost.describe()
              + " and "
              + remaining
              + " of "
              + limit
              + " items per minute remain; retry in "
              + resetSeconds
              + " s";
    }
  }

  /**
   * Checks and charges the cost of {@code envelope} to {@code actor} and {@code clientIp} (null:
   * the actor alone).
   */
  public Future<Decision> check(
      Operation operation, JsonObject envelope, String actor, String clientIp) {
    RequestCost cost = RequestCost.of(operation, envelope, passwordWeight);
    long limit = config.rateLimitFor(operation.wireName());
    if (limit <= 0) {
      return Future.succeededFuture(Decision.unlimited(cost));
    }
    String prefix = "ratelimit:" + operation.wireName();
    Request script =
        Request.cmd(Command.EVAL)
            .arg(CHECK_AND_CHARGE)
            .arg(clientIp == null ? 1 : 2)
            .arg(prefix + ":actor:" + actor);
    if (clientIp != null) {
      script.arg(prefix + ":ip:" + clientIp);
    }
    script.arg(cost.total()).arg(WINDOW_MS).arg(limit);
    if (clientIp != null) {
      script.arg(limit);
    }
    return redis
        .send(script)
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .map(reply -> decision(reply, cost))
        .recover(
            err -> {
              metrics.rateLimitError();
              if (config.rateLimitFailOpen()) {
                LOG.warn(
                    "Rate limit not checked (Redis: {}); allowing the request (RATE_LIMIT_FAIL_OPEN=true)",
                    err.toString());
                return Future.succeededFuture(
                    new Decision(true, limit, limit, WINDOW_MS / 1000, cost));
              }
              LOG.warn(
                  "Rate limit not checked (Redis: {}); refusing the request (RATE_LIMIT_FAIL_OPEN=false)",
                  err.toString());
              return Future.failedFuture(unavailable());
            });
  }

  private static Decision decision(Response reply, RequestCost cost) {
    return new Decision(
        reply.get(0).toInteger() == 1,
        reply.get(1).toLong(),
        reply.get(2).toLong(),
        (reply.get(3).toLong() + 999) / 1000,
        cost);
  }

  /**
   * The limiter cannot be asked and is configured to refuse: the same 503 for every entry point.
   */
  static RequestException unavailable() {
    return new RequestException(
            503,
            "RATE_LIMIT_UNAVAILABLE",
            "The rate limiter cannot be checked right now and is configured to refuse; retry shortly")
        .retryAfter(UNAVAILABLE_RETRY_AFTER_SECONDS);
  }
}
