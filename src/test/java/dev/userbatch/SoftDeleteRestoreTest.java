package dev.userbatch;

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
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SoftDeleteRestoreTest extends ApiTest {
  private static final String DELETE = "/batch/users/soft-delete";
  private static final String RESTORE = "/batch/users/restore";

  private static JsonObject ids(String... userIds) {
    return new JsonObject().put("userIds", new JsonArray(java.util.List.of((Object[]) userIds)));
  }

  private HttpResponse<Buffer> softDelete(JsonObject body) {
    return call(HttpMethod.DELETE, DELETE, body);
  }

  private HttpResponse<Buffer> restore(JsonObject body) {
    return call(HttpMethod.POST, RESTORE, body);
  }

  private JsonObject lookup(String id) {
    HttpResponse<Buffer> response = sync(get("/batch/users/lookup?ids=" + id));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  @Test
  void softDeleteSetsDeletedAtFreesTheEmailAndLeavesATombstone(VertxTestContext ctx) {
    createUsers(TestData.usersWithHash("delete", 2))
        .compose(
            users -> {
              String id = id(users, 0);
              String mail = users.getJsonObject(0).getString("email");
              // Warm the cache first: the delete must replace the cached view, not leave it behind.
              return get("/batch/users/lookup?ids=" + id)
                  .compose(warm -> send(HttpMethod.DELETE, DELETE, ids(id, id(users, 1))))
                  .compose(
                      response -> {
                        JsonObject json = response.bodyAsJsonObject();
                        assertThat(response.statusCode()).as(json.encode()).isEqualTo(200);
                        assertThat(json.getBoolean("success")).isTrue();
                        assertThat(json.getString("message"))
                            .isEqualTo("Successfully deleted 2 out of 2 users");
                        assertThat(json.getJsonObject("stats"))
                            .isEqualTo(
                                new JsonObject()
                                    .put("total", 2)
                                    .put("successful", 2)
                                    .put("failed", 0)
                                    .put("duplicates", 0)
                                    .put("chunks", 1));
                        JsonObject view = json.getJsonArray("data").getJsonObject(0);
                        assertThat(view.getString("id")).isEqualTo(id);
                        assertThat(view.getInteger("version")).isEqualTo(2);
                        assertThat(view.getString("deletedAt")).isNotNull();
                        return sql(
                            "SELECT deleted_at, version FROM users WHERE id = $1",
                            UUID.fromString(id));
                      })
                  .compose(
                      rows -> {
                        Row row = rows.iterator().next();
                        assertThat(row.getOffsetDateTime("deleted_at")).isNotNull();
                        assertThat(row.getInteger("version")).isEqualTo(2);
                        return redis(Command.GET, "user:" + id);
                      })
                  .compose(
                      tombstone -> {
                        assertThat(withoutGeneration(tombstone.toString()))
                            .startsWith("2|")
                            .contains("\"deleted\":true");
                        return get("/batch/users/lookup?ids=" + id);
                      })
                  .compose(
                      lookup -> {
                        JsonObject json = lookup.bodyAsJsonObject();
                        assertThat(json.getJsonArray("data")).isEmpty();
                        assertThat(json.getJsonArray("missing")).isEqualTo(new JsonArray().add(id));
                        // The email is free again: a new user can be created with it.
                        return post(
                            "/batch/users/create",
                            TestData.createRequest(
                                new JsonArray().add(userWithHash(mail.toUpperCase(), "Successor")),
                                null));
                      })
                  .compose(
                      created -> {
                        assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
                        return sql("SELECT count(*) FROM users WHERE lower(email) = $1", mail);
                      })
                  .map(
                      rows -> {
                        assertThat(rows.iterator().next().getLong(0)).isEqualTo(2L);
                        return null;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void softDeleteTellsUnknownFromAlreadyDeleted() {
    JsonArray users = createdUsers("delete-mix", 2);
    String gone = id(users, 1);
    assertThat(softDelete(ids(gone)).statusCode()).isEqualTo(200);
    OffsetDateTime firstDeletion = userRow(gone).getOffsetDateTime("deleted_at");
    String unknown = UUID.randomUUID().toString();

    JsonObject body = ids(id(users, 0), gone, unknown, id(users, 0));
    HttpResponse<Buffer> response = softDelete(body);
    JsonObject json = response.bodyAsJsonObject();
    assertThat(response.statusCode()).as(json.encode()).isEqualTo(207);
    assertThat(json.getJsonObject("stats"))
        .isEqualTo(
            new JsonObject()
                .put("total", 3)
                .put("successful", 1)
                .put("failed", 2)
                .put("duplicates", 1)
                .put("chunks", 1));
    assertThat(json.getJsonArray("failed"))
        .isEqualTo(
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("index", 1)
                        .put("item", gone)
                        .put("error", "User is already deleted")
                        .put("code", "ALREADY_DELETED"))
                .add(
                    new JsonObject()
                        .put("index", 2)
                        .put("item", unknown)
                        .put("error", "User not found")
                        .put("code", "USER_NOT_FOUND")));
    assertThat(json.getJsonArray("duplicates"))
        .isEqualTo(
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("index", 3)
                        .put("item", id(users, 0))
                        .put("duplicateOf", 0)));
    Row again = userRow(gone);
    assertThat(again.getOffsetDateTime("deleted_at")).isEqualTo(firstDeletion);
    assertThat(again.getInteger("version")).isEqualTo(2);
    assertThat(userRow(id(users, 0)).getOffsetDateTime("deleted_at")).isNotNull();
  }

  @Test
  void restoreWithinTheWindowBringsTheUserBack() {
    JsonArray users = createdUsers("restore", 1);
    String id = id(users, 0);
    assertThat(softDelete(ids(id)).statusCode()).isEqualTo(200);

    HttpResponse<Buffer> response = restore(ids(id));
    JsonObject json = response.bodyAsJsonObject();
    assertThat(response.statusCode()).as(json.encode()).isEqualTo(200);
    assertThat(json.getString("message")).isEqualTo("Successfully restored 1 out of 1 users");
    JsonObject view = json.getJsonArray("data").getJsonObject(0);
    assertThat(view.getInteger("version")).isEqualTo(3);
    assertThat(view.containsKey("deletedAt")).isFalse();
    Row row = userRow(id);
    assertThat(row.getOffsetDateTime("deleted_at")).isNull();
    assertThat(row.getInteger("version")).isEqualTo(3);
    assertThat(cached(id)).isEqualTo("3|" + view.encode());
    JsonObject looked = lookup(id);
    assertThat(looked.getJsonArray("data")).isEqualTo(new JsonArray().add(view));
  }

  @Test
  void restoreRefusesActiveExpiredUnknownAndTakenEmails() {
    JsonArray users = createdUsers("restore-mix", 4);
    String active = id(users, 0);
    String expired = id(users, 1);
    String taken = id(users, 2);
    String fine = id(users, 3);
    assertThat(softDelete(ids(expired, taken, fine)).statusCode()).isEqualTo(200);
    sync(
        sql(
            "UPDATE users SET deleted_at = now() - interval '31 days' WHERE id = $1",
            UUID.fromString(expired)));
    // Someone else takes the deleted user's email in the meantime.
    String takenEmail = users.getJsonObject(2).getString("email");
    JsonArray successor =
        sync(createUsers(new JsonArray().add(userWithHash(takenEmail, "Successor"))));
    String unknown = UUID.randomUUID().toString();

    HttpResponse<Buffer> response = restore(ids(active, expired, taken, unknown, fine));
    JsonObject json = response.bodyAsJsonObject();
    assertThat(response.statusCode()).as(json.encode()).isEqualTo(207);
    assertThat(json.getJsonObject("stats"))
        .isEqualTo(
            new JsonObject()
                .put("total", 5)
                .put("successful", 1)
                .put("failed", 4)
                .put("duplicates", 0)
                .put("chunks", 1));
    assertThat(json.getJsonArray("data").getJsonObject(0).getString("id")).isEqualTo(fine);
    assertThat(failure(json, 0).getString("code")).isEqualTo("NOT_DELETED");
    assertThat(failure(json, 0).getString("error")).isEqualTo("User is not deleted");
    assertThat(failure(json, 1).getString("code")).isEqualTo("RESTORE_WINDOW_EXPIRED");
    assertThat(failure(json, 1).getString("error")).contains("30 days");
    assertThat(failure(json, 2).getString("code")).isEqualTo("EMAIL_IN_USE");
    assertThat(failure(json, 3).getString("code")).isEqualTo("USER_NOT_FOUND");

    assertThat(userRow(active).getInteger("version")).isEqualTo(1);
    assertThat(userRow(expired).getOffsetDateTime("deleted_at")).isNotNull();
    assertThat(userRow(taken).getOffsetDateTime("deleted_at")).isNotNull();
    assertThat(userRow(successor.getJsonObject(0).getString("id")).getOffsetDateTime("deleted_at"))
        .isNull();
    assertThat(userRow(fine).getOffsetDateTime("deleted_at")).isNull();
  }

  /** Two deleted users with the same email restored in one request: the first listed wins. */
  @Test
  void twoDeletedHoldersOfOneEmailFirstListedIsRestored() {
    String shared = email("shared");
    JsonArray older = sync(createUsers(new JsonArray().add(userWithHash(shared, "Older"))));
    assertThat(softDelete(ids(id(older, 0))).statusCode()).isEqualTo(200);
    JsonArray newer = sync(createUsers(new JsonArray().add(userWithHash(shared, "Newer"))));
    assertThat(softDelete(ids(id(newer, 0))).statusCode()).isEqualTo(200);

    HttpResponse<Buffer> response = restore(ids(id(newer, 0), id(older, 0)));
    JsonObject json = response.bodyAsJsonObject();
    assertThat(response.statusCode()).as(json.encode()).isEqualTo(207);
    assertThat(json.getJsonArray("data").getJsonObject(0).getString("id")).isEqualTo(id(newer, 0));
    assertThat(failure(json, 1).getString("code")).isEqualTo("EMAIL_IN_USE");
    assertThat(userRow(id(newer, 0)).getOffsetDateTime("deleted_at")).isNull();
    assertThat(userRow(id(older, 0)).getOffsetDateTime("deleted_at")).isNotNull();
  }

  /**
   * The same two users in concurrent chunks: both pass the check, the unique index stops the second
   * restore, and its retried transaction then sees the email taken. Which one wins depends on
   * timing; that exactly one does, and the other gets EMAIL_IN_USE (not an internal error), does
   * not.
   */
  @Test
  void twoDeletedHoldersOfOneEmailInConcurrentChunksRestoreExactlyOne() {
    String shared = email("shared-race");
    JsonArray older = sync(createUsers(new JsonArray().add(userWithHash(shared, "Older"))));
    assertThat(softDelete(ids(id(older, 0))).statusCode()).isEqualTo(200);
    JsonArray newer = sync(createUsers(new JsonArray().add(userWithHash(shared, "Newer"))));
    assertThat(softDelete(ids(id(newer, 0))).statusCode()).isEqualTo(200);

    HttpResponse<Buffer> response =
        restore(
            ids(id(older, 0), id(newer, 0))
                .put("options", new JsonObject().put("chunkSize", 1).put("maxConcurrency", 2)));
    JsonObject json = response.bodyAsJsonObject();
    assertThat(response.statusCode()).as(json.encode()).isEqualTo(207);
    assertThat(json.getJsonArray("data")).hasSize(1);
    assertThat(json.getJsonArray("failed")).hasSize(1);
    assertThat(json.getJsonArray("failed").getJsonObject(0).getString("code"))
        .isEqualTo("EMAIL_IN_USE");
    long active =
        sync(sql(
                "SELECT count(*) FROM users WHERE lower(email) = $1 AND deleted_at IS NULL",
                shared))
            .iterator()
            .next()
            .getLong(0);
    assertThat(active).isEqualTo(1L);
  }

  @Test
  void lookupNeverServesAStaleCacheEntry() {
    JsonArray users = createdUsers("stale", 1);
    String id = id(users, 0);
    assertThat(lookup(id).getJsonArray("data").getJsonObject(0).getInteger("version")).isEqualTo(1);

    HttpResponse<Buffer> updated =
        call(
            HttpMethod.PATCH,
            "/batch/users/update",
            new JsonObject()
                .put(
                    "updates",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("id", id)
                                .put("data", new JsonObject().put("name", "Renamed")))));
    assertThat(updated.statusCode()).as(updated.bodyAsString()).isEqualTo(200);
    JsonObject afterUpdate = lookup(id).getJsonArray("data").getJsonObject(0);
    assertThat(afterUpdate.getString("name")).isEqualTo("Renamed");
    assertThat(afterUpdate.getInteger("version")).isEqualTo(2);

    assertThat(softDelete(ids(id)).statusCode()).isEqualTo(200);
    JsonObject afterDelete = lookup(id);
    assertThat(afterDelete.getJsonArray("data")).isEmpty();
    assertThat(afterDelete.getJsonArray("missing")).isEqualTo(new JsonArray().add(id));

    assertThat(restore(ids(id)).statusCode()).isEqualTo(200);
    JsonObject afterRestore = lookup(id).getJsonArray("data").getJsonObject(0);
    assertThat(afterRestore.getString("name")).isEqualTo("Renamed");
    assertThat(afterRestore.getInteger("version")).isEqualTo(4);
    assertThat(afterRestore.containsKey("deletedAt")).isFalse();
  }

  @Test
  void continueOnErrorFalseStopsSoftDeleteAndRestore() {
    JsonArray users = createdUsers("delete-stop", 3);
    JsonObject options =
        new JsonObject().put("chunkSize", 1).put("maxConcurrency", 1).put("continueOnError", false);
    JsonObject body =
        ids(id(users, 0), UUID.randomUUID().toString(), id(users, 1), id(users, 2))
            .put("options", options);
    HttpResponse<Buffer> response = softDelete(body);
    JsonObject json = response.bodyAsJsonObject();
    assertThat(response.statusCode()).as(json.encode()).isEqualTo(207);
    assertThat(json.getJsonObject("stats").getInteger("successful")).isEqualTo(1);
    assertThat(failure(json, 1).getString("code")).isEqualTo("USER_NOT_FOUND");
    assertThat(failure(json, 2).getString("code")).isEqualTo("NOT_PROCESSED");
    assertThat(failure(json, 3).getString("code")).isEqualTo("NOT_PROCESSED");
    assertThat(userRow(id(users, 0)).getOffsetDateTime("deleted_at")).isNotNull();
    assertThat(userRow(id(users, 1)).getOffsetDateTime("deleted_at")).isNull();
    assertThat(userRow(id(users, 2)).getOffsetDateTime("deleted_at")).isNull();

    // Restore stops the same way: user 1 is not deleted, so user 0 after it stays deleted.
    HttpResponse<Buffer> restored =
        restore(ids(id(users, 1), id(users, 0)).put("options", options));
    JsonObject restoreJson = restored.bodyAsJsonObject();
    assertThat(restored.statusCode()).as(restoreJson.encode()).isEqualTo(422);
    assertThat(failure(restoreJson, 0).getString("code")).isEqualTo("NOT_DELETED");
    assertThat(failure(restoreJson, 1).getString("code")).isEqualTo("NOT_PROCESSED");
    assertThat(userRow(id(users, 0)).getOffsetDateTime("deleted_at")).isNotNull();
  }
}
