package dev.userbatch.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;

/**
 * One HTTP/1.1 connection to the service, opened once and kept alive, for the round trips that take
 * a millisecond or less: every request of a measurement goes over the same connection, so no
 * connect or pool choice is in any sample. The time of a request runs from sending it until its
 * whole body has arrived on the connection's event loop (the hand-over to the waiting thread is not
 * in it, as for {@link BenchRedis#timedMget}). A connection the service closes fails every later
 * request, and those count as failures.
 */
final class KeepAliveConnection implements AutoCloseable {
  private final HttpClientAgent agent;
  private final HttpClientConnection connection;
  private final String authorization;

  private KeepAliveConnection(
      HttpClientAgent agent, HttpClientConnection connection, String authorization) {
    this.agent = agent;
    this.connection = connection;
    this.authorization = authorization;
  }

  static KeepAliveConnection open(Vertx vertx, String base, String authorization) throws Exception {
    URI uri = URI.create(base);
    HttpClientAgent agent = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
    HttpClientConnection connection =
        Await.result(
            agent.connect(
                new HttpConnectOptions()
                    .setHost(uri.getHost())
                    .setPort(uri.getPort())
                    .setConnectTimeout(10_000)));
    return new KeepAliveConnection(agent, connection, authorization);
  }

  /** GET of {@code pathAndQuery}; a failure is a reply with status -1 and the error. */
  Reply get(String pathAndQuery) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI(pathAndQuery);
    if (authorization != null) {
      options.putHeader("Authorization", authorization);
    }
    long t0 = System.nanoTime();
    Future<Reply> reply =
        connection
            .request(options)
            .compose(request -> request.send())
            .compose(
                response ->
                    response
                        .body()
                        .map(
                            body ->
                                new Reply(
                                    response.statusCode(),
                                    body.toString(),
                                    (System.nanoTime() - t0) / 1e6,
                                    null)));
    try {
      return Await.result(reply);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reply(-1, null, (System.nanoTime() - t0) / 1e6, "interrupted");
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return new Reply(
          -1,
          null,
          (System.nanoTime() - t0) / 1e6,
          cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
  }

  @Override
  public void close() throws Exception {
    Await.result(connection.close());
    Await.result(agent.close());
  }
}
