package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.ApiTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 4: an id that looks like a UUID to a regex whose {@code $} matches before a final
 * line terminator (Java's) but is not one fails alone, as its own VALIDATION_ERROR, in every
 * operation; its valid neighbour in the same chunk is processed as usual.
 */
class OneBadItemTest extends ApiTest {
  /** A UUID followed by each line terminator that Java's {@code $} may match before. */
  private static List<String> almostUuids(String id) {
    return List.of(id + "\n", id + "\r\n", id + "\r", id + "\u0085", id + "\u2028", id + "\u2029");
  }

  private static void assertOnlyTheBadIdFailed(
      HttpResponse<Buffer> response, int goodCount, String itemsPath) {
    JsonObject json = response.bodyAsJsonObject();
    assertThat(response.statusCode()).as(json.encode()).isEqualTo(207);
    assertThat(json.getJsonArray("data").size()).as(json.encode()).isEqualTo(goodCount);
    JsonArray failed = json.getJsonArray("failed");
    assertThat(failed.size()).as(json.encode()).isEqualTo(1);
    JsonObject failure = failed.getJsonObject(0);
    assertThat(failure.getInteger("index")).isEqualTo(1);
    assertThat(failure.getString("code")).as(json.encode()).isEqualTo("VALIDATION_ERROR");
    assertThat(failure.getString("path")).startsWith(itemsPath + "[1]");
  }

  @Test
  void lookupByPostFailsOnlyTheIdWithATrailingLineTerminator() {
    String good = id(createdUsers("bad-item-lookup", 1), 0);
    for (String bad : almostUuids(good)) {
      HttpResponse<Buffer> response =
          sync(
              post(
                  "/batch/users/lookup",
                  new JsonObject().put("ids", new JsonArray().add(good).add(bad))));
      assertOnlyTheBadIdFailed(response, 1, "$.ids");
      assertThat(failure(response.bodyAsJsonObject(), 1).getString("error"))
          .isEqualTo("Invalid UUID format");
      assertThat(response.bodyAsJsonObject().getJsonArray("data").getJsonObject(0).getString("id"))
          .isEqualTo(good);
    }
  }

  @Test
  void lookupByGetFailsOnlyTheIdWithATrailingLineTerminator() {
    String good = id(createdUsers("bad-item-get", 1), 0);
    // The query string is trimmed of ASCII whitespace; these terminators survive the trim.
    for (String bad : List.of(good + "\u0085", good + "\u2028", good + "\u2029")) {
      HttpResponse<Buffer> response =
          sync(
              get(
                  "/batch/users/lookup?ids="
                      + good
                      + ","
                      + URLEncoder.encode(bad, StandardCharsets.UTF_8)));
      assertOnlyTheBadIdFailed(response, 1, "$.ids");
    }
  }

  @Test
  void updateFailsOnlyTheItemWhoseIdHasATrailingLineTerminator() {
    JsonArray users = createdUsers("bad-item-update", 2);
    for (String bad : almostUuids(id(users, 1))) {
      HttpResponse<Buffer> response =
          call(
              HttpMethod.PATCH,
              "/batch/users/update",
              new JsonObject()
                  .put(
                      "updates",
                      new JsonArray()
                          .add(
                              new JsonObject()
                                  .put("id", id(users, 0))
                                  .put("data", new JsonObject().put("name", "Good")))
                          .add(
                              new JsonObject()
                                  .put("id", bad)
                                  .put("data", new JsonObject().put("name", "Bad")))));
      assertOnlyTheBadIdFailed(response, 1, "$.updates");
      assertThat(failure(response.bodyAsJsonObject(), 1).getString("path"))
          .isEqualTo("$.updates[1].id");
    }
    assertThat(userRow(id(users, 0)).getString("name")).isEqualTo("Good");
    assertThat(userRow(id(users, 1)).getString("name")).isEqualTo("User 1");
  }

  @Test
  void lastLoginSoftDeleteAndRestoreFailOnlyTheIdWithATrailingLineTerminator() {
    JsonArray users = createdUsers("bad-item-ids", 3);
    String good = id(users, 0);
    String other = id(users, 1);
    for (String bad : almostUuids(other)) {
      HttpResponse<Buffer> response =
          call(
              HttpMethod.PATCH,
              "/batch/users/last-login",
              new JsonObject().put("userIds", new JsonArray().add(good).add(bad)));
      assertOnlyTheBadIdFailed(response, 1, "$.userIds");
    }
    assertThat(userRow(good).getOffsetDateTime("last_login_at")).isNotNull();
    assertThat(userRow(other).getOffsetDateTime("last_login_at")).isNull();

    HttpResponse<Buffer> deleted =
        call(
            HttpMethod.DELETE,
            "/batch/users/soft-delete",
            new JsonObject().put("userIds", new JsonArray().add(good).add(other + "\n")));
    assertOnlyTheBadIdFailed(deleted, 1, "$.userIds");
    assertThat(userRow(good).getOffsetDateTime("deleted_at")).isNotNull();
    assertThat(userRow(other).getOffsetDateTime("deleted_at")).isNull();

    HttpResponse<Buffer> restored =
        call(
            HttpMethod.POST,
            "/batch/users/restore",
            new JsonObject().put("userIds", new JsonArray().add(good).add(other + "\u2028")));
    assertOnlyTheBadIdFailed(restored, 1, "$.userIds");
    assertThat(userRow(good).getOffsetDateTime("deleted_at")).isNull();
  }
}
