package dev.userbatch.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Only envelopes that are small by construction are validated on the event loop. */
class SmallEnvelopeTest {

  private static JsonArray ids(int count) {
    JsonArray ids = new JsonArray();
    for (int i = 0; i < count; i++) {
      ids.add(UUID.randomUUID().toString());
    }
    return ids;
  }

  @Test
  void aFewShortItemsAreSmall() {
    assertThat(SmallEnvelope.test(new JsonObject().put("ids", ids(100)), "ids")).isTrue();
    assertThat(
            SmallEnvelope.test(
                new JsonObject()
                    .put("ids", ids(3))
                    .put(
                        "options",
                        new JsonObject().put("chunkSize", 10).put("continueOnError", true)),
                "ids"))
        .isTrue();
    JsonArray updates =
        new JsonArray()
            .add(
                new JsonObject()
                    .put("id", UUID.randomUUID().toString())
                    .put("data", new JsonObject().put("name", "A").put("email", "a@example.com"))
                    .put("expectedVersion", 3));
    assertThat(SmallEnvelope.test(new JsonObject().put("updates", updates), "updates")).isTrue();
  }

  @Test
  void manyItemsLongStringsDeepValuesOrOtherShapesAreNot() {
    assertThat(SmallEnvelope.test(new JsonObject().put("ids", ids(101)), "ids")).isFalse();
    assertThat(
            SmallEnvelope.test(
                new JsonObject().put("ids", new JsonArray().add("x".repeat(1025))), "ids"))
        .isFalse();
    assertThat(
            SmallEnvelope.test(
                new JsonObject()
                    .put(
                        "users",
                        new JsonArray().add(new JsonObject().put("name", "x".repeat(2_000_000)))),
                "users"))
        .isFalse();
    assertThat(
            SmallEnvelope.test(
                new JsonObject()
                    .put(
                        "users",
                        new JsonArray()
                            .add(
                                new JsonObject()
                                    .put(
                                        "data",
                                        new JsonObject()
                                            .put("deeper", new JsonObject().put("deepest", 1))))),
                "users"))
        .isFalse();
    assertThat(SmallEnvelope.test(new JsonObject().put("ids", new JsonArray().add(ids(2))), "ids"))
        .isFalse();
    assertThat(
            SmallEnvelope.test(
                new JsonObject().put("ids", ids(2)).put("extra", ids(50_000)), "ids"))
        .isFalse();
    assertThat(SmallEnvelope.test(new JsonObject().put("id", ids(2)), "ids"))
        .as("items not where expected")
        .isFalse();
    assertThat(
            SmallEnvelope.test(
                new JsonObject()
                    .put("ids", ids(2))
                    .put("options", new JsonObject().put("x", ids(50_000))),
                "ids"))
        .isFalse();
  }
}
