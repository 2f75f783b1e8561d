package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.Scopes;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.support.ApiTest;
import dev.userbatch.support.PrometheusText;
import dev.userbatch.support.SeparateService;
import dev.userbatch.support.TestData;
import dev.userbatch.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/**
 * Item-weighted rate limits on separate instances with small budgets (50 items per minute, 20 for
 * create). Each test calls from its own loopback address (127.x.y.z) with its own subject, so its
 * counters ({@code ratelimit:<op>:actor:<sub>}, {@code ratelimit:<op>:ip:<ip>}) are its own even
 * when other test runs share the Redis; the keys are deleted afterwards.
 */
class RateLimitTest extends ApiTest {
  private static final long LIMIT = 50;
  private static final long CREATE_LIMIT = 20;

  private static TestService first;
  private static TestService second;

  /** The peer address instance {@link #second} trusts as a proxy. */
  private static String trustedProxy;

  private static final List<WebClient> clients = new ArrayList<>();
  private final List<String> keys = new ArrayList<>();

  private static UnaryOperator<ServiceConfig> limited(
      String trustedProxies, boolean failOpen, String redisUrl) {
    return base -> {
      ServiceConfig config =
          SeparateService.config(base, Map.of("TRUSTED_PROXIES", trustedProxies), redisUrl);
      return config.withSecurity(
          config.security().withRateLimit(LIMIT, Map.of("create", CREATE_LIMIT), failOpen));
    };
  }

  @BeforeAll
  static void startLimitedInstances() {
    trustedProxy = randomLoopback();
    first = TestService.start(limited("", true, null));
    second = TestService.start(limited(trustedProxy, true, null));
  }

  @AfterAll
  static void stopLimitedInstances() {
    clients.forEach(WebClient::close);
    first.close();
    second.close();
  }

  @AfterEach
  void deleteCounters() {
    if (!keys.isEmpty()) {
      sync(redis(Command.DEL, keys.toArray()));
    }
  }

  private static String randomLoopback() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return "127."
        + (1 + random.nextInt(250))
        + "."
        + random.nextInt(256)
        + "."
        + (1 + random.nextInt(250));
  }

  /** A client of {@code instance} whose connections come from {@code localAddress}. */
  private static WebClient client(TestService instance, String localAddress) {
    WebClient client =
        WebClient.create(
            instance.clientVertx,
            new WebClientOptions()
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(instance.port())
                .setLocalAddress(localAddress));
    synchronized (clients) {
      clients.add(client);
    }
    return client;
  }

  /** A caller: a subject with both scopes, at a loopback address of its own. */
  private final class Caller {
    final String subject = "rl-" + UUID.randomUUID();
    final String ip;
    final String token = TestService.token(service.clientVertx, subject, Scopes.READ, Scopes.WRITE);

    Caller() {
      this(randomLoopback());
    }

    Caller(String ip) {
      this.ip = ip;
      for (String op : List.of("lookup", "create")) {
        keys.add(actorKey(op));
        keys.add(ipKey(op, ip));
      }
    }

    String actorKey(String op) {
      return "ratelimit:" + op + ":actor:" + subject;
    }

    HttpResponse<Buffer> lookup(TestService instance, int count, String... headers) {
      JsonArray ids = new JsonArray();
      for (int i = 0; i < count; i++) {
        ids.add(UUID.randomUUID().toString());
      }
      return send(
          instance,
          HttpMethod.POST,
          "/batch/users/lookup",
          new JsonObject().put("ids", ids),
          headers);
    }

    HttpResponse<Buffer> create(TestService instance, JsonArray users, String... headers) {
      return send(
          instance,
          HttpMethod.POST,
          "/batch/users/create",
          TestData.createRequest(users, null),
          headers);
    }

    HttpResponse<Buffer> send(
        TestService instance, HttpMethod method, String path, JsonObject body, String... headers) {
      HttpRequest<Buffer> request =
          client(instance, ip).request(method, path).putHeader("Authorization", "Bearer " + token);
      for (int i = 0; i < headers.length; i += 2) {
        request.putHeader(headers[i], headers[i + 1]);
      }
      return sync(request.sendJsonObject(body));
    }
  }

  private String ipKey(String op, String ip) {
    return "ratelimit:" + op + ":ip:" + ip;
  }

  private String counter(String key) {
    keys.add(key);
    Response value = sync(redis(Command.GET, key));
    return value == null ? null : value.toString();
  }

  private static long header(HttpResponse<Buffer> response, String name) {
    String value = response.getHeader(name);
    assertThat(value).as(name + " in " + response.headers()).isNotNull();
    return Long.parseLong(value);
  }

  private static void assertAllowed(HttpResponse<Buffer> response, long limit, long remaining) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(header(response, "RateLimit-Limit")).isEqualTo(limit);
    assertThat(header(response, "RateLimit-Remaining")).isEqualTo(remaining);
    assertThat(header(response, "RateLimit-Reset")).isBetween(1L, 60L);
  }

  private static JsonObject assertRefused(
      HttpResponse<Buffer> response, long limit, long remaining) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(429);
    assertThat(response.getHeader("content-type")).isEqualTo("application/json");
    assertThat(header(response, "Retry-After")).isBetween(1L, 60L);
    assertThat(header(response, "RateLimit-Limit")).isEqualTo(limit);
    assertThat(header(response, "RateLimit-Remaining")).isEqualTo(remaining);
    assertThat(header(response, "RateLimit-Reset")).isBetween(1L, 60L);
    JsonObject json = response.bodyAsJsonObject();
    assertThat(json.getBoolean("success")).isFalse();
    assertThat(json.getString("code")).isEqualTo("RATE_LIMITED");
    return json;
  }

  @Test
  void aBatchCostsItsItemCountAndEveryResponseCarriesTheHeaders() {
    Caller caller = new Caller();
    assertAllowed(caller.lookup(first, 30), LIMIT, 20);
    assertThat(counter(caller.actorKey("lookup"))).isEqualTo("30");
    assertThat(counter(ipKey("lookup", caller.ip))).isEqualTo("30");
    assertAllowed(caller.lookup(first, 1), LIMIT, 19);
    HttpResponse<Buffer> get =
        caller.send(
            first,
            HttpMethod.GET,
            "/batch/users/lookup?ids=" + UUID.randomUUID() + "," + UUID.randomUUID(),
            null);
    assertAllowed(get, LIMIT, 17);
    // an invalid envelope (no item array) costs one and still carries the headers
    HttpResponse<Buffer> invalid =
        caller.send(
            first,
            HttpMethod.POST,
            "/batch/users/lookup",
            new JsonObject().put("ids", "not-an-array"));
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(header(invalid, "RateLimit-Remaining")).isEqualTo(16);
    assertThat(counter(caller.actorKey("lookup"))).isEqualTo("34");
  }

  @Test
  void overTheLimitIs429WithRetryAfterAndTheRefusedRequestIsNotCharged() {
    Caller caller = new Caller();
    assertAllowed(caller.lookup(first, 45), LIMIT, 5);
    String correlation = "rl-refused-" + UUID.randomUUID();
    JsonObject refused =
        assertRefused(caller.lookup(first, 10, "X-Correlation-Id", correlation), LIMIT, 5);
    assertThat(refused.getString("message")).contains("10 items", "retry in");
    assertThat(counter(caller.actorKey("lookup"))).isEqualTo("45");
    assertThat(counter(ipKey("lookup", caller.ip))).isEqualTo("45");
    assertThat(
            sync(sql("SELECT count(*) AS n FROM audit_log WHERE correlation_id = $1", correlation))
                .iterator()
                .next()
                .getLong("n"))
        .as("a refused batch does no work")
        .isZero();
    assertAllowed(caller.lookup(first, 5), LIMIT, 0);
    assertRefused(caller.lookup(first, 1), LIMIT, 0);
  }

  @Test
  void perOperationLimitAndARequestLargerThanTheLimitIsToldToSplit() {
    Caller caller = new Caller();
    JsonArray tooMany = TestData.usersWithHash("rl-split", (int) CREATE_LIMIT + 1);
    JsonObject refused = assertRefused(caller.create(first, tooMany), CREATE_LIMIT, CREATE_LIMIT);
    assertThat(refused.getString("message"))
        .contains("21 items", "20 items per minute", "split it");
    String firstEmail = tooMany.getJsonObject(0).getString("email");
    assertThat(
            sync(sql("SELECT count(*) AS n FROM users WHERE email = $1", firstEmail))
                .iterator()
                .next()
                .getLong("n"))
        .isZero();
    assertAllowed(caller.create(first, TestData.usersWithHash("rl-create", 15)), CREATE_LIMIT, 5);
    assertRefused(caller.create(first, TestData.usersWithHash("rl-create", 6)), CREATE_LIMIT, 5);
    // the other operations keep the default limit, counted separately
    assertAllowed(caller.lookup(first, 50), LIMIT, 0);
  }

  @Test
  void theIpBucketIsSharedByActorsAndXForwardedForFromAnUntrustedPeerIsIgnored() {
    String ip = randomLoopback();
    Caller one = new Caller(ip);
    Caller two = new Caller(ip);
    String spoofed = "10." + ThreadLocalRandom.current().nextInt(256) + ".7.9";
    keys.add(ipKey("lookup", spoofed));
    String correlation = "rl-xff-" + UUID.randomUUID();
    assertAllowed(
        one.lookup(first, 30, "X-Forwarded-For", spoofed, "X-Correlation-Id", correlation),
        LIMIT,
        20);
    assertThat(counter(ipKey("lookup", ip))).isEqualTo("30");
    assertThat(counter(ipKey("lookup", spoofed))).isNull();
    Row audit =
        sync(sql("SELECT client_ip FROM audit_log WHERE correlation_id = $1", correlation))
            .iterator()
            .next();
    assertThat(audit.getString("client_ip")).isEqualTo(ip);
    // another actor behind another made-up address is still the same client IP: 30 + 21 > 50
    assertRefused(two.lookup(first, 21, "X-Forwarded-For", "10.1.2.3"), LIMIT, 20);
    assertAllowed(two.lookup(first, 20, "X-Forwarded-For", "10.1.2.4"), LIMIT, 0);
  }

  @Test
  void theActorBucketFollowsTheSubjectAcrossAddresses() {
    Caller caller = new Caller();
    Caller sameSubjectElsewhere = new Caller();
    assertAllowed(caller.lookup(first, 40), LIMIT, 10);
    // same token from another address
    HttpResponse<Buffer> refused =
        sync(
            client(first, sameSubjectElsewhere.ip)
                .post("/batch/users/lookup")
                .putHeader("Authorization", "Bearer " + caller.token)
                .sendJsonObject(
                    new JsonObject()
                        .put(
                            "ids",
                            new JsonArray(
                                List.of(
                                    UUID.randomUUID().toString(),
                                    UUID.randomUUID().toString(),
                                    UUID.randomUUID().toString(),
                                    UUID.randomUUID().toString(),
                                    UUID.randomUUID().toString(),
                                    UUID.randomUUID().toString(),
                                    UUID.randomUUID().toString(),
                                    UUID.randomUUID().toString(),
                                    UUID.randomUUID().toString(),
                                    UUID.randomUUID().toString(),
                                    UUID.randomUUID().toString())))));
    assertRefused(refused, LIMIT, 10);
  }

  @Test
  void instancesOnTheSameRedisShareTheCounters() {
    Caller caller = new Caller();
    assertAllowed(caller.lookup(first, 40), LIMIT, 10);
    assertRefused(caller.lookup(second, 11), LIMIT, 10);
    assertAllowed(caller.lookup(second, 10), LIMIT, 0);
    assertRefused(caller.lookup(first, 1), LIMIT, 0);
  }

  @Test
  void xForwardedForIsBelievedOnlyFromATrustedProxy() {
    Caller behindProxy = new Caller(trustedProxy);
    String client = "203.0.113." + ThreadLocalRandom.current().nextInt(1, 255);
    keys.add(ipKey("lookup", client));
    assertAllowed(
        behindProxy.lookup(second, 7, "X-Forwarded-For", "198.51.100.1, " + client), LIMIT, 43);
    assertThat(counter(ipKey("lookup", client))).isEqualTo("7");
    assertThat(counter(ipKey("lookup", trustedProxy))).isNull();
    // the same header through the instance that trusts no proxy counts the peer
    Caller direct = new Caller(trustedProxy);
    assertAllowed(direct.lookup(first, 3, "X-Forwarded-For", client), LIMIT, 47);
    assertThat(counter(ipKey("lookup", trustedProxy))).isEqualTo("3");
    assertThat(counter(ipKey("lookup", client))).isEqualTo("7");
  }

  private static double rateLimitErrors(TestService instance) {
    HttpResponse<Buffer> metrics = sync(instance.anonymousHttp.get("/metrics").send());
    assertThat(metrics.statusCode()).isEqualTo(200);
    return PrometheusText.parse(metrics.bodyAsString())
        .value("batch_rate_limit_errors_total", Map.of());
  }

  @Test
  void whenRedisIsUnreachableTheLimiterFailsOpenOrClosedAsConfiguredAndCountsIt() throws Exception {
    int port = TestService.freePort();
    RedisServer redisServer =
        RedisServer.newRedisServer()
            .port(port)
            .setting("bind 127.0.0.1")
            .setting("save \"\"")
            .build();
    redisServer.start();
    String redisUrl = "redis://127.0.0.1:" + port;
    TestService open = null;
    TestService closed = null;
    try {
      open = TestService.start(limited("", true, redisUrl));
      closed = TestService.start(limited("", false, redisUrl));
      Caller caller = new Caller();
      assertAllowed(caller.lookup(open, 5), LIMIT, 45);
      assertAllowed(caller.lookup(closed, 5), LIMIT, 40);
      double openErrors = rateLimitErrors(open);
      double closedErrors = rateLimitErrors(closed);
      redisServer.stop();

      HttpResponse<Buffer> allowed = caller.lookup(open, 5);
      assertThat(allowed.statusCode()).as(allowed.bodyAsString()).isEqualTo(200);
      assertThat(rateLimitErrors(open)).isEqualTo(openErrors + 1);

      HttpResponse<Buffer> refused = caller.lookup(closed, 5);
      assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(503);
      assertThat(refused.getHeader("Retry-After")).isNotNull();
      assertThat(refused.bodyAsJsonObject().getString("code")).isEqualTo("RATE_LIMIT_UNAVAILABLE");
      assertThat(rateLimitErrors(closed)).isEqualTo(closedErrors + 1);
    } finally {
      if (open != null) {
        open.close();
      }
      if (closed != null) {
        closed.close();
      }
      if (redisServer.isActive()) {
        redisServer.stop();
      }
    }
  }
}
