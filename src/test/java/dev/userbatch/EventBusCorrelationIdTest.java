package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.ApiTest;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Issue 12, item 11a: an event-bus correlation id passes the same check as the HTTP header. */
class EventBusCorrelationIdTest extends ApiTest {
  private static final String UUID_PATTERN =
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  private String echoedCorrelationId(String sent) {
    DeliveryOptions options = new DeliveryOptions().addHeader("actor", "correlation-test");
    if (sent != null) {
      options.addHeader("correlationId", sent);
    }
    JsonObject lookup =
        new JsonObject().put("ids", new JsonArray().add(UUID.randomUUID().toString()));
    Message<Object> reply =
        sync(service.app.vertx().eventBus().request("users.batch.lookup", lookup, options));
    assertThat(reply.headers().get("status")).isEqualTo("200");
    return reply.headers().get("correlationId");
  }

  @Test
  void anUnsafeCorrelationIdIsReplacedAndASafeOneKept() {
    String forged = "abc\n2026-01-01 INFO forged log line";
    assertThat(echoedCorrelationId(forged)).as("line break").matches(UUID_PATTERN);
    assertThat(echoedCorrelationId("x".repeat(129))).as("too long").matches(UUID_PATTERN);
    assertThat(echoedCorrelationId("<script>")).as("markup").matches(UUID_PATTERN);
    assertThat(echoedCorrelationId("")).as("empty").matches(UUID_PATTERN);
    assertThat(echoedCorrelationId(null)).as("absent").matches(UUID_PATTERN);
    assertThat(echoedCorrelationId("trace-42.a:b_c")).isEqualTo("trace-42.a:b_c");
    assertThat(echoedCorrelationId("y".repeat(128))).isEqualTo("y".repeat(128));
  }
}
