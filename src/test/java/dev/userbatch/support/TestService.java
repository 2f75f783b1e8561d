package dev.userbatch.support;

import dev.userbatch.UserBatchApp;
import dev.userbatch.config.ServiceConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One running service for the whole test JVM, on the real PostgreSQL and Redis (the local ones,
 * or embedded ones when none run), plus clients that tests use to check what really happened.
 */
public final class TestService {
  private static TestService shared;

  public final UserBatchApp app;
  public final Vertx clientVertx;
  public final WebClient http;
  public final Pool pg;
  public final Redis redis;

  private TestService(UserBatchApp app) {
    this.app = app;
    this.clientVertx = Vertx.vertx();
    this.http = WebClient.create(clientVertx, new WebClientOptions()
        .setDefaultHost("127.0.0.1")
        .setDefaultPort(app.config().httpPort())
        .setMaxInitialLineLength(128 * 1024));
    this.pg = PgBuilder.pool().with(new PoolOptions().setMaxSize(2))
        .connectingTo(PgConnectOptions.fromUri(app.config().pgUrl())).using(clientVertx).build();
    this.redis = Redis.createClient(clientVertx, app.config().redisUrl());
  }

  public static synchronized TestService shared() {
    if (shared == null) {
      shared = start(config -> config);
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  /** A separate service instance (for tests that break its Redis or PostgreSQL); close it after. */
  public static TestService start(UnaryOperator<ServiceConfig> customise) {
    try {
      ServiceConfig config = ServiceConfig.load(Map.of(
              "DATA_DIR", Path.of("target", "test-data").toAbsolutePath().toString()))
          .withHttpPort(freePort());
      return new TestService(UserBatchApp.start(customise.apply(config)));
    } catch (Exception e) {
      throw new IllegalStateException("test service did not start", e);
    }
  }

  public int port() {
    return app.config().httpPort();
  }

  public void close() {
    redis.close();
    pg.close();
    clientVertx.close();
    app.close();
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
