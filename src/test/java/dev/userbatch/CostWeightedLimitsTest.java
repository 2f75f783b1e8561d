package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.userbatch.batch.Scopes;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.support.ApiTest;
import dev.userbatch.support.BridgeSocket;
import dev.userbatch.support.SeparateService;
import dev.userbatch.support.TestData;
import dev.userbatch.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 6: the event-bus API and the TCP bridge are charged by the same rate limiter as
 * HTTP, and a plaintext password costs its weight. One instance with 100 items per minute and a
 * password weight of 10; every test has its own actor (and, over the bridge, its own loopback
 * address), and deletes its counters.
 */
class CostWeightedLimitsTest extends ApiTest {
  private static final long LIMIT = 100;
  private static final long WEIGHT = 10;
  private static TestService limited;
  private static int bridgePort;
  private final List<String> keys = new ArrayList<>();

  @BeforeAll
  static void startLimitedInstance() {
    bridgePort = TestService.freePort();
    limited =
        TestService.start(
            base ->
                SeparateService.config(
                    base,
                    Map.of(
                        "RATE_LIMIT_ITEMS_PER_MINUTE", String.valueOf(LIMIT),
                        "RATE_LIMIT_PASSWORD_WEIGHT", String.valueOf(WEIGHT),
                        "BRIDGE_PORT", String.valueOf(bridgePort)),
                    null));
  }

  @AfterAll
  static void stopLimitedInstance() {
    limited.close();
  }

  @AfterEach
  void deleteCounters() {
    if (!keys.isEmpty()) {
      sync(redis(Command.DEL, keys.toArray()));
    }
  }

  private String counter(String key) {
    keys.add(key);
    Response value = sync(redis(Command.GET, key));
    return value == null ? null : value.toString();
  }

  private static JsonObject lookupOf(int count) {
    JsonArray ids = new JsonArray();
    for (int i = 0; i < count; i++) {
      ids.add(UUID.randomUUID().toString());
    }
    return new JsonObject().put("ids", ids);
  }

  private static Future<Message<Object>> overTheBus(
      String operation, JsonObject body, String actor) {
    return limited
        .app
        .vertx()
        .eventBus()
        .request("users.batch." + operation, body, new DeliveryOptions().addHeader("actor", actor));
  }

  private static JsonArray withPasswords(String tag, int count) {
    JsonArray users = new JsonArray();
    for (int i = 0; i < count; i++) {
      users.add(
          new JsonObject()
              .put("email", TestData.email(tag))
              .put("name", "Weighted " + i)
              .put("password", "correct-horse-" + UUID.randomUUID()));
    }
    return users;
  }

  @Test
  void badSettingsFailStartUpNamingTheVariable() {
    assertThatThrownBy(() -> ServiceConfig.load(Map.of("RATE_LIMIT_PASSWORD_WEIGHT", "0")))
        .hasMessageContaining("RATE_LIMIT_PASSWORD_WEIGHT");
    assertThatThrownBy(() -> ServiceConfig.load(Map.of("PASSWORD_HASH_QUEUE_MAX", "999")))
        .hasMessageContaining("PASSWORD_HASH_QUEUE_MAX");
    assertThat(ServiceConfig.load(Map.of()).passwordWork().rateLimitPasswordWeight()).isEqualTo(50);
  }

  @Test
  void eventBusRequestsBeyondTheLimitAreRefusedWith429() {
    String actor = "eb-limit-" + UUID.randomUUID();
    String key = "ratelimit:lookup:actor:" + actor;
    keys.add(key);
    Message<Object> allowed = sync(overTheBus("lookup", lookupOf(90), actor));
    assertThat(allowed.headers().get("status")).isEqualTo("200");
    assertThat(counter(key)).isEqualTo("90");

    Throwable refused =
        sync(
            overTheBus("lookup", lookupOf(20), actor)
                .map(m -> (Throwable) null)
                .recover(Future::succeededFuture));
    assertThat(refused).as("the request over the limit fails").isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) refused).failureCode()).isEqualTo(429);
    JsonObject body = new JsonObject(refused.getMessage());
    assertThat(body.getBoolean("success")).isFalse();
    assertThat(body.getString("code")).isEqualTo("RATE_LIMITED");
    assertThat(body.getString("message")).contains("20 items", "10 of 100");
    assertThat(counter(key)).as("a refused request is not charged").isEqualTo("90");
  }

  @Test
  void bridgeRequestsAreChargedToTheTokenSubjectAndTheClientAddress() throws Exception {
    String subject = "bridge-limit-" + UUID.randomUUID();
    String ip = randomLoopback();
    String actorKey = "ratelimit:lookup:actor:" + subject;
    String ipKey = "ratelimit:lookup:ip:" + ip;
    keys.add(actorKey);
    keys.add(ipKey);
    JsonObject headers =
        new JsonObject()
            .put("authorization", "Bearer " + limited.token(subject, Scopes.READ))
            .put("actor", "spoofed");
    try (BridgeSocket socket = BridgeSocket.connect("127.0.0.1", bridgePort, ip)) {
      String first = socket.request("users.batch.lookup", lookupOf(95), headers);
      JsonObject reply =
          socket.readUntil(frame -> first.equals(frame.getString("address")), 15_000);
      assertThat(reply.getString("type")).as(reply.encode()).isEqualTo("message");
      assertThat(counter(actorKey)).isEqualTo("95");
      assertThat(counter(ipKey)).isEqualTo("95");

      String second = socket.request("users.batch.lookup", lookupOf(10), headers);
      JsonObject refusal =
          socket.readUntil(frame -> second.equals(frame.getString("address")), 15_000);
      assertThat(refusal.getString("type")).as(refusal.encode()).isEqualTo("err");
      assertThat(refusal.getInteger("failureCode")).isEqualTo(429);
      assertThat(new JsonObject(refusal.getString("message")).getString("code"))
          .isEqualTo("RATE_LIMITED");
      assertThat(counter(actorKey)).isEqualTo("95");
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

  @Test
  void aPlaintextPasswordCostsItsWeightOverHttp() {
    String subject = "http-weight-" + UUID.randomUUID();
    String key = "ratelimit:create:actor:" + subject;
    keys.add(key);
    // from an address of its own: the per-IP counters of 127.0.0.1 are shared with other tests
    String ip = randomLoopback();
    keys.add("ratelimit:create:ip:" + ip);
    WebClient http =
        WebClient.create(
            limited.clientVertx,
            new WebClientOptions()
                .setDefaultHost("127.0.0.1")
                .setDefaultPort(limited.port())
                .setLocalAddress(ip));
    JsonArray users = withPasswords("weight-http", 2);
    users.add(TestData.userWithHash(TestData.email("weight-http"), "Imported"));
    HttpResponse<Buffer> response =
        sync(
            http.post("/batch/users/create")
                .putHeader("Authorization", "Bearer " + limited.token(subject, Scopes.WRITE))
                .sendJsonObject(TestData.createRequest(users, null)));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    long cost = 2 * WEIGHT + 1;
    assertThat(response.getHeader("RateLimit-Remaining")).isEqualTo(String.valueOf(LIMIT - cost));
    assertThat(counter(key)).isEqualTo(String.valueOf(cost));

    // nine more passwords would cost 90 of the 79 left: refused, and told why
    HttpResponse<Buffer> refused =
        sync(
            http.post("/batch/users/create")
                .putHeader("Authorization", "Bearer " + limited.token(subject, Scopes.WRITE))
                .sendJsonObject(TestData.createRequest(withPasswords("weight-http", 9), null)));
    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(429);
    assertThat(refused.bodyAsJsonObject().getString("message"))
        .contains("9 items", "costing 90", "a plaintext password counts " + WEIGHT);
    http.close();
  }

  @Test
  void aPlaintextPasswordCostsItsWeightOverTheEventBus() {
    String actor = "eb-weight-" + UUID.randomUUID();
    String key = "ratelimit:create:actor:" + actor;
    keys.add(key);
    Message<Object> reply =
        sync(
            overTheBus(
                "create", TestData.createRequest(withPasswords("weight-eb", 3), null), actor));
    assertThat(reply.headers().get("status")).isEqualTo("200");
    assertThat(counter(key)).isEqualTo(String.valueOf(3 * WEIGHT));
  }
}
