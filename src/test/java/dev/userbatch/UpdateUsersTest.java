package dev.userbatch;

import static dev.userbatch.support.TestData.email;
import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.ApiTest;
import dev.userbatch.support.TestData;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UpdateUsersTest extends ApiTest {
  private static final String PATH = "/batch/users/update";

  private static JsonObject change(String id, JsonObject data) {
    return new JsonObject().put("id", id).put("data", data);
  }

  private static JsonObject name(String name) {
    return new JsonObject().put("name", name);
  }

  private static JsonObject mail(String email) {
    return new JsonObject().put("email", email);
  }

  private static JsonObject request(JsonArray updates, JsonObject options) {
    JsonObject body = new JsonObject().put("updates", updates);
    return options == null ? body : body.put("options", options);
  }

  private HttpResponse<Buffer> update(JsonArray updates, JsonObject options) {
    return call(HttpMethod.PATCH, PATH, request(updates, options));
  }

  private static String emailOf(JsonArray users, int i) {
    return users.getJsonObject(i).getString("email");
  }

  @Test
  void seedExampleUpdatesNameAndEmailBumpsVersionAndWritesThroughTheCache(VertxTestContext ctx) {
    String newEmail = email("renamed");
    createUsers(TestData.usersWithHash("upd-seed", 2))
        .compose(
            users -> {
              JsonArray updates =
                  new JsonArray()
                      .add(change(id(users, 0), name("  New Name ")))
                      .add(
                          change(id(users, 1), mail(" " + newEmail.toUpperCase()))
                              .put("expectedVersion", 1));
              return send(
                      HttpMethod.PATCH,
                      PATH,
                      request(updates, new JsonObject().put("chunkSize", 100)))
                  .compose(
                      response -> {
                        JsonObject json = response.bodyAsJsonObject();
                        assertThat(response.statusCode()).as(json.encode()).isEqualTo(200);
                        assertThat(json.getBoolean("success")).isTrue();
                        assertThat(json.getString("message"))
                            .isEqualTo("Successfully updated 2 out of 2 users");
                        assertThat(json.getJsonArray("failed")).isEmpty();
                        assertThat(json.containsKey("duplicates")).isFalse();
                        assertThat(json.getJsonObject("stats"))
                            .isEqualTo(
                                new JsonObject()
                                    .put("total", 2)
                                    .put("successful", 2)
                                    .put("failed", 0)
                                    .put("duplicates", 0)
                                    .put("chunks", 1));
                        JsonArray data = json.getJsonArray("data");
                        assertThat(data).hasSize(2);
                        JsonObject first = data.getJsonObject(0);
                        JsonObject second = data.getJsonObject(1);
                        assertThat(first.getString("id")).isEqualTo(id(users, 0));
                        assertThat(first.getString("name")).isEqualTo("New Name");
                        assertThat(first.getString("email")).isEqualTo(emailOf(users, 0));
                        assertThat(first.getInteger("version")).isEqualTo(2);
                        assertThat(second.getString("email")).isEqualTo(newEmail);
                        assertThat(second.getString("name")).isEqualTo("User 1");
                        assertThat(second.getInteger("version")).isEqualTo(2);
                        assertThat(first.fieldNames())
                            .doesNotContain("password", "passwordHash", "password_hash");
                        assertThat(response.bodyAsString())
                            .doesNotContain("$2b$")
                            .doesNotContain("argon2");
                        assertThat(Instant.parse(first.getString("updatedAt")))
                            .isAfter(Instant.parse(users.getJsonObject(0).getString("updatedAt")));
                        return sql(
                                "SELECT id, email, name, version, created_at, updated_at FROM users "
                                    + "WHERE id = ANY($1::uuid[]) ORDER BY email",
                                (Object) ids(users))
                            .compose(
                                rows -> {
                                  Map<String, Row> byId = new HashMap<>();
                                  rows.forEach(row -> byId.put(row.getUUID("id").toString(), row));
                                  Row one = byId.get(id(users, 0));
                                  Row two = byId.get(id(users, 1));
                                  assertThat(one.getString("name")).isEqualTo("New Name");
                                  assertThat(one.getInteger("version")).isEqualTo(2);
                                  assertThat(one.getOffsetDateTime("updated_at"))
                                      .isAfter(one.getOffsetDateTime("created_at"));
                                  assertThat(two.getString("email")).isEqualTo(newEmail);
                                  assertThat(two.getInteger("version")).isEqualTo(2);
                                  assertThat(two.getOffsetDateTime("updated_at"))
                                      .isAfter(two.getOffsetDateTime("created_at"));
                                  return redis(
                                      io.vertx.redis.client.Command.GET, "user:" + id(users, 1));
                                })
                            .map(
                                cachedValue -> {
                                  assertThat(withoutGeneration(cachedValue.toString()))
                                      .isEqualTo("2|" + second.encode());
                                  return null;
                                });
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void invalidItemsFailAloneWithCodesAndPaths() {
    JsonArray users = createdUsers("upd-invalid", 7);
    JsonArray updates =
        new JsonArray()
            .add(change(id(users, 0), new JsonObject()))
            .add(change(id(users, 1), new JsonObject().put("name", "Ok").put("role", "admin")))
            .add(change(id(users, 2), new JsonObject().put("password", "new-secret-pass")))
            .add(change("not-a-uuid", name("Whoever")))
            .add(change(id(users, 3), mail("not-an-email")))
            .add(change(id(users, 4), name("Accepted")))
            .add(change(id(users, 4), name("Second Update Of The Same User")))
            .add(change(id(users, 5), name("   ")))
            .add(new JsonObject().put("id", id(users, 6)))
            .add("just a string");
    HttpResponse<Buffer> response = update(updates, null);
    JsonObject json = response.bodyAsJsonObject();
    assertThat(response.statusCode()).as(json.encode()).isEqualTo(207);
    assertThat(json.getString("message")).isEqualTo("Batch operation completed with errors");
    assertThat(json.getJsonObject("stats"))
        .isEqualTo(
            new JsonObject()
                .put("total", 10)
                .put("successful", 1)
                .put("failed", 9)
                .put("duplicates", 0)
                .put("chunks", 1));
    assertThat(json.getJsonArray("data")).hasSize(1);
    assertThat(json.getJsonArray("data").getJsonObject(0).getString("name")).isEqualTo("Accepted");

    List<Integer> indexes = new ArrayList<>();
    json.getJsonArray("failed")
        .forEach(
            f -> {
              indexes.add(((JsonObject) f).getInteger("index"));
              assertThat(((JsonObject) f).getString("code")).isEqualTo("VALIDATION_ERROR");
              assertThat(((JsonObject) f).containsKey("item")).isTrue();
            });
    assertThat(indexes).containsExactly(0, 1, 2, 3, 4, 6, 7, 8, 9);

    JsonObject noField = failure(json, 0);
    assertThat(noField.getString("path")).startsWith("$.updates[0].data");
    JsonObject unknown = failure(json, 1);
    assertThat(unknown.getString("error")).contains("role");
    assertThat(unknown.getString("path")).isEqualTo("$.updates[1].data.role");
    JsonObject password = failure(json, 2);
    assertThat(password.getString("error"))
        .isEqualTo("Password updates must be handled by the authentication service");
    assertThat(password.getString("path")).isEqualTo("$.updates[2].data.password");
    assertThat(password.getJsonObject("item").getJsonObject("data").getString("password"))
        .isEqualTo("[REDACTED]");
    assertThat(response.bodyAsString()).doesNotContain("new-secret-pass");
    assertThat(failure(json, 3).getString("path")).isEqualTo("$.updates[3].id");
    assertThat(failure(json, 4).getString("error")).isEqualTo("Invalid email format");
    assertThat(failure(json, 4).getString("path")).isEqualTo("$.updates[4].data.email");
    JsonObject sameUser = failure(json, 6);
    assertThat(sameUser.getString("path")).isEqualTo("$.updates[6].id");
    assertThat(sameUser.getString("error")).contains("Duplicate id").contains("item 5");
    assertThat(failure(json, 7).getString("error")).isEqualTo("name must not be blank");
    assertThat(failure(json, 8).getString("error")).contains("data is required");
    assertThat(failure(json, 9).getValue("item")).isEqualTo("just a string");

    // Only the accepted item was written.
    for (int i = 0; i < 7; i++) {
      Row row = userRow(id(users, i));
      assertThat(row.getInteger("version")).as("version of user " + i).isEqualTo(i == 4 ? 2 : 1);
      assertThat(row.getString("name")).isEqualTo(i == 4 ? "Accepted" : "User " + i);
    }
  }

  @Test
  void emailInUseAndEmailClaimedTwiceInTheRequest() {
    JsonArray users = createdUsers("upd-email", 4);
    String wanted = email("claimed");
    JsonArray updates =
        new JsonArray()
            .add(change(id(users, 0), mail(emailOf(users, 3).toUpperCase())))
            .add(change(id(users, 1), mail(wanted)))
            .add(change(id(users, 2), mail(" " + wanted.toUpperCase() + " ")));
    HttpResponse<Buffer> response = update(updates, null);
    JsonObject json = response.bodyAsJsonObject();
    assertThat(response.statusCode()).as(json.encode()).isEqualTo(207);
    assertThat(json.getJsonObject("stats").getInteger("successful")).isEqualTo(1);
    assertThat(json.getJsonArray("data").getJsonObject(0).getString("email")).isEqualTo(wanted);
    JsonArray failed = json.getJsonArray("failed");
    assertThat(failed).hasSize(2);
    assertThat(failed.getJsonObject(0))
        .isEqualTo(
            new JsonObject()
                .put("index", 0)
                .put("item", updates.getValue(0))
                .put("error", "Email already in use by another user")
                .put("code", "EMAIL_IN_USE")
                .put("path", "$.updates[0].data.email"));
    assertThat(failed.getJsonObject(1))
        .isEqualTo(
            new JsonObject()
                .put("index", 2)
                .put("item", updates.getValue(2))
                .put("error", "Email is claimed by item 1 of this request")
                .put("code", "DUPLICATE_EMAIL")
                .put("path", "$.updates[2].data.email"));
    assertThat(userRow(id(users, 0)).getString("email")).isEqualTo(emailOf(users, 0));
    assertThat(userRow(id(users, 0)).getInteger("version")).isEqualTo(1);
    assertThat(userRow(id(users, 1)).getString("email")).isEqualTo(wanted);
    assertThat(userRow(id(users, 2)).getString("email")).isEqualTo(emailOf(users, 2));
    assertThat(userRow(id(users, 3)).getString("email")).isEqualTo(emailOf(users, 3));
  }

  @Test
  void emailSwapInsideOneChunkSucceeds() {
    JsonArray users = createdUsers("upd-swap", 2);
    String a = emailOf(users, 0);
    String b = emailOf(users, 1);
    HttpResponse<Buffer> response =
        update(
            new JsonArray()
                .add(change(id(users, 0), mail(b)))
                .add(change(id(users, 1), mail(a).put("name", "Swapped"))),
            null);
    JsonObject json = response.bodyAsJsonObject();
    assertThat(response.statusCode()).as(json.encode()).isEqualTo(200);
    assertThat(json.getJsonArray("data").getJsonObject(0).getString("email")).isEqualTo(b);
    assertThat(json.getJsonArray("data").getJsonObject(1).getString("email")).isEqualTo(a);
    Row first = userRow(id(users, 0));
    Row second = userRow(id(users, 1));
    assertThat(first.getString("email")).isEqualTo(b);
    assertThat(first.getInteger("version")).isEqualTo(2);
    assertThat(second.getString("email")).isEqualTo(a);
    assertThat(second.getString("name")).isEqualTo("Swapped");
    assertThat(second.getInteger("version")).isEqualTo(2);
    assertThat(cached(id(users, 0))).startsWith("2|").contains(b);
  }

  /**
   * With one item per chunk the swap cannot work: email-changing batches run their chunks one at a
   * time in order, so A→b is decided while B still holds b (EMAIL_IN_USE), and then B→a fails
   * because A kept a. Both users are left as they were.
   */
  @Test
  void emailSwapAcrossChunksFailsDeterministically() {
    JsonArray users = createdUsers("upd-swap-chunks", 2);
    String a = emailOf(users, 0);
    String b = emailOf(users, 1);
    HttpResponse<Buffer> response =
        update(
            new JsonArray().add(change(id(users, 0), mail(b))).add(change(id(users, 1), mail(a))),
            new JsonObject().put("chunkSize", 1).put("maxConcurrency", 5));
    JsonObject json = response.bodyAsJsonObject();
    assertThat(response.statusCode()).as(json.encode()).isEqualTo(422);
    assertThat(json.getJsonObject("stats"))
        .isEqualTo(
            new JsonObject()
                .put("total", 2)
                .put("successful", 0)
                .put("failed", 2)
                .put("duplicates", 0)
                .put("chunks", 2));
    assertThat(failure(json, 0).getString("code")).isEqualTo("EMAIL_IN_USE");
    assertThat(failure(json, 1).getString("code")).isEqualTo("EMAIL_IN_USE");
    assertThat(userRow(id(users, 0)).getString("email")).isEqualTo(a);
    assertThat(userRow(id(users, 0)).getInteger("version")).isEqualTo(1);
    assertThat(userRow(id(users, 1)).getString("email")).isEqualTo(b);
    assertThat(userRow(id(users, 1)).getInteger("version")).isEqualTo(1);
  }

  @Test
  void threeWayRotationAndAChainInOneChunk() {
    JsonArray users = createdUsers("upd-rotate", 5);
    String a = emailOf(users, 0);
    String b = emailOf(users, 1);
    String c = emailOf(users, 2);
    String d = emailOf(users, 3);
    String fresh = email("chain-end");
    // 0→b, 1→c, 2→a rotate; 3 moves to a fresh email and 4 takes 3's old one (a chain, listed
    // first).
    HttpResponse<Buffer> response =
        update(
            new JsonArray()
                .add(change(id(users, 4), mail(d)))
                .add(change(id(users, 0), mail(b)))
                .add(change(id(users, 1), mail(c)))
                .add(change(id(users, 2), mail(a)))
                .add(change(id(users, 3), mail(fresh))),
            null);
    JsonObject json = response.bodyAsJsonObject();
    assertThat(response.statusCode()).as(json.encode()).isEqualTo(200);
    assertThat(userRow(id(users, 0)).getString("email")).isEqualTo(b);
    assertThat(userRow(id(users, 1)).getString("email")).isEqualTo(c);
    assertThat(userRow(id(users, 2)).getString("email")).isEqualTo(a);
    assertThat(userRow(id(users, 3)).getString("email")).isEqualTo(fresh);
    assertThat(userRow(id(users, 4)).getString("email")).isEqualTo(d);
    long parked =
        sync(sql(
                "SELECT count(*) FROM users WHERE email LIKE 'swap+%' AND id = ANY($1::uuid[])",
                (Object) ids(users)))
            .iterator()
            .next()
            .getLong(0);
    assertThat(parked).isZero();
  }

  @Test
  void aRotationWithOneMemberBlockedFailsAsAWhole() {
    JsonArray users = createdUsers("upd-rotate-blocked", 4);
    String a = emailOf(users, 0);
    String b = emailOf(users, 1);
    String c = emailOf(users, 2);
    // 0→b, 1→c, 2→d but d is held by user 3, who does not move: 2 fails, so 1 and then 0 fail too.
    HttpResponse<Buffer> response =
        update(
            new JsonArray()
                .add(change(id(users, 0), mail(b)))
                .add(change(id(users, 1), mail(c)))
                .add(change(id(users, 2), mail(emailOf(users, 3))))
                .add(change(id(users, 3), name("Stays"))),
            null);
    JsonObject json = response.bodyAsJsonObject();
    assertThat(response.statusCode()).as(json.encode()).isEqualTo(207);
    for (int i = 0; i < 3; i++) {
      assertThat(failure(json, i).getString("code")).isEqualTo("EMAIL_IN_USE");
    }
    assertThat(userRow(id(users, 0)).getString("email")).isEqualTo(a);
    assertThat(userRow(id(users, 1)).getString("email")).isEqualTo(b);
    assertThat(userRow(id(users, 2)).getString("email")).isEqualTo(c);
    assertThat(userRow(id(users, 3)).getString("name")).isEqualTo("Stays");
  }

  @Test
  void expectedVersionMismatchIsAVersionConflictNamingTheCurrentVersion() {
    JsonArray users = createdUsers("upd-version", 1);
    String id = id(users, 0);
    HttpResponse<Buffer> first =
        update(new JsonArray().add(change(id, name("First")).put("expectedVersion", 1)), null);
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
    HttpResponse<Buffer> stale =
        update(new JsonArray().add(change(id, name("Stale")).put("expectedVersion", 1)), null);
    JsonObject json = stale.bodyAsJsonObject();
    assertThat(stale.statusCode()).as(json.encode()).isEqualTo(422);
    assertThat(json.getBoolean("success")).isFalse();
    JsonObject failed = failure(json, 0);
    assertThat(failed.getString("code")).isEqualTo("VERSION_CONFLICT");
    assertThat(failed.getString("error"))
        .contains("expected version 1")
        .contains("current version is 2");
    Row row = userRow(id);
    assertThat(row.getString("name")).isEqualTo("First");
    assertThat(row.getInteger("version")).isEqualTo(2);
  }

  @Test
  void unknownAndDeletedUsersAreNotFound() {
    JsonArray users = createdUsers("upd-missing", 2);
    String deleted = id(users, 1);
    HttpResponse<Buffer> deletion =
        call(
            HttpMethod.DELETE,
            "/batch/users/soft-delete",
            new JsonObject().put("userIds", new JsonArray().add(deleted)));
    assertThat(deletion.statusCode()).as(deletion.bodyAsString()).isEqualTo(200);
    String unknown = UUID.randomUUID().toString();
    HttpResponse<Buffer> response =
        update(
            new JsonArray()
                .add(change(unknown, name("Ghost")))
                .add(change(deleted, name("Zombie")))
                .add(change(id(users, 0), name("Alive"))),
            null);
    JsonObject json = response.bodyAsJsonObject();
    assertThat(response.statusCode()).as(json.encode()).isEqualTo(207);
    assertThat(failure(json, 0).getString("code")).isEqualTo("USER_NOT_FOUND");
    assertThat(failure(json, 1).getString("code")).isEqualTo("USER_NOT_FOUND");
    assertThat(json.getJsonObject("stats").getInteger("successful")).isEqualTo(1);
    Row zombie = userRow(deleted);
    assertThat(zombie.getString("name")).isEqualTo("User 1");
    assertThat(zombie.getInteger("version")).isEqualTo(2);
    assertThat(zombie.getOffsetDateTime("deleted_at")).isNotNull();
    assertThat(
            sync(sql("SELECT count(*) FROM users WHERE id = $1", UUID.fromString(unknown)))
                .iterator()
                .next()
                .getLong(0))
        .isZero();
  }

  @Test
  void anEmailFreedBySoftDeleteCanBeTakenByAnUpdate() {
    JsonArray users = createdUsers("upd-freed", 2);
    String freed = emailOf(users, 0);
    call(
        HttpMethod.DELETE,
        "/batch/users/soft-delete",
        new JsonObject().put("userIds", new JsonArray().add(id(users, 0))));
    HttpResponse<Buffer> response =
        update(new JsonArray().add(change(id(users, 1), mail(freed))), null);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(userRow(id(users, 1)).getString("email")).isEqualTo(freed);
    assertThat(userRow(id(users, 0)).getString("email")).isEqualTo(freed);
    assertThat(userRow(id(users, 0)).getOffsetDateTime("deleted_at")).isNotNull();
  }

  @Test
  void continueOnErrorFalseLeavesLaterItemsUnprocessedAndUnwritten() {
    JsonArray users = createdUsers("upd-stop", 3);
    HttpResponse<Buffer> response =
        update(
            new JsonArray()
                .add(change(id(users, 0), name("Done")))
                .add(change(UUID.randomUUID().toString(), name("Missing")))
                .add(change(id(users, 1), name("Never")))
                .add(change(id(users, 2), name("Never Either"))),
            new JsonObject()
                .put("chunkSize", 1)
                .put("maxConcurrency", 1)
                .put("continueOnError", false));
    JsonObject json = response.bodyAsJsonObject();
    assertThat(response.statusCode()).as(json.encode()).isEqualTo(207);
    assertThat(json.getJsonObject("stats").getInteger("successful")).isEqualTo(1);
    assertThat(failure(json, 1).getString("code")).isEqualTo("USER_NOT_FOUND");
    assertThat(failure(json, 2).getString("code")).isEqualTo("NOT_PROCESSED");
    assertThat(failure(json, 3).getString("code")).isEqualTo("NOT_PROCESSED");
    assertThat(userRow(id(users, 0)).getString("name")).isEqualTo("Done");
    assertThat(userRow(id(users, 1)).getInteger("version")).isEqualTo(1);
    assertThat(userRow(id(users, 1)).getString("name")).isEqualTo("User 1");
    assertThat(userRow(id(users, 2)).getInteger("version")).isEqualTo(1);
  }

  /**
   * Two batches over the same 200 users at once, in different orders: the second one only updates
   * users still at version 1. Nothing may fail for a system reason, every item is accounted for,
   * and every success is one version step.
   */
  @Test
  void concurrentBatchesOverTheSameUsersAccountForEveryItem() {
    JsonArray users = createdUsers("upd-race", 200);
    List<String> ids = new ArrayList<>();
    users.forEach(u -> ids.add(((JsonObject) u).getString("id")));
    List<String> reversed = new ArrayList<>(ids);
    Collections.reverse(reversed);
    List<String> shuffled = new ArrayList<>(ids);
    Collections.shuffle(shuffled, new Random(42));
    JsonArray plain = new JsonArray();
    reversed.forEach(id -> plain.add(change(id, name("Plain " + id))));
    JsonArray versioned = new JsonArray();
    shuffled.forEach(
        id -> versioned.add(change(id, name("Versioned " + id)).put("expectedVersion", 1)));
    JsonObject options = new JsonObject().put("chunkSize", 10).put("maxConcurrency", 5);

    Future<HttpResponse<Buffer>> one = send(HttpMethod.PATCH, PATH, request(plain, options));
    Future<HttpResponse<Buffer>> two = send(HttpMethod.PATCH, PATH, request(versioned, options));
    HttpResponse<Buffer> first = sync(one);
    HttpResponse<Buffer> second = sync(two);

    Map<String, Integer> successes = new HashMap<>();
    for (HttpResponse<Buffer> response : List.of(first, second)) {
      JsonObject json = response.bodyAsJsonObject();
      JsonObject stats = json.getJsonObject("stats");
      // How many versioned updates lose the race varies; the status must match the counts exactly.
      int expectedStatus =
          stats.getInteger("failed") == 0 ? 200 : stats.getInteger("successful") == 0 ? 422 : 207;
      assertThat(response.statusCode()).as(json.encode()).isEqualTo(expectedStatus);
      assertThat(stats.getInteger("total")).isEqualTo(200);
      assertThat(stats.getInteger("successful") + stats.getInteger("failed")).isEqualTo(200);
      assertThat(json.getJsonArray("data").size() + json.getJsonArray("failed").size())
          .isEqualTo(200);
      json.getJsonArray("data")
          .forEach(u -> successes.merge(((JsonObject) u).getString("id"), 1, Integer::sum));
      json.getJsonArray("failed")
          .forEach(
              f ->
                  assertThat(((JsonObject) f).getString("code"))
                      .as(((JsonObject) f).encode())
                      .isEqualTo("VERSION_CONFLICT"));
    }
    assertThat(first.bodyAsJsonObject().getJsonObject("stats").getInteger("successful"))
        .isEqualTo(200);

    Map<String, Integer> versions = new HashMap<>();
    Map<String, String> names = new HashMap<>();
    sync(sql("SELECT id, version, name FROM users WHERE id = ANY($1::uuid[])", (Object) ids(users)))
        .forEach(
            row -> {
              versions.put(row.getUUID("id").toString(), row.getInteger("version"));
              names.put(row.getUUID("id").toString(), row.getString("name"));
            });
    assertThat(versions).hasSize(200);
    for (String id : ids) {
      int updates = successes.getOrDefault(id, 0);
      assertThat(versions.get(id)).as("version of " + id).isEqualTo(1 + updates);
      // The versioned update only succeeds before the plain one, so the plain one always writes
      // last.
      assertThat(names.get(id)).isEqualTo("Plain " + id);
    }
  }
}
