package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.ApiTest;
import dev.userbatch.support.TestData;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;

class EnvelopeValidationTest extends ApiTest {

  private void expect(
      VertxTestContext ctx,
      io.vertx.core.Future<io.vertx.ext.web.client.HttpResponse<Buffer>> call,
      int status,
      String code,
      String... messageParts) {
    call.onComplete(
        ctx.succeeding(
            response ->
                ctx.verify(
                    () -> {
                      assertThat(response.statusCode())
                          .as(response.bodyAsString())
                          .isEqualTo(status);
                      assertThat(response.getHeader("content-type")).isEqualTo("application/json");
                      JsonObject json = response.bodyAsJsonObject();
                      assertThat(json.getBoolean("success")).isFalse();
                      assertThat(json.getString("code")).isEqualTo(code);
                      assertThat(json.getString("message")).contains(messageParts);
                      ctx.completeNow();
                    })));
  }

  @Test
  void notJson(VertxTestContext ctx) {
    expect(
        ctx,
        service
            .http
            .post("/batch/users/create")
            .putHeader("content-type", "application/json")
            .sendBuffer(Buffer.buffer("{\"users\": [")),
        400,
        "INVALID_JSON",
        "not valid JSON");
  }

  @Test
  void arrayInsteadOfObject(VertxTestContext ctx) {
    expect(
        ctx,
        service.http.post("/batch/users/create").sendJson(new JsonArray().add(1)),
        400,
        "INVALID_JSON",
        "must be a JSON object");
  }

  @Test
  void missingUsers(VertxTestContext ctx) {
    expect(
        ctx,
        post("/batch/users/create", new JsonObject()),
        400,
        "VALIDATION_ERROR",
        "users is required");
  }

  @Test
  void usersNotAnArray(VertxTestContext ctx) {
    expect(
        ctx,
        post("/batch/users/create", new JsonObject().put("users", "x")),
        400,
        "VALIDATION_ERROR",
        "users");
  }

  @Test
  void chunkSizeAboveMaximumIsRejectedNotClamped(VertxTestContext ctx) {
    expect(
        ctx,
        post(
            "/batch/users/create",
            TestData.createRequest(
                TestData.usersWithHash("opt", 1), new JsonObject().put("chunkSize", 1001))),
        400,
        "VALIDATION_ERROR",
        "chunkSize");
  }

  @Test
  void everyBadOptionIsNamed(VertxTestContext ctx) {
    JsonObject options =
        new JsonObject()
            .put("chunkSize", 0)
            .put("maxConcurrency", 11)
            .put("continueOnError", "yes")
            .put("speed", "fast");
    post("/batch/users/create", TestData.createRequest(TestData.usersWithHash("opt", 1), options))
        .onComplete(
            ctx.succeeding(
                response ->
                    ctx.verify(
                        () -> {
                          assertThat(response.statusCode()).isEqualTo(400);
                          JsonObject json = response.bodyAsJsonObject();
                          assertThat(json.getString("message"))
                              .contains("chunkSize", "maxConcurrency", "continueOnError", "speed");
                          assertThat(
                                  json.getJsonArray("errors").stream()
                                      .map(e -> ((JsonObject) e).getString("path")))
                              .contains(
                                  "$.options.chunkSize",
                                  "$.options.maxConcurrency",
                                  "$.options.continueOnError",
                                  "$.options.speed");
                          ctx.completeNow();
                        })));
  }

  @Test
  void tooManyItemsIs413(VertxTestContext ctx) {
    JsonArray users = new JsonArray();
    for (int i = 0; i <= service.app.config().maxItemsPerRequest(); i++) {
      users.add(new JsonObject());
    }
    expect(
        ctx,
        post("/batch/users/create", new JsonObject().put("users", users)),
        413,
        "TOO_MANY_ITEMS",
        "at most");
  }

  @Test
  void bodyLargerThanTheLimitIs413(VertxTestContext ctx) {
    Buffer huge = Buffer.buffer("{\"users\":[\"");
    byte[] filler = new byte[(int) service.app.config().maxBodyBytes()];
    java.util.Arrays.fill(filler, (byte) 'a');
    huge.appendBytes(filler).appendString("\"]}");
    expect(
        ctx,
        service
            .http
            .post("/batch/users/create")
            .putHeader("content-type", "application/json")
            .sendBuffer(huge),
        413,
        "PAYLOAD_TOO_LARGE",
        "larger than");
  }

  @Test
  void unknownEndpointIsJson404(VertxTestContext ctx) {
    expect(ctx, get("/batch/users/nothing"), 404, "NOT_FOUND", "/batch/users/nothing");
  }

  @Test
  void lookupQueryWithNonNumericChunkSize(VertxTestContext ctx) {
    expect(
        ctx,
        get("/batch/users/lookup?ids=" + java.util.UUID.randomUUID() + "&chunkSize=ten"),
        400,
        "VALIDATION_ERROR",
        "chunkSize must be an integer");
  }

  @Test
  void lookupQueryWithoutIds(VertxTestContext ctx) {
    expect(ctx, get("/batch/users/lookup"), 400, "VALIDATION_ERROR", "ids is required");
  }
}
