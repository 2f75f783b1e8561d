package dev.userbatch;

import static dev.userbatch.support.TestData.createRequest;
import static dev.userbatch.support.TestData.email;
import static dev.userbatch.support.TestData.userWithHash;
import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.ApiTest;
import dev.userbatch.support.TestData;
import dev.userbatch.user.PasswordHasher;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CreateUsersTest extends ApiTest {

  /**
   * More than 1,000 results are streamed in slices: the body is still one JSON document, in input
   * order.
   */
  @Test
  void aLargeResultIsStreamedAsOneDocumentInInputOrder(VertxTestContext ctx) {
    JsonArray users = TestData.usersWithHash("streamed", 1234);
    post("/batch/users/create", createRequest(users, new JsonObject().put("chunkSize", 500)))
        .onComplete(
            ctx.succeeding(
                response ->
                    ctx.verify(
                        () -> {
                          assertThat(response.statusCode()).isEqualTo(200);
                          assertThat(response.getHeader("transfer-encoding")).isEqualTo("chunked");
                          JsonObject json = new JsonObject(response.bodyAsString());
                          JsonArray data = json.getJsonArray("data");
                          assertThat(data).hasSize(1234);
                          for (int i = 0; i < 1234; i++) {
                            assertThat(data.getJsonObject(i).getString("email"))
                                .isEqualTo(users.getJsonObject(i).getString("email"));
                          }
                          assertThat(json.getJsonArray("failed")).isEmpty();
                          assertThat(json.getJsonObject("stats").getInteger("successful"))
                              .isEqualTo(1234);
                          ctx.completeNow();
                        })));
  }

  /** Passwords are hashed in slices on a shared pool: each stored hash must be its own user's. */
  @Test
  void everyUserGetsTheHashOfItsOwnPassword(VertxTestContext ctx) {
    JsonArray users = new JsonArray();
    for (int i = 0; i < 21; i++) {
      users.add(
          i % 5 == 2
              ? userWithHash(email("own-hash" + i), "Imported " + i)
              : new JsonObject()
                  .put("email", email("own-pw" + i))
                  .put("name", "User " + i)
                  .put("password", "password-number-" + i));
    }
    post("/batch/users/create", createRequest(users, new JsonObject().put("chunkSize", 10)))
        .compose(
            response -> {
              ctx.verify(() -> assertThat(response.statusCode()).isEqualTo(200));
              return sql(
                  "SELECT name, password_hash FROM users WHERE id = ANY($1::uuid[])",
                  (Object) ids(response.bodyAsJsonObject().getJsonArray("data")));
            })
        .onComplete(
            ctx.succeeding(
                rows ->
                    ctx.verify(
                        () -> {
                          assertThat(rows.size()).isEqualTo(21);
                          PasswordHasher hasher = PasswordHasher.owaspDefault();
                          for (Row row : rows) {
                            String name = row.getString("name");
                            int i = Integer.parseInt(name.substring(name.lastIndexOf(' ') + 1));
                            if (name.startsWith("Imported")) {
                              assertThat(row.getString("password_hash")).isEqualTo(TestData.BCRYPT);
                            } else {
                              assertThat(
                                      hasher.verify(
                                          "password-number-" + i, row.getString("password_hash")))
                                  .as(name)
                                  .isTrue();
                            }
                          }
                          ctx.completeNow();
                        })));
  }

  @Test
  void seedExampleCreatesBothUsersHashesPasswordsAndCachesThem(VertxTestContext ctx) {
    String first = email("seed1");
    String second = email("seed2");
    JsonObject body =
        createRequest(
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("email", "  " + first.toUpperCase() + " ")
                        .put("name", " User One ")
                        .put("password", "hashed_password_1"))
                .add(
                    new JsonObject()
                        .put("email", second)
                        .put("name", "User Two")
                        .put("password", "hashed_password_2")),
            new JsonObject().put("chunkSize", 100).put("continueOnError", true));

    post("/batch/users/create", body)
        .compose(
            response -> {
              ctx.verify(
                  () -> {
                    assertThat(response.statusCode()).isEqualTo(200);
                    JsonObject json = response.bodyAsJsonObject();
                    assertThat(json.getBoolean("success")).isTrue();
                    assertThat(json.getString("message"))
                        .isEqualTo("Successfully created 2 out of 2 users");
                    assertThat(json.getJsonArray("failed")).isEmpty();
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
                    JsonObject one = data.getJsonObject(0);
                    assertThat(one.getString("email")).isEqualTo(first);
                    assertThat(one.getString("name")).isEqualTo("User One");
                    assertThat(one.getInteger("version")).isEqualTo(1);
                    assertThat(one.fieldNames())
                        .doesNotContain("password", "passwordHash", "password_hash");
                    assertThat(response.bodyAsString())
                        .doesNotContain("hashed_password_1")
                        .doesNotContain("argon2");
                  });
              JsonArray data = response.bodyAsJsonObject().getJsonArray("data");
              return sql(
                      "SELECT id, email, name, password_hash FROM users WHERE id = ANY($1::uuid[]) ORDER BY email",
                      (Object) ids(data))
                  .compose(
                      rows -> {
                        ctx.verify(
                            () -> {
                              assertThat(rows.size()).isEqualTo(2);
                              for (Row row : rows) {
                                assertThat(row.getString("password_hash"))
                                    .startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
                              }
                            });
                        return redis(Command.GET, "user:" + data.getJsonObject(1).getString("id"));
                      })
                  .map(
                      cached -> {
                        ctx.verify(
                            () ->
                                assertThat(withoutGeneration(cached.toString()))
                                    .isEqualTo("1|" + data.getJsonObject(1).encode()));
                        return null;
                      });
            })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void mixedValidAndInvalidItemsFailAloneWithCodesAndPaths(VertxTestContext ctx) {
    String good = email("mixed-ok");
    JsonArray users =
        new JsonArray()
            .add(userWithHash(good, "Good"))
            .add(userWithHash("not-an-email", "Bad Email"))
            .add(
                new JsonObject().put("email", email("noname")).put("passwordHash", TestData.BCRYPT))
            .add(
                new JsonObject()
                    .put("email", email("both"))
                    .put("name", "Both")
                    .put("password", "secret-pass-1")
                    .put("passwordHash", TestData.BCRYPT))
            .add(
                new JsonObject()
                    .put("email", email("badhash"))
                    .put("name", "Bad Hash")
                    .put("passwordHash", "md5:abc"))
            .add(
                new JsonObject()
                    .put("email", email("extra"))
                    .put("name", "Extra")
                    .put("password", "secret-pass-2")
                    .put("role", "admin"))
            .add("just a string")
            .add(
                new JsonObject()
                    .put("email", email("short"))
                    .put("name", "Short")
                    .put("password", "short"));

    post("/batch/users/create", createRequest(users, null))
        .onComplete(
            ctx.succeeding(
                response ->
                    ctx.verify(
                        () -> {
                          assertThat(response.statusCode()).isEqualTo(207);
                          JsonObject json = response.bodyAsJsonObject();
                          assertThat(json.getBoolean("success")).isFalse();
                          assertThat(json.getString("message"))
                              .isEqualTo("Batch operation completed with errors");
                          assertThat(json.getJsonObject("stats").getInteger("total")).isEqualTo(8);
                          assertThat(json.getJsonObject("stats").getInteger("successful"))
                              .isEqualTo(1);
                          assertThat(json.getJsonObject("stats").getInteger("failed")).isEqualTo(7);
                          assertThat(json.getJsonArray("data").getJsonObject(0).getString("email"))
                              .isEqualTo(good);
                          JsonArray failed = json.getJsonArray("failed");
                          List<Integer> indexes = new ArrayList<>();
                          for (int i = 0; i < failed.size(); i++) {
                            JsonObject f = failed.getJsonObject(i);
                            indexes.add(f.getInteger("index"));
                            assertThat(f.getString("code")).isEqualTo("VALIDATION_ERROR");
                            assertThat(f.containsKey("item")).isTrue();
                          }
                          assertThat(indexes).containsExactly(1, 2, 3, 4, 5, 6, 7);
                          assertThat(failed.getJsonObject(0).getString("error"))
                              .isEqualTo("Invalid email format");
                          assertThat(failed.getJsonObject(0).getString("path"))
                              .isEqualTo("$.users[1].email");
                          assertThat(failed.getJsonObject(1).getString("error"))
                              .contains("name is required");
                          assertThat(failed.getJsonObject(1).getString("path"))
                              .isEqualTo("$.users[2].name");
                          assertThat(failed.getJsonObject(2).getString("error"))
                              .isEqualTo("Exactly one of password or passwordHash is required");
                          assertThat(failed.getJsonObject(3).getString("error"))
                              .contains("passwordHash");
                          assertThat(
                                  failed
                                      .getJsonObject(3)
                                      .getJsonObject("item")
                                      .getString("passwordHash"))
                              .isEqualTo("[REDACTED]");
                          assertThat(failed.getJsonObject(4).getString("error")).contains("role");
                          assertThat(
                                  failed
                                      .getJsonObject(4)
                                      .getJsonObject("item")
                                      .getString("password"))
                              .isEqualTo("[REDACTED]");
                          assertThat(failed.getJsonObject(5).getValue("item"))
                              .isEqualTo("just a string");
                          assertThat(failed.getJsonObject(6).getString("path"))
                              .isEqualTo("$.users[7].password");
                          assertThat(response.bodyAsString())
                              .doesNotContain("secret-pass")
                              .doesNotContain(TestData.BCRYPT);
                          ctx.completeNow();
                        })));
  }

  @Test
  void duplicatesInsideTheRequestAndAgainstTheDatabaseFail(VertxTestContext ctx) {
    String existing = email("exists");
    String repeated = email("repeated");
    createUsers(new JsonArray().add(userWithHash(existing, "Already Here")))
        .compose(
            created ->
                post(
                    "/batch/users/create",
                    createRequest(
                        new JsonArray()
                            .add(userWithHash(repeated, "First"))
                            .add(userWithHash(existing.toUpperCase(), "Clash With Database"))
                            .add(userWithHash(" " + repeated + " ", "Second")),
                        new JsonObject().put("chunkSize", 1))))
        .compose(
            response -> {
              ctx.verify(
                  () -> {
                    assertThat(response.statusCode()).isEqualTo(207);
                    JsonObject json = response.bodyAsJsonObject();
                    JsonArray failed = json.getJsonArray("failed");
                    assertThat(failed).hasSize(2);
                    assertThat(failed.getJsonObject(0).getInteger("index")).isEqualTo(1);
                    assertThat(failed.getJsonObject(0).getString("code"))
                        .isEqualTo("DUPLICATE_EMAIL");
                    assertThat(failed.getJsonObject(0).getString("error"))
                        .isEqualTo("User with this email already exists");
                    assertThat(failed.getJsonObject(1).getInteger("index")).isEqualTo(2);
                    assertThat(failed.getJsonObject(1).getString("code"))
                        .isEqualTo("DUPLICATE_EMAIL");
                    assertThat(failed.getJsonObject(1).getString("error"))
                        .startsWith("User with this email already exists")
                        .contains("item 0");
                  });
              return sql(
                  "SELECT count(*) FROM users WHERE lower(email) IN ($1, $2)", existing, repeated);
            })
        .onComplete(
            ctx.succeeding(
                rows ->
                    ctx.verify(
                        () -> {
                          assertThat(rows.iterator().next().getLong(0)).isEqualTo(2L);
                          ctx.completeNow();
                        })));
  }

  @Test
  void continueOnErrorFalseStopsAtTheFirstInvalidItem(VertxTestContext ctx) {
    JsonArray users = TestData.usersWithHash("stop-validation", 4);
    users.set(2, userWithHash("broken", "Broken"));
    post(
            "/batch/users/create",
            createRequest(
                users, new JsonObject().put("chunkSize", 1).put("continueOnError", false)))
        .compose(
            response -> {
              JsonObject json = response.bodyAsJsonObject();
              ctx.verify(
                  () -> {
                    assertThat(response.statusCode()).isEqualTo(207);
                    assertThat(json.getJsonObject("stats").getInteger("successful")).isEqualTo(2);
                    JsonArray failed = json.getJsonArray("failed");
                    assertThat(failed).hasSize(2);
                    assertThat(failed.getJsonObject(0).getString("code"))
                        .isEqualTo("VALIDATION_ERROR");
                    assertThat(failed.getJsonObject(1).getInteger("index")).isEqualTo(3);
                    assertThat(failed.getJsonObject(1).getString("code"))
                        .isEqualTo("NOT_PROCESSED");
                    assertThat(failed.getJsonObject(1).getString("error"))
                        .contains("batch stopped");
                  });
              return sql(
                  "SELECT count(*) FROM users WHERE email = $1",
                  users.getJsonObject(3).getString("email"));
            })
        .onComplete(
            ctx.succeeding(
                rows ->
                    ctx.verify(
                        () -> {
                          assertThat(rows.iterator().next().getLong(0)).isZero();
                          ctx.completeNow();
                        })));
  }

  @Test
  void continueOnErrorFalseStopsDispatchingAfterAChunkWithADatabaseConflict(VertxTestContext ctx) {
    String taken = email("taken");
    JsonArray users = TestData.usersWithHash("stop-db", 4);
    users.set(1, userWithHash(taken, "Clash"));
    createUsers(new JsonArray().add(userWithHash(taken, "Owner")))
        .compose(
            ignored ->
                post(
                    "/batch/users/create",
                    createRequest(
                        users,
                        new JsonObject()
                            .put("chunkSize", 1)
                            .put("maxConcurrency", 1)
                            .put("continueOnError", false))))
        .compose(
            response -> {
              JsonObject json = response.bodyAsJsonObject();
              ctx.verify(
                  () -> {
                    assertThat(json.getJsonObject("stats").getInteger("successful")).isEqualTo(1);
                    JsonArray failed = json.getJsonArray("failed");
                    assertThat(failed).hasSize(3);
                    assertThat(failed.getJsonObject(0).getString("code"))
                        .isEqualTo("DUPLICATE_EMAIL");
                    assertThat(failed.getJsonObject(1).getString("code"))
                        .isEqualTo("NOT_PROCESSED");
                    assertThat(failed.getJsonObject(2).getString("code"))
                        .isEqualTo("NOT_PROCESSED");
                  });
              return sql(
                  "SELECT count(*) FROM users WHERE email = ANY($1::text[])",
                  (Object)
                      new String[] {
                        users.getJsonObject(2).getString("email"),
                        users.getJsonObject(3).getString("email")
                      });
            })
        .onComplete(
            ctx.succeeding(
                rows ->
                    ctx.verify(
                        () -> {
                          assertThat(rows.iterator().next().getLong(0)).isZero();
                          ctx.completeNow();
                        })));
  }

  @Test
  void chunkBoundariesOneSevenAndAThousand(VertxTestContext ctx) {
    JsonArray five = TestData.usersWithHash("chunk1", 5);
    JsonArray fifteen = TestData.usersWithHash("chunk7", 15);
    JsonArray thousandAndOne = TestData.usersWithHash("chunk1000", 1001);
    checkChunks(five, 1, 5)
        .compose(v -> checkChunks(fifteen, 7, 3))
        .compose(v -> checkChunks(thousandAndOne, 1000, 2))
        .onComplete(ctx.succeeding(v -> ctx.completeNow()));
  }

  private Future<Void> checkChunks(JsonArray users, int chunkSize, int expectedChunks) {
    return post(
            "/batch/users/create",
            createRequest(users, new JsonObject().put("chunkSize", chunkSize)))
        .compose(
            response -> {
              JsonObject json = response.bodyAsJsonObject();
              assertThat(response.statusCode()).as(json.encode()).isEqualTo(200);
              assertThat(json.getJsonObject("stats").getInteger("chunks"))
                  .isEqualTo(expectedChunks);
              JsonArray data = json.getJsonArray("data");
              assertThat(data).hasSize(users.size());
              for (int i = 0; i < users.size(); i++) {
                assertThat(data.getJsonObject(i).getString("email"))
                    .isEqualTo(users.getJsonObject(i).getString("email"));
              }
              return sql(
                      "SELECT id, email, name FROM users WHERE id = ANY($1::uuid[])",
                      (Object) ids(data))
                  .map(
                      rows -> {
                        // Every created user is stored as answered: the same id, email and name.
                        Map<String, String> stored = new HashMap<>();
                        rows.forEach(
                            row ->
                                stored.put(
                                    row.getUUID("id").toString(),
                                    row.getString("email") + " " + row.getString("name")));
                        Map<String, String> answered = new HashMap<>();
                        data.forEach(
                            u ->
                                answered.put(
                                    ((JsonObject) u).getString("id"),
                                    ((JsonObject) u).getString("email")
                                        + " "
                                        + ((JsonObject) u).getString("name")));
                        assertThat(stored).isEqualTo(answered);
                        return null;
                      });
            });
  }

  @Test
  void allItemsFailingIs422(VertxTestContext ctx) {
    post("/batch/users/create", createRequest(new JsonArray().add(userWithHash("nope", "X")), null))
        .onComplete(
            ctx.succeeding(
                response ->
                    ctx.verify(
                        () -> {
                          assertThat(response.statusCode()).isEqualTo(422);
                          assertThat(
                                  response
                                      .bodyAsJsonObject()
                                      .getJsonObject("stats")
                                      .getInteger("failed"))
                              .isEqualTo(1);
                          ctx.completeNow();
                        })));
  }

  @Test
  void importedHashIsStoredAsIs(VertxTestContext ctx) {
    String argon =
        "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
    JsonObject user =
        new JsonObject()
            .put("email", email("import"))
            .put("name", "Imported")
            .put("passwordHash", argon);
    createUsers(new JsonArray().add(user))
        .compose(
            data ->
                sql(
                    "SELECT password_hash FROM users WHERE id = $1",
                    UUID.fromString(data.getJsonObject(0).getString("id"))))
        .onComplete(
            ctx.succeeding(
                rows ->
                    ctx.verify(
                        () -> {
                          assertThat(rows.iterator().next().getString(0)).isEqualTo(argon);
                          ctx.completeNow();
                        })));
  }
}
