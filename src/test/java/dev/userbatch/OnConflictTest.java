package dev.userbatch;

import static dev.userbatch.support.TestData.createRequest;
import static dev.userbatch.support.TestData.email;
import static dev.userbatch.support.TestData.userWithHash;
import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.ApiTest;
import dev.userbatch.support.TestData;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Issue 7, item 4: {@code options.onConflict} for create. */
class OnConflictTest extends ApiTest {
  private static final String CREATE = "/batch/users/create";

  private long activeWithEmail(String email) {
    return sync(sql(
            "SELECT count(*) AS n FROM users WHERE lower(email) = lower($1) AND deleted_at IS NULL",
            email))
        .iterator()
        .next()
        .getLong("n");
  }

  private static JsonObject skip() {
    return new JsonObject().put("onConflict", "skip");
  }

  @Test
  void skipReportsExistingAndRepeatedEmailsAsSkippedNotFailed() {
    String existing = email("skip-existing");
    JsonArray holder = sync(createUsers(new JsonArray().add(userWithHash(existing, "Original"))));
    String a = email("skip-a");
    String b = email("skip-b");
    JsonArray users =
        new JsonArray()
            .add(userWithHash(a, "A"))
            .add(userWithHash("  " + existing.toUpperCase(), "Impostor"))
            .add(userWithHash(b, "B"))
            .add(userWithHash(a, "A again"))
            .add(userWithHash("broken", "Invalid"));
    HttpResponse<Buffer> response =
        call(HttpMethod.POST, CREATE, createRequest(users, skip().put("chunkSize", 2)));
    JsonObject json = response.bodyAsJsonObject();
    assertThat(response.statusCode()).as(json.encode()).isEqualTo(207);
    assertThat(json.getJsonObject("stats"))
        .isEqualTo(
            new JsonObject()
                .put("total", 5)
                .put("successful", 2)
                .put("failed", 1)
                .put("skipped", 2)
                .put("duplicates", 0)
                .put("chunks", 2));
    assertThat(json.getJsonArray("data"))
        .extracting(u -> ((JsonObject) u).getString("email"))
        .containsExactly(a, b);
    assertThat(json.getJsonArray("failed")).hasSize(1);
    assertThat(json.getJsonArray("failed").getJsonObject(0).getString("code"))
        .isEqualTo("VALIDATION_ERROR");
    JsonArray skipped = json.getJsonArray("skipped");
    assertThat(skipped).hasSize(2);
    JsonObject first = skipped.getJsonObject(0);
    assertThat(first.getInteger("index")).isEqualTo(1);
    assertThat(first.getString("code")).isEqualTo("DUPLICATE_EMAIL");
    assertThat(first.getString("error")).contains("already exists");
    assertThat(first.getJsonObject("item").getString("passwordHash")).isEqualTo("[REDACTED]");
    assertThat(skipped.getJsonObject(1).getInteger("index")).isEqualTo(3);
    assertThat(skipped.getJsonObject(1).getString("error")).contains("item 0");

    assertThat(activeWithEmail(existing)).isEqualTo(1);
    assertThat(userRow(holder.getJsonObject(0).getString("id")).getString("name"))
        .isEqualTo("Original");
    assertThat(activeWithEmail(a)).isEqualTo(1);
    assertThat(activeWithEmail(b)).isEqualTo(1);
  }

  @Test
  void skipOnlyConflictsIsASuccessAndADeletedUsersEmailIsFree() {
    JsonArray existing = createdUsers("skip-all", 2);
    String deletedId = existing.getJsonObject(1).getString("id");
    String deletedEmail = existing.getJsonObject(1).getString("email");
    assertThat(
            call(
                    HttpMethod.DELETE,
                    "/batch/users/soft-delete",
                    new JsonObject().put("userIds", new JsonArray().add(deletedId)))
                .statusCode())
        .isEqualTo(200);

    JsonArray again =
        new JsonArray()
            .add(userWithHash(existing.getJsonObject(0).getString("email"), "Again"))
            .add(userWithHash(deletedEmail, "Reborn"));
    HttpResponse<Buffer> response = call(HttpMethod.POST, CREATE, createRequest(again, skip()));
    JsonObject json = response.bodyAsJsonObject();
    assertThat(response.statusCode()).as(json.encode()).isEqualTo(200);
    assertThat(json.getBoolean("success")).isTrue();
    assertThat(json.getJsonObject("stats").getInteger("skipped")).isEqualTo(1);
    assertThat(json.getJsonObject("stats").getInteger("successful")).isEqualTo(1);
    assertThat(json.getJsonArray("data").getJsonObject(0).getString("name")).isEqualTo("Reborn");

    // Everything skipped: nothing failed, so still a success.
    HttpResponse<Buffer> allSkipped = call(HttpMethod.POST, CREATE, createRequest(again, skip()));
    assertThat(allSkipped.statusCode()).as(allSkipped.bodyAsString()).isEqualTo(200);
    assertThat(allSkipped.bodyAsJsonObject().getJsonObject("stats").getInteger("skipped"))
        .isEqualTo(2);
    assertThat(allSkipped.bodyAsJsonObject().getJsonArray("data")).isEmpty();
    assertThat(activeWithEmail(deletedEmail)).isEqualTo(1);
  }

  @Test
  void failIsTheDefaultAndKeepsDuplicatesAsFailures() {
    String existing = email("fail-existing");
    sync(createUsers(new JsonArray().add(userWithHash(existing, "Original"))));
    for (JsonObject options :
        List.of(new JsonObject(), new JsonObject().put("onConflict", "fail"))) {
      JsonArray users =
          new JsonArray()
              .add(userWithHash(existing, "Dup"))
              .add(userWithHash(email("fail-new"), "New"));
      HttpResponse<Buffer> response = call(HttpMethod.POST, CREATE, createRequest(users, options));
      JsonObject json = response.bodyAsJsonObject();
      assertThat(response.statusCode()).as(json.encode()).isEqualTo(207);
      assertThat(json.getJsonArray("failed").getJsonObject(0).getString("code"))
          .isEqualTo("DUPLICATE_EMAIL");
      assertThat(json.getJsonObject("stats").getInteger("skipped", 0)).isZero();
      assertThat(json.getJsonArray("skipped", new JsonArray())).isEmpty();
    }
  }

  @Test
  void skipWithAtomicAndDryRun() {
    String existing = email("skip-atomic");
    sync(createUsers(new JsonArray().add(userWithHash(existing, "Original"))));
    JsonArray users =
        TestData.usersWithHash("skip-atomic-new", 2).add(userWithHash(existing, "Dup"));

    HttpResponse<Buffer> dry =
        call(
            HttpMethod.POST,
            CREATE,
            createRequest(users, skip().put("atomic", true).put("dryRun", true)));
    assertThat(dry.statusCode()).as(dry.bodyAsString()).isEqualTo(200);
    assertThat(dry.bodyAsJsonObject().getJsonObject("stats").getInteger("skipped")).isEqualTo(1);
    assertThat(activeWithEmail(users.getJsonObject(0).getString("email"))).isZero();

    // A skipped item is not a failure: the atomic batch commits the others.
    HttpResponse<Buffer> real =
        call(HttpMethod.POST, CREATE, createRequest(users, skip().put("atomic", true)));
    JsonObject json = real.bodyAsJsonObject();
    assertThat(real.statusCode()).as(json.encode()).isEqualTo(200);
    assertThat(json.getJsonObject("stats").getInteger("successful")).isEqualTo(2);
    assertThat(json.getJsonObject("stats").getInteger("skipped")).isEqualTo(1);
    assertThat(activeWithEmail(users.getJsonObject(0).getString("email"))).isEqualTo(1);
    assertThat(activeWithEmail(users.getJsonObject(1).getString("email"))).isEqualTo(1);
  }

  @Test
  void onConflictIsRefusedOutsideCreateAndMustBeKnown() {
    String id = UUID.randomUUID().toString();
    JsonObject update =
        new JsonObject()
            .put(
                "updates",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("id", id)
                            .put("data", new JsonObject().put("name", "N"))))
            .put("options", skip());
    JsonObject delete =
        new JsonObject().put("userIds", new JsonArray().add(id)).put("options", skip());
    for (HttpResponse<Buffer> response :
        List.of(
            call(HttpMethod.PATCH, "/batch/users/update", update),
            call(HttpMethod.DELETE, "/batch/users/soft-delete", delete),
            call(HttpMethod.POST, "/batch/users/restore", delete.copy()),
            call(HttpMethod.PATCH, "/batch/users/last-login", delete.copy()))) {
      JsonObject json = response.bodyAsJsonObject();
      assertThat(response.statusCode()).as(json.encode()).isEqualTo(400);
      assertThat(json.encode()).contains("onConflict");
    }
    JsonArray users = TestData.usersWithHash("skip-bad", 1);
    HttpResponse<Buffer> unknown =
        call(
            HttpMethod.POST,
            CREATE,
            createRequest(users, new JsonObject().put("onConflict", "merge")));
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.bodyAsString()).contains("onConflict");
    assertThat(activeWithEmail(users.getJsonObject(0).getString("email"))).isZero();
  }
}
