package dev.userbatch;

import static dev.userbatch.support.FaultSupport.REPLAYED_HEADER;
import static dev.userbatch.support.FaultSupport.waitFor;
import static dev.userbatch.support.TestData.createRequest;
import static dev.userbatch.support.TestData.email;
import static dev.userbatch.support.TestData.userWithHash;
import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.Scopes;
import dev.userbatch.support.ApiTest;
import dev.userbatch.support.TestData;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Issue 7, item 1: Idempotency-Key on every write endpoint. */
class IdempotencyTest extends ApiTest {
  private static final String CREATE = "/batch/users/create";

  private static String newKey() {
    return "it-" + UUID.randomUUID();
  }

  private HttpResponse<Buffer> call(HttpMethod method, String path, String key, JsonObject body) {
    return sync(keyed(method, path, key, body));
  }

  private Future<HttpResponse<Buffer>> keyed(
      HttpMethod method, String path, String key, JsonObject body) {
    var request = service.http.request(method, path);
    if (key != null) {
      request.putHeader("Idempotency-Key", key);
    }
    return request.sendJsonObject(body);
  }

  private long activeUsersWithEmails(List<String> emails) {
    return sync(sql(
            "SELECT count(*) AS n FROM users WHERE lower(email) = ANY($1::text[]) AND deleted_at IS NULL",
            (Object) emails.toArray(String[]::new)))
        .iterator()
        .next()
        .getLong("n");
  }

  private long usersWithEmails(List<String> emails) {
    return sync(sql(
            "SELECT count(*) AS n FROM users WHERE lower(email) = ANY($1::text[])",
            (Object) emails.toArray(String[]::new)))
        .iterator()
        .next()
        .getLong("n");
  }

  private Row keyRow(String key) {
    RowSet<Row> rows =
        sync(
            sql(
                "SELECT operation, status, body, created_at, lease_until, expires_at "
                    + "FROM idempotency_keys WHERE key = $1",
                key));
    return rows.size() == 0 ? null : rows.iterator().next();
  }

  private static List<String> emailsOf(JsonArray users) {
    List<String> emails = new ArrayList<>();
    users.forEach(u -> emails.add(((JsonObject) u).getString("email")));
    return emails;
  }

  private static void assertNotReplayed(HttpResponse<Buffer> response) {
    assertThat(response.getHeader(REPLAYED_HEADER))
        .as("first execution carries no replay header")
        .isNull();
  }

  private static void assertReplayOf(HttpResponse<Buffer> replay, HttpResponse<Buffer> first) {
    assertThat(replay.getHeader(REPLAYED_HEADER)).isEqualTo("true");
    assertThat(replay.statusCode()).isEqualTo(first.statusCode());
    assertThat(replay.bodyAsJsonObject()).isEqualTo(first.bodyAsJsonObject());
  }

  @Test
  void createIsStoredForADayAndReplayedWithoutTouchingUsersAgain() {
    String key = newKey();
    JsonArray users = TestData.usersWithHash("idem-create", 2);
    JsonObject body = createRequest(users, new JsonObject().put("chunkSize", 1));

    HttpResponse<Buffer> first = call(HttpMethod.POST, CREATE, key, body);
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
    assertNotReplayed(first);
    Row stored = keyRow(key);
    assertThat(stored).isNotNull();
    assertThat(stored.getString("operation")).isEqualTo("create");
    assertThat(stored.getInteger("status")).isEqualTo(200);
    assertThat(new JsonObject(stored.getString("body"))).isEqualTo(first.bodyAsJsonObject());
    assertThat(
            Duration.between(
                stored.getOffsetDateTime("created_at"), stored.getOffsetDateTime("expires_at")))
        .as("kept at least 24 h (IDEMPOTENCY_RETENTION_HOURS default)")
        .isGreaterThanOrEqualTo(Duration.ofHours(24));

    // Free the first email: a retry that really ran again would create that user a second time.
    String firstId = first.bodyAsJsonObject().getJsonArray("data").getJsonObject(0).getString("id");
    HttpResponse<Buffer> deleted =
        call(
            HttpMethod.DELETE,
            "/batch/users/soft-delete",
            null,
            new JsonObject().put("userIds", new JsonArray().add(firstId)));
    assertThat(deleted.statusCode()).isEqualTo(200);

    HttpResponse<Buffer> retry = call(HttpMethod.POST, CREATE, key, body);
    assertReplayOf(retry, first);
    HttpResponse<Buffer> again = call(HttpMethod.POST, CREATE, key, body);
    assertReplayOf(again, first);
    assertThat(usersWithEmails(emailsOf(users))).as("no user created by the retries").isEqualTo(2);
    assertThat(activeUsersWithEmails(emailsOf(users))).isEqualTo(1);
  }

  @Test
  void aPartialResponseIsReplayedAsItWas() {
    String key = newKey();
    String taken = email("idem-taken");
    sync(createUsers(new JsonArray().add(userWithHash(taken, "Holder"))));
    JsonArray users =
        new JsonArray().add(userWithHash(email("idem-new"), "New")).add(userWithHash(taken, "Dup"));
    JsonObject body = createRequest(users, null);

    HttpResponse<Buffer> first = call(HttpMethod.POST, CREATE, key, body);
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(207);
    assertThat(first.bodyAsJsonObject().getJsonArray("failed").getJsonObject(0).getString("code"))
        .isEqualTo("DUPLICATE_EMAIL");
    HttpResponse<Buffer> retry = call(HttpMethod.POST, CREATE, key, body);
    assertReplayOf(retry, first);
    assertThat(usersWithEmails(emailsOf(users).subList(0, 1))).isEqualTo(1);
  }

  @Test
  void sameKeyWithAnotherBodyOrOperationIs422AndWritesNothing() {
    String key = newKey();
    JsonArray users = TestData.usersWithHash("idem-a", 2);
    HttpResponse<Buffer> first = call(HttpMethod.POST, CREATE, key, createRequest(users, null));
    assertThat(first.statusCode()).isEqualTo(200);

    JsonArray other = TestData.usersWithHash("idem-b", 2);
    HttpResponse<Buffer> reused = call(HttpMethod.POST, CREATE, key, createRequest(other, null));
    assertThat(reused.statusCode()).as(reused.bodyAsString()).isEqualTo(422);
    assertThat(reused.bodyAsJsonObject().getString("code")).isEqualTo("IDEMPOTENCY_KEY_REUSED");
    assertThat(reused.bodyAsJsonObject().getBoolean("success")).isFalse();
    assertThat(usersWithEmails(emailsOf(other))).isZero();

    // Same items, other options: another request.
    HttpResponse<Buffer> otherOptions =
        call(
            HttpMethod.POST,
            CREATE,
            key,
            createRequest(users, new JsonObject().put("chunkSize", 1)));
    assertThat(otherOptions.statusCode()).isEqualTo(422);

    // Same key on another endpoint.
    String id = first.bodyAsJsonObject().getJsonArray("data").getJsonObject(0).getString("id");
    HttpResponse<Buffer> otherOperation =
        call(
            HttpMethod.PATCH,
            "/batch/users/last-login",
            key,
            new JsonObject().put("userIds", new JsonArray().add(id)));
    assertThat(otherOperation.statusCode()).as(otherOperation.bodyAsString()).isEqualTo(422);
    assertThat(otherOperation.bodyAsJsonObject().getString("code"))
        .isEqualTo("IDEMPOTENCY_KEY_REUSED");
    assertThat(userRow(id).getOffsetDateTime("last_login_at")).isNull();

    // The stored response is still there for the real retry.
    assertReplayOf(call(HttpMethod.POST, CREATE, key, createRequest(users, null)), first);
  }

  @Test
  void theSameJsonWithMembersInAnotherOrderIsTheSameRequest() {
    String key = newKey();
    String mail = email("idem-order");
    JsonObject body =
        new JsonObject()
            .put(
                "users",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("email", mail)
                            .put("name", "Order")
                            .put("passwordHash", TestData.BCRYPT)))
            .put("options", new JsonObject().put("chunkSize", 10).put("maxConcurrency", 2));
    JsonObject reordered =
        new JsonObject()
            .put("options", new JsonObject().put("maxConcurrency", 2).put("chunkSize", 10))
            .put(
                "users",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("passwordHash", TestData.BCRYPT)
                            .put("name", "Order")
                            .put("email", mail)));
    HttpResponse<Buffer> first = call(HttpMethod.POST, CREATE, key, body);
    assertThat(first.statusCode()).isEqualTo(200);
    HttpResponse<Buffer> retry = call(HttpMethod.POST, CREATE, key, reordered);
    assertThat(retry.statusCode()).as(retry.bodyAsString()).isEqualTo(200);
    assertReplayOf(retry, first);
    assertThat(usersWithEmails(List.of(mail))).isEqualTo(1);
  }

  @Test
  void sameKeyWhileTheFirstRequestRunsIs409ThenTheRetryReplays() {
    String key = newKey();
    String run = UUID.randomUUID().toString().substring(0, 8);
    JsonArray users = new JsonArray();
    for (int i = 0; i < 24; i++) {
      // Plaintext passwords: Argon2 hashing, chunk by chunk, keeps the first request running a
      // while.
      users.add(
          new JsonObject()
              .put("email", "idem-409-" + run + "-" + i + "@example.com")
              .put("name", "U" + i)
              .put("password", "correct horse " + i));
    }
    JsonObject body =
        createRequest(users, new JsonObject().put("chunkSize", 2).put("maxConcurrency", 1));

    Future<HttpResponse<Buffer>> firstFuture = keyed(HttpMethod.POST, CREATE, key, body);
    assertThat(waitFor(10_000, () -> keyRow(key) != null))
        .as("the first request claimed the key")
        .isTrue();
    assertThat(keyRow(key).getInteger("status")).as("still running").isNull();

    HttpResponse<Buffer> concurrent = call(HttpMethod.POST, CREATE, key, body);
    assertThat(concurrent.statusCode()).as(concurrent.bodyAsString()).isEqualTo(409);
    assertThat(concurrent.bodyAsJsonObject().getString("code")).isEqualTo("IDEMPOTENCY_KEY_IN_USE");
    // A different body under the running key is a misuse of the key, whether or not it still runs.
    HttpResponse<Buffer> different =
        call(
            HttpMethod.POST,
            CREATE,
            key,
            createRequest(TestData.usersWithHash("idem-409-other", 1), null));
    assertThat(different.statusCode()).as(different.bodyAsString()).isEqualTo(422);
    assertThat(different.bodyAsJsonObject().getString("code")).isEqualTo("IDEMPOTENCY_KEY_REUSED");

    HttpResponse<Buffer> first = sync(firstFuture);
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
    assertNotReplayed(first);
    assertReplayOf(call(HttpMethod.POST, CREATE, key, body), first);
    assertThat(usersWithEmails(emailsOf(users))).isEqualTo(24);
  }

  @Test
  void everyWriteEndpointReplaysInsteadOfApplyingTwice() {
    JsonArray users = createdUsers("idem-ops", 2);
    String id = users.getJsonObject(0).getString("id");
    String other = users.getJsonObject(1).getString("id");

    // update: a second application would bump the version again
    JsonObject update =
        new JsonObject()
            .put(
                "updates",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("id", id)
                            .put("data", new JsonObject().put("name", "Renamed Once"))));
    String updateKey = newKey();
    HttpResponse<Buffer> updated = call(HttpMethod.PATCH, "/batch/users/update", updateKey, update);
    assertThat(updated.statusCode()).as(updated.bodyAsString()).isEqualTo(200);
    assertReplayOf(call(HttpMethod.PATCH, "/batch/users/update", updateKey, update), updated);
    assertThat(userRow(id).getInteger("version")).isEqualTo(2);

    // last-login: a second application would move last_login_at
    JsonObject login = new JsonObject().put("userIds", new JsonArray().add(id));
    String loginKey = newKey();
    HttpResponse<Buffer> loggedIn =
        call(HttpMethod.PATCH, "/batch/users/last-login", loginKey, login);
    assertThat(loggedIn.statusCode()).isEqualTo(200);
    OffsetDateTime lastLogin = userRow(id).getOffsetDateTime("last_login_at");
    assertReplayOf(call(HttpMethod.PATCH, "/batch/users/last-login", loginKey, login), loggedIn);
    assertThat(userRow(id).getOffsetDateTime("last_login_at")).isEqualTo(lastLogin);

    // soft delete: a second application would answer ALREADY_DELETED
    JsonObject delete = new JsonObject().put("userIds", new JsonArray().add(id).add(other));
    String deleteKey = newKey();
    HttpResponse<Buffer> deleted =
        call(HttpMethod.DELETE, "/batch/users/soft-delete", deleteKey, delete);
    assertThat(deleted.statusCode()).isEqualTo(200);
    HttpResponse<Buffer> deleteRetry =
        call(HttpMethod.DELETE, "/batch/users/soft-delete", deleteKey, delete);
    assertReplayOf(deleteRetry, deleted);
    assertThat(userRow(id).getInteger("version")).isEqualTo(3);

    // restore: a second application would answer NOT_DELETED
    JsonObject restore = new JsonObject().put("userIds", new JsonArray().add(id));
    String restoreKey = newKey();
    HttpResponse<Buffer> restored =
        call(HttpMethod.POST, "/batch/users/restore", restoreKey, restore);
    assertThat(restored.statusCode()).as(restored.bodyAsString()).isEqualTo(200);
    assertReplayOf(call(HttpMethod.POST, "/batch/users/restore", restoreKey, restore), restored);
    assertThat(userRow(id).getInteger("version")).isEqualTo(4);
    assertThat(userRow(id).getOffsetDateTime("deleted_at")).isNull();
  }

  @Test
  void aRejectedEnvelopeIsNotStoredSoTheKeyCanBeUsedForTheCorrectedRequest() {
    String key = newKey();
    JsonArray users = TestData.usersWithHash("idem-400", 1);
    HttpResponse<Buffer> rejected =
        call(
            HttpMethod.POST,
            CREATE,
            key,
            createRequest(users, new JsonObject().put("chunkSize", 0)));
    assertThat(rejected.statusCode()).isEqualTo(400);
    assertThat(keyRow(key)).as("a refused request leaves no record").isNull();

    HttpResponse<Buffer> corrected = call(HttpMethod.POST, CREATE, key, createRequest(users, null));
    assertThat(corrected.statusCode()).as(corrected.bodyAsString()).isEqualTo(200);
    assertNotReplayed(corrected);
    assertThat(usersWithEmails(emailsOf(users))).isEqualTo(1);
  }

  @Test
  void malformedKeysAreRefused() {
    JsonObject body = createRequest(TestData.usersWithHash("idem-badkey", 1), null);
    for (String bad : new String[] {"x".repeat(256), "has space", "tab\there"}) {
      HttpResponse<Buffer> response = call(HttpMethod.POST, CREATE, bad, body);
      assertThat(response.statusCode()).as(bad).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getString("code"))
          .isEqualTo("INVALID_IDEMPOTENCY_KEY");
    }
    assertThat(usersWithEmails(emailsOf(body.getJsonArray("users")))).isZero();
    assertThat(
            call(HttpMethod.POST, CREATE, (newKey() + "k".repeat(255)).substring(0, 255), body)
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void aClaimWhoseLeaseRanOutAndAnExpiredResponseAreTakenOver() {
    // An instance died while running this key: its lease has run out.
    String abandoned = newKey();
    sync(
        sql(
            "INSERT INTO idempotency_keys (actor, key, operation, request_hash, lease_until, expires_at) "
                + "VALUES ('test-suite', $1, 'create', 'not-this-request', now() - interval '1 minute', now() + interval '1 day')",
            abandoned));
    JsonArray users = TestData.usersWithHash("idem-lease", 1);
    HttpResponse<Buffer> takenOver =
        call(HttpMethod.POST, CREATE, abandoned, createRequest(users, null));
    assertThat(takenOver.statusCode()).as(takenOver.bodyAsString()).isEqualTo(200);
    assertNotReplayed(takenOver);
    assertThat(keyRow(abandoned).getInteger("status")).isEqualTo(200);

    // A still-leased claim of another instance is not taken over. Its request hash is not this
    // body's, so the answer is 422 KEY_REUSED (the same body while it runs is 409, tested above).
    String leased = newKey();
    sync(
        sql(
            "INSERT INTO idempotency_keys (actor, key, operation, request_hash, lease_until, expires_at) "
                + "VALUES ('test-suite', $1, 'create', 'whatever', now() + interval '5 minutes', now() + interval '1 day')",
            leased));
    JsonObject leasedBody = createRequest(TestData.usersWithHash("idem-leased", 1), null);
    HttpResponse<Buffer> busy = call(HttpMethod.POST, CREATE, leased, leasedBody);
    assertThat(busy.statusCode()).as(busy.bodyAsString()).isEqualTo(422);
    assertThat(busy.bodyAsJsonObject().getString("code")).isEqualTo("IDEMPOTENCY_KEY_REUSED");
    assertThat(keyRow(leased).getInteger("status")).as("still the other instance's claim").isNull();
    assertThat(usersWithEmails(emailsOf(leasedBody.getJsonArray("users")))).isZero();

    // A stored response past its retention is forgotten: the key runs again.
    String expired = newKey();
    sync(
        sql(
            "INSERT INTO idempotency_keys (actor, key, operation, request_hash, status, body, lease_until, expires_at) "
                + "VALUES ('test-suite', $1, 'create', 'old', 200, '{}', now() - interval '2 days', now() - interval '1 second')",
            expired));
    JsonArray fresh = TestData.usersWithHash("idem-expired", 1);
    HttpResponse<Buffer> rerun = call(HttpMethod.POST, CREATE, expired, createRequest(fresh, null));
    assertThat(rerun.statusCode()).isEqualTo(200);
    assertNotReplayed(rerun);
    assertThat(usersWithEmails(emailsOf(fresh))).isEqualTo(1);
  }

  @Test
  void keysArePerActor() {
    String key = newKey();
    JsonArray users = TestData.usersWithHash("idem-actor", 1);
    JsonObject body = createRequest(users, null);
    HttpResponse<Buffer> mine = call(HttpMethod.POST, CREATE, key, body);
    assertThat(mine.statusCode()).as(mine.bodyAsString()).isEqualTo(200);

    // Another caller with the same key and body is another request: it runs (and finds the email
    // taken),
    // and it never sees the first caller's stored response.
    HttpResponse<Buffer> theirs =
        sync(
            service
                .anonymousHttp
                .post(CREATE)
                .putHeader("Idempotency-Key", key)
                .putHeader(
                    "Authorization",
                    "Bearer " + service.token("someone-else", Scopes.READ, Scopes.WRITE))
                .sendJsonObject(body));
    assertThat(theirs.getHeader(REPLAYED_HEADER)).isNull();
    assertThat(theirs.statusCode()).as(theirs.bodyAsString()).isEqualTo(422);
    assertThat(theirs.bodyAsJsonObject().getJsonArray("failed").getJsonObject(0).getString("code"))
        .isEqualTo("DUPLICATE_EMAIL");
    assertThat(sync(sql("SELECT actor FROM idempotency_keys WHERE key = $1 ORDER BY actor", key)))
        .extracting(row -> row.getString("actor"))
        .containsExactly("someone-else", "test-suite");
    // Each caller's retry replays its own response.
    assertReplayOf(call(HttpMethod.POST, CREATE, key, body), mine);
    assertThat(usersWithEmails(emailsOf(users))).isEqualTo(1);
  }

  @Test
  void lookupsIgnoreTheKey() {
    JsonArray users = createdUsers("idem-lookup", 1);
    String id = users.getJsonObject(0).getString("id");
    String key = newKey();
    JsonObject body = new JsonObject().put("ids", new JsonArray().add(id));
    HttpResponse<Buffer> first = call(HttpMethod.POST, "/batch/users/lookup", key, body);
    assertThat(first.statusCode()).isEqualTo(200);
    call(
        HttpMethod.PATCH,
        "/batch/users/update",
        null,
        new JsonObject()
            .put(
                "updates",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("id", id)
                            .put("data", new JsonObject().put("name", "After")))));
    HttpResponse<Buffer> second = call(HttpMethod.POST, "/batch/users/lookup", key, body);
    assertThat(second.getHeader(REPLAYED_HEADER)).isNull();
    assertThat(second.bodyAsJsonObject().getJsonArray("data").getJsonObject(0).getString("name"))
        .isEqualTo("After");
    assertThat(keyRow(key)).isNull();
  }
}
