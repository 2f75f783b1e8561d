package dev.userbatch.support;

import dev.userbatch.UserBatchApp;
import dev.userbatch.batch.Scopes;
import dev.userbatch.config.ServiceConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.WebClientSession;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One running service for the whole test JVM, on the real PostgreSQL and Redis (the local ones, or
 * embedded ones when none run), plus clients that tests use to check what really happened.
 */
public final class TestService {
  private static TestService shared;

  public final UserBatchApp app;
  public final Vertx clientVertx;
  public final WebClient http;
  public final Pool pg;
  public final Redis redis;

  /** The HS256 secret of test services; {@link #token} signs with it. */
  public static final String JWT_SECRET = "test-secret-for-user-batch-service-tests-0123456789";

  /** A client without credentials, for tests of authentication itself. */
  public final WebClient anonymousHttp;

  private TestService(UserBatchApp app) {
    this.app = app;
    this.clientVertx = Vertx.vertx();
    this.anonymousHttp =
        WebClient.create(
            clientVertx,
            new WebClientOptions()
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(app.config().httpPort())
                .setMaxInitialLineLength(128 * 1024));
    this.http =
        WebClientSession.create(anonymousHttp)
            .addHeader(
                "Authorization",
                "Bearer " + token(clientVertx, "test-suite", Scopes.READ, Scopes.WRITE));
    this.pg =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(2))
            .connectingTo(PgConnectOptions.fromUri(app.config().pgUrl()))
            .using(clientVertx)
            .build();
    this.redis = Redis.createClient(clientVertx, app.config().redisUrl());
  }

  public static synchronized TestService shared() {
    if (shared == null) {
      shared = launch(baseConfig());
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  /**
   * A separate service instance (for tests that break its Redis or PostgreSQL); close it after. It
   * starts on the shared service's PostgreSQL and Redis unless {@code customise} says otherwise, so
   * that embedded servers are started once per test JVM.
   */
  public static TestService start(UnaryOperator<ServiceConfig> customise) {
    ServiceConfig sharedConfig = shared().app.config();
    return launch(
        customise.apply(baseConfig().withEndpoints(sharedConfig.pgUrl(), sharedConfig.redisUrl())));
  }

  /**
   * The environment decides where PostgreSQL and Redis come from (PG_URL, REDIS_URL, EMBEDDED), as
   * for the service itself: `EMBEDDED=always mvn verify` runs the suite on embedded servers.
   */
  private static ServiceConfig baseConfig() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("DATA_DIR", Path.of("target", "test-data").toAbsolutePath().toString());
    ServiceConfig config = ServiceConfig.load(env).withHttpPort(freePort());
    return config.withSecurity(config.security().withJwtSecret(JWT_SECRET));
  }

  private static TestService launch(ServiceConfig config) {
    try {
      return new TestService(UserBatchApp.start(config));
    } catch (Exception e) {
      throw new IllegalStateException("test service did not start", e);
    }
  }

  /**
   * A token for {@code subject} with the given scopes, signed with {@link #JWT_SECRET}, valid 1 h.
   */
  public static String token(Vertx vertx, String subject, String... scopes) {
    JWTAuth jwt =
        JWTAuth.create(
            vertx,
            new JWTAuthOptions()
                .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(JWT_SECRET)));
    return jwt.generateToken(
        new JsonObject().put("sub", subject).put("scope", String.join(" ", scopes)),
        new JWTOptions().setAlgorithm("HS256").setExpiresInMinutes(60));
  }

  public String token(String subject, String... scopes) {
    return token(clientVertx, subject, scopes);
  }

  public int port() {
    return app.config().httpPort();
  }

  /**
   * Closes the clients first: open keep-alive connections would hold the server's graceful
   * shutdown.
   */
  public void close() {
    redis.close();
    pg.close();
    try {
      clientVertx
          .close()
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
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
