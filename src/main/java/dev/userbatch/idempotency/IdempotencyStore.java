package dev.userbatch.idempotency;

import dev.userbatch.batch.BatchResponse;
import dev.userbatch.batch.RequestException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotency keys for write requests, kept in PostgreSQL so that every instance sees them.
 *
 * <p>The first request with a key claims it (a row without a response, leased for a while), runs,
 * and stores its complete response. A retry with the same key and body replays that response
 * without touching users; with another body it is refused (422); while the first one still runs it
 * is refused (409). A request that ends without a response (an internal failure) releases the key
 * so that it can be retried. The lease is renewed while the request runs; a claim whose lease ran
 * out (its instance died) can be taken over. A response that cannot be stored (the database went
 * away at the end) is still returned; the key then stays claimed until its lease ends. The request
 * hash ignores the order of JSON object members.
 *
 * <p>The request hash is an HMAC-SHA256 keyed with a server secret ({@link RequestHashKey}), never
 * a plain digest: the body carries plaintext passwords, and a fast unkeyed hash of it in the table
 * would let whoever reads the table test password guesses at SHA-256 speed. It is computed on a
 * worker thread: canonicalising and hashing a body of up to MAX_BODY_BYTES is CPU work that must
 * not hold an event loop.
 */
public final class IdempotencyStore {
  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyStore.class);
  public static final String HEADER = "Idempotency-Key";
  public static final int MAX_KEY_LENGTH = 255;
  private static final String HMAC = "HmacSHA256";

  static final String CLAIM =
      "INSERT INTO idempotency_keys (actor, key, operation, request_hash, lease_until, expires_at) "
          + "VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5), now() + make_interval(secs => $6)) "
          + "ON CONFLICT (actor, key) DO UPDATE SET operation = EXCLUDED.operation, "
          + "request_hash = EXCLUDED.request_hash, status = NULL, body = NULL, created_at = now(), "
          + "lease_until = EXCLUDED.lease_until, expires_at = EXCLUDED.expires_at "
          + "WHERE idempotency_keys.expires_at < now() "
          + "OR (idempotency_keys.status IS NULL AND idempotency_keys.lease_until < now()) "
          + "RETURNING key";
  static final String FIND =
      "SELECT operation, request_hash, status, body FROM idempotency_keys WHERE actor = $1 AND key = $2";
  static final String COMPLETE =
      "UPDATE idempotency_keys SET status = $3, body = $4 WHERE actor = $1 AND key = $2";
  static final String RENEW =
      "UPDATE idempotency_keys SET lease_until = now() + make_interval(secs => $3) "
          + "WHERE actor = $1 AND key = $2 AND status IS NULL";
  static final String RELEASE =
      "DELETE FROM idempotency_keys WHERE actor = $1 AND key = $2 AND status IS NULL";
  private final Vertx vertx;
  private final Pool pool;
  private final SecretKeySpec hmacKey;
  private final long retentionSeconds;
  private final long leaseSeconds;

  public IdempotencyStore(
      Vertx vertx, Pool pool, String hmacKey, long retentionSeconds, long leaseSeconds) {
    this.vertx = vertx;
    this.pool = pool;
    this.hmacKey = new SecretKeySpec(hmacKey.getBytes(StandardCharsets.UTF_8), HMAC);
    this.retentionSeconds = retentionSeconds;
    this.leaseSeconds = leaseSeconds;
  }

  /**
   * Runs {@code work} at most once per (actor, key): returns its response, or the stored one. Actor
   * null means an anonymous caller; keys are then shared by all anonymous callers.
   */
  public Future<Replayable> execute(
      String actor,
      String key,
      String operation,
      JsonObject envelope,
      Supplier<Future<BatchResponse>> work) {
    if (key.isEmpty()
        || key.length() > MAX_KEY_LENGTH
        || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      return Future.failedFuture(
          new RequestException(
              400,
              "INVALID_IDEMPOTENCY_KEY",
              HEADER + " must be 1 to " + MAX_KEY_LENGTH + " visible ASCII characters"));
    }
    String owner = actor == null ? "" : actor;
    return vertx
        .executeBlocking(() -> hash(hmacKey, operation, envelope), false)
        .compose(
            hash ->
                pool.preparedQuery(CLAIM)
                    .execute(Tuple.of(owner, key, operation, hash, leaseSeconds, retentionSeconds))
                    .recover(IdempotencyStore::unavailable)
                    .compose(
                        claimed ->
                            claimed.size() == 1
                                ? run(owner, key, work)
                                : existing(owner, key, operation, hash)));
  }

  /**
   * Nothing was started: the key could not be claimed or read, so the database is unavailable
   * (503).
   */
  private static <T> Future<T> unavailable(Throwable err) {
    LOG.warn(
        "Idempotency key store unavailable, request refused before it started: {}", err.toString());
    return Future.failedFuture(
        new RequestException(
            503,
            "DATABASE_UNAVAILABLE",
            "The batch was not started: its "
                + HEADER
                + " could not be recorded (database unavailable)"));
  }

  /** A response, and whether it is a replay of a stored one. */
  public record Replayable(BatchResponse response, boolean replayed) {}

  private Future<Replayable> run(String owner, String key, Supplier<Future<BatchResponse>> work) {
    Future<BatchResponse> result;
    try {
      result = work.get();
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    keepLeased(owner, key, result);
    return result.transform(
        done -> {
          if (done.failed()) {
            // No response (refused envelope, internal failure): free the key for a retry.
            return pool.preparedQuery(RELEASE)
                .execute(Tuple.of(owner, key))
                .transform(ignored -> Future.failedFuture(done.cause()));
          }
          BatchResponse response = done.result();
          return complete(owner, key, response, 2)
              .transform(
                  stored -> {
                    if (stored.failed()) {
                      // The batch ran (and may have written): the caller gets its response all the
                      // same. The key
                      // stays claimed, so a retry is answered 409 until the lease runs out, never
                      // run twice at once.
                      LOG.error(
                          "The response of idempotency key {} could not be stored; the key stays claimed until "
                              + "its lease ends ({} s): {}",
                          key,
                          leaseSeconds,
                          stored.cause().toString());
                    }
                    return Future.succeededFuture(new Replayable(response, false));
                  });
        });
  }

  /**
   * Renews the claim's lease while the work runs (a third of the lease at a time), so that a batch
   * that runs longer than one lease is not taken over and run a second time by a retry. The lease
   * only runs out when the instance running the batch is gone.
   */
  private void keepLeased(String owner, String key, Future<BatchResponse> running) {
    Context context = Vertx.currentContext();
    if (context == null || running.isComplete()) {
      return;
    }
    long periodMs = Math.max(100, leaseSeconds * 1000 / 3);
    long timer =
        context
            .owner()
            .setPeriodic(
                periodMs,
                id ->
                    pool.preparedQuery(RENEW)
                        .execute(Tuple.of(owner, key, leaseSeconds))
                        .onFailure(
                            err ->
                                LOG.warn(
                                    "The lease of idempotency key {} could not be renewed: {}",
                                    key,
                                    err.toString())));
    running.onComplete(ignored -> context.owner().cancelTimer(timer));
  }

  private Future<Void> complete(String owner, String key, BatchResponse response, int attempts) {
    return pool.preparedQuery(COMPLETE)
        .execute(Tuple.of(owner, key, response.status(), response.body().encode()))
        .<Void>mapEmpty()
        .recover(
            err ->
                attempts > 1
                    ? complete(owner, key, response, attempts - 1)
                    : Future.failedFuture(err));
  }

  private Future<Replayable> existing(String owner, String key, String operation, String hash) {
    return pool.preparedQuery(FIND)
        .execute(Tuple.of(owner, key))
        .recover(IdempotencyStore::unavailable)
        .compose(
            rows -> {
              Optional<Row> row =
                  rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next());
              if (row.isEmpty()) {
                return Future.failedFuture(
                    new RequestException(
                        409,
                        "IDEMPOTENCY_KEY_IN_USE",
                        "A request with this " + HEADER + " is being processed; retry later"));
              }
              Row stored = row.get();
              if (!stored.getString("request_hash").equals(hash)
                  || !stored.getString("operation").equals(operation)) {
                return Future.failedFuture(
                    new RequestException(
                        422,
                        "IDEMPOTENCY_KEY_REUSED",
                        "This "
                            + HEADER
                            + " was used for a different request; use a new key for a new request"));
              }
              Integer status = stored.getInteger("status");
              if (status == null) {
                return Future.failedFuture(
                    new RequestException(
                        409,
                        "IDEMPOTENCY_KEY_IN_USE",
                        "A request with this "
                            + HEADER
                            + " is still being processed; retry later"));
              }
              return Future.succeededFuture(
                  new Replayable(
                      new BatchResponse(status, new JsonObject(stored.getString("body"))), true));
            });
  }

  /**
   * The envelope as JSON text with the members of every object in name order: a retry that sends
   * the same JSON with its members in another order (JSON objects are unordered) is the same
   * request.
   */
  static String canonical(Object value) {
    StringBuilder out = new StringBuilder();
    appendCanonical(out, value);
    return out.toString();
  }

  private static void appendCanonical(StringBuilder out, Object value) {
    if (value instanceof JsonObject object) {
      out.append('{');
      boolean first = true;
      for (String name : new TreeSet<>(object.fieldNames())) {
        out.append(first ? "" : ",").append(Json.encode(name)).append(':');
        appendCanonical(out, object.getValue(name));
        first = false;
      }
      out.append('}');
    } else if (value instanceof JsonArray array) {
      out.append('[');
      for (int i = 0; i < array.size(); i++) {
        out.append(i == 0 ? "" : ",");
        appendCanonical(out, array.getValue(i));
      }
      out.append(']');
    } else {
      out.append(Json.encode(value));
    }
  }

  static String hash(SecretKeySpec key, String operation, JsonObject envelope) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      mac.update(operation.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      mac.update(canonical(envelope).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
