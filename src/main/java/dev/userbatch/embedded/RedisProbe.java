package dev.userbatch.embedded;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Does a Redis server answer at this URL? A PING through the Vert.x Redis client, over TLS for
 * {@code rediss://}.
 *
 * <p>Only the scheme, host and port of the URL are used: the question is whether a Redis server is
 * there, and a server that wants a password proves it by answering {@code NOAUTH}. Credentials and
 * the database index are the service's own client's business.
 */
final class RedisProbe {

  private static final String EXPECTED = "expected redis://[:password@]host:port[/db]";

  private RedisProbe() {}

  /**
   * Blocking form for start-up, when the service's Vert.x does not exist yet: a short-lived Vert.x
   * instance runs {@link #ping} and is closed again.
   *
   * @throws IllegalArgumentException if the URL is not a redis:// or rediss:// URL
   * @throws IOException if nothing answers, or something that is not Redis answers, within the
   *     timeout
   */
  static void check(String redisUrl, Duration timeout) throws IOException {
    endpointOf(redisUrl); // a malformed URL fails here, before any thread is started
    Vertx vertx = Vertx.vertx();
    try {
      await(ping(vertx, redisUrl, timeout), timeout.toMillis() + 5000);
    } finally {
      try {
        await(vertx.close(), 10_000);
      } catch (IOException e) {
        // the probe has its answer; event loops that were slow to stop change nothing about it
      }
    }
  }

  /**
   * Sends {@code PING} to {@code redisUrl} with {@code vertx}; succeeds on {@code PONG} or {@code
   * NOAUTH}, fails with the connection error, an unexpected reply, or "no reply" after {@code
   * timeout}.
   */
  static Future<Void> ping(Vertx vertx, String redisUrl, Duration timeout) {
    RedisOptions options;
    try {
      options =
          new RedisOptions()
              .setConnectionString(endpointOf(redisUrl))
              // no HELLO: a bare PING is what servers with and without a password both answer
              .setProtocolNegotiation(false)
              .setMaxPoolSize(1);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    options
        .getNetClientOptions()
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
        // TLS without checking the server's name, as the socket probe this replaced did: the probe
        // sends no
        // credentials, and the service's own Redis client is the one that must know whom it talks
        // to
        .setHostnameVerificationAlgorithm("");
    Redis client = Redis.createClient(vertx, options);
    return client
        .send(Request.cmd(Command.PING))
        .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .<Void>transform(
            ar -> {
              if (ar.succeeded()) {
                String reply = ar.result() == null ? "<connection closed>" : ar.result().toString();
                return "PONG".equals(reply)
                    ? Future.succeededFuture()
                    : Future.failedFuture(new IOException("unexpected reply to PING: " + reply));
              }
              Throwable cause = ar.cause();
              if (cause.getMessage() != null && cause.getMessage().startsWith("NOAUTH")) {
                return Future.succeededFuture(); // reachable; needs a password
              }
              if (cause instanceof TimeoutException) {
                return Future.failedFuture(
                    new IOException("no reply to PING within " + timeout.toMillis() + " ms"));
              }
              if ("CONNECTION_CLOSED"
                  .equals(cause.getMessage())) { // the client's word for "closed before replying"
                return Future.failedFuture(
                    new IOException("unexpected reply to PING: <connection closed>"));
              }
              return Future.failedFuture(cause);
            })
        .eventually(client::close);
  }

  /**
   * {@code scheme://host:port} of a {@code redis://[user][:pass@]host[:port][/db]} or {@code
   * rediss://} URL.
   */
  static String endpointOf(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("Redis URL is empty");
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a Redis URL (" + EXPECTED + ")", e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("redis") && !scheme.equals("rediss")) {
      throw new IllegalArgumentException("not a Redis URL (" + EXPECTED + ")");
    }
    String host = uri.getHost() == null || uri.getHost().isEmpty() ? "localhost" : uri.getHost();
    int port = uri.getPort() < 0 ? 6379 : uri.getPort();
    return scheme + "://" + host + ":" + port;
  }

  private static <T> T await(Future<T> future, long millis) throws IOException {
    try {
      return future.toCompletionStage().toCompletableFuture().get(millis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof IOException io
          ? io
          : new IOException(InfrastructureException.causeText(cause), cause);
    } catch (TimeoutException e) {
      throw new IOException("no answer within " + millis + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for Redis", e);
    }
  }
}
