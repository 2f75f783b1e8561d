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
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Issue 7, items 2 and 3: {@code options.atomic} and {@code options.dryRun}. */
class AtomicAndDryRunTest extends ApiTest {
  private static final String CREATE = "/batch/users/create";
  private static final String UPDATE = "/batch/users/update";
  private static final String DELETE = "/batch/users/soft-delete";
  private static final String RESTORE = "/batch/users/restore";
  private static final String LAST_LOGIN = "/batch/users/last-login";

  private HttpResponse<Buffer> callWithCorrelation(
      HttpMethod method, String path, String correlationId, JsonObject body) {
    return sync(
        service
            .http
            .request(method, path)
            .putHeader("X-Correlation-Id", correlationId)
            .sendJsonObject(body));
  }

  private long usersWithEmails(List<String> emails) {
    return sync(sql(
            "SELECT count(*) AS n FROM users WHERE lower(email) = ANY($1::text[])",
            (Object) emails.toArray(String[]::new)))
        .iterator()
        .next()
        .getLong("n");
  }

  private static List<String> emailsOf(JsonArray users) {
    List<String> emails = new ArrayList<>();
    users.forEach(u -> emails.add(((JsonObject) u).getString("email").toLowerCase()));
    return emails;
  }

  private Row auditRow(String correlationId) {
    RowSet<Row> rows =
        sync(
            sql(
                "SELECT id, operation, dry_run, user_ids, total, successful, failed, outcome "
                    + "FROM audit_log WHERE correlation_id = $1",
                correlationId));
    assertThat(rows.size()).as("one audit row for " + correlationId).isEqualTo(1);
    return rows.iterator().next();
  }

  private static List<String> codes(JsonObject json) {
    List<String> codes = new ArrayList<>();
    json.getJsonArray("failed")
        .forEach(
            f ->
                codes.add(
                    ((JsonObject) f).getInteger("index")
                        + ":"
                        + ((JsonObject) f).getString("code")));
    return codes;
  }

  /**
   * Changes recorded (transactionally, for the outbox event) by the batch whose audit row is {@code
   * audit}: none means no event.
   */
  private long events(Row audit) {
    return sync(sql(
            "SELECT count(*) AS n FROM batch_changes WHERE batch_id = $1", audit.getUUID("id")))
        .iterator()
        .next()
        .getLong("n");
  }

  private static JsonObject ids(String... userIds) {
    return new JsonObject().put("userIds", new JsonArray(List.of((Object[]) userIds)));
  }

  /** User views without ids and times, for comparing a dry run with a real run. */
  private static JsonArray withoutTimes(JsonArray data) {
    JsonArray copy = new JsonArray();
    data.forEach(
        u -> {
          JsonObject user = ((JsonObject) u).copy();
          user.remove("id");
          user.remove("createdAt");
          user.remove("updatedAt");
          user.remove("deletedAt");
          user.remove("lastLoginAt");
          copy.add(user);
        });
    return copy;
  }

  // ---------------------------------------------------------------- atomic

  @Test
  void atomicCreateWritesNothingWhenOneItemFailsInTheDatabase() {
    String taken = email("atomic-taken");
    sync(createUsers(new JsonArray().add(userWithHash(taken, "Holder"))));
    JsonArray users = TestData.usersWithHash("atomic-create", 3);
    users.add(userWithHash(taken.toUpperCase(), "Second Holder"));
    String correlation = UUID.randomUUID().toString();

    HttpResponse<Buffer> response =
        callWithCorrelation(
            HttpMethod.POST,
            CREATE,
            correlation,
            createRequest(users, new JsonObject().put("atomic", true).put("chunkSize", 1)));
    JsonObject json = response.bodyAsJsonObject();
    assertThat(response.statusCode()).as(json.encode()).isEqualTo(422);
    assertThat(json.getBoolean("success")).isFalse();
    assertThat(json.getBoolean("atomic")).isTrue();
    assertThat(json.getJsonArray("data")).isEmpty();
    assertThat(codes(json))
        .containsExactly(
            "0:NOT_PROCESSED", "1:NOT_PROCESSED", "2:NOT_PROCESSED", "3:DUPLICATE_EMAIL");
    JsonObject notProcessed = json.getJsonArray("failed").getJsonObject(0);
    assertThat(notProcessed.getString("error")).contains("atomic").contains("nothing was written");
    assertThat(notProcessed.getJsonObject("item").getString("passwordHash"))
        .isEqualTo("[REDACTED]");
    assertThat(json.getJsonObject("stats"))
        .isEqualTo(
            new JsonObject()
                .put("total", 4)
                .put("successful", 0)
                .put("failed", 4)
                .put("duplicates", 0)
                .put("chunks", 1));
    assertThat(usersWithEmails(emailsOf(users).subList(0, 3))).as("nothing written").isZero();
    assertThat(auditRow(correlation).getArrayOfUUIDs("user_ids")).isEmpty();
    assertThat(events(auditRow(correlation)))
        .as("no event for a batch that wrote nothing")
        .isZero();

    // Without the bad item, the same batch is written whole, in one chunk whatever chunkSize says.
    users.remove(3);
    HttpResponse<Buffer> ok =
        call(
            HttpMethod.POST,
            CREATE,
            createRequest(users, new JsonObject().put("atomic", true).put("chunkSize", 1)));
    assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(200);
    assertThat(ok.bodyAsJsonObject().getJsonObject("stats").getInteger("chunks")).isEqualTo(1);
    assertThat(ok.bodyAsJsonObject().getJsonObject("stats").getInteger("successful")).isEqualTo(3);
    assertThat(usersWithEmails(emailsOf(users))).isEqualTo(3);
  }

  @Test
  void atomicBatchWithAnInvalidItemDispatchesNothing() {
    JsonArray users = TestData.usersWithHash("atomic-invalid", 3);
    users.getJsonObject(1).put("email", "not-an-email");
    HttpResponse<Buffer> response =
        call(HttpMethod.POST, CREATE, createRequest(users, new JsonObject().put("atomic", true)));
    JsonObject json = response.bodyAsJsonObject();
    assertThat(response.statusCode()).as(json.encode()).isEqualTo(422);
    assertThat(codes(json))
        .containsExactly("0:NOT_PROCESSED", "1:VALIDATION_ERROR", "2:NOT_PROCESSED");
    assertThat(json.getJsonArray("failed").getJsonObject(1).getString("path"))
        .isEqualTo("$.users[1].email");
    assertThat(json.getJsonArray("failed").getJsonObject(0).getString("error")).contains("atomic");
    assertThat(json.getJsonObject("stats").getInteger("chunks")).isZero();
    assertThat(usersWithEmails(List.of(emailsOf(users).get(0), emailsOf(users).get(2)))).isZero();
  }

  @Test
  void atomicUpdateAndDeleteRollBackEverythingAndLeaveTheCacheAlone() {
    JsonArray users = createdUsers("atomic-update", 3);
    String[] id = new String[3];
    for (int i = 0; i < 3; i++) {
      id[i] = users.getJsonObject(i).getString("id");
    }
    // Warm the cache: a rolled-back change must not reach it.
    assertThat(sync(get("/batch/users/lookup?ids=" + String.join(",", id))).statusCode())
        .isEqualTo(200);
    String cachedBefore = cached(id[0]);
    assertThat(cachedBefore).isNotNull();

    JsonObject update =
        new JsonObject()
            .put(
                "updates",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("id", id[0])
                            .put("data", new JsonObject().put("name", "Changed 0")))
                    .add(
                        new JsonObject()
                            .put("id", id[1])
                            .put("data", new JsonObject().put("name", "Changed 1"))
                            .put("expectedVersion", 7))
                    .add(
                        new JsonObject()
                            .put("id", id[2])
                            .put("data", new JsonObject().put("email", email("atomic-moved")))))
            .put("options", new JsonObject().put("atomic", true));
    HttpResponse<Buffer> response = call(HttpMethod.PATCH, UPDATE, update);
    JsonObject json = response.bodyAsJsonObject();
    assertThat(response.statusCode()).as(json.encode()).isEqualTo(422);
    assertThat(codes(json))
        .containsExactly("0:NOT_PROCESSED", "1:VERSION_CONFLICT", "2:NOT_PROCESSED");
    for (int i = 0; i < 3; i++) {
      Row row = userRow(id[i]);
      assertThat(row.getString("name")).isEqualTo("User " + i);
      assertThat(row.getString("email")).isEqualTo(users.getJsonObject(i).getString("email"));
      assertThat(row.getInteger("version")).isEqualTo(1);
    }
    assertThat(cached(id[0])).isEqualTo(cachedBefore);

    String unknown = UUID.randomUUID().toString();
    JsonObject delete =
        ids(id[0], unknown, id[2]).put("options", new JsonObject().put("atomic", true));
    HttpResponse<Buffer> deleted = call(HttpMethod.DELETE, DELETE, delete);
    assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(422);
    assertThat(codes(deleted.bodyAsJsonObject()))
        .containsExactly("0:NOT_PROCESSED", "1:USER_NOT_FOUND", "2:NOT_PROCESSED");
    assertThat(userRow(id[0]).getOffsetDateTime("deleted_at")).isNull();
    assertThat(userRow(id[2]).getOffsetDateTime("deleted_at")).isNull();
    assertThat(cached(id[0])).isEqualTo(cachedBefore);
    JsonObject found =
        sync(get("/batch/users/lookup?ids=" + id[0] + "," + id[2])).bodyAsJsonObject();
    assertThat(found.getJsonObject("stats").getInteger("found")).isEqualTo(2);

    // All good: the whole batch is applied.
    HttpResponse<Buffer> ok =
        call(
            HttpMethod.PATCH,
            UPDATE,
            new JsonObject()
                .put(
                    "updates",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("id", id[0])
                                .put("data", new JsonObject().put("name", "Changed 0")))
                        .add(
                            new JsonObject()
                                .put("id", id[1])
                                .put("data", new JsonObject().put("name", "Changed 1"))
                                .put("expectedVersion", 1)))
                .put("options", new JsonObject().put("atomic", true)));
    assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(200);
    assertThat(userRow(id[0]).getString("name")).isEqualTo("Changed 0");
    assertThat(userRow(id[1]).getString("name")).isEqualTo("Changed 1");
  }

  @Test
  void atomicBatchesHaveAConfiguredMaximumSize() {
    int max = service.app.config().atomicMaxItems();
    JsonArray tooMany = TestData.usersWithHash("atomic-max", max + 1);
    HttpResponse<Buffer> refused =
        call(HttpMethod.POST, CREATE, createRequest(tooMany, new JsonObject().put("atomic", true)));
    JsonObject json = refused.bodyAsJsonObject();
    assertThat(refused.statusCode()).as(json.encode()).isEqualTo(400);
    assertThat(json.getString("code")).isEqualTo("VALIDATION_ERROR");
    assertThat(json.getJsonArray("errors").getJsonObject(0).getString("path"))
        .isEqualTo("$.options.atomic");
    assertThat(json.getString("message")).contains(String.valueOf(max));
    assertThat(usersWithEmails(emailsOf(tooMany).subList(0, 5))).isZero();

    // Exactly the maximum is accepted (dry run: checked as one transaction, nothing kept).
    tooMany.remove(max);
    HttpResponse<Buffer> accepted =
        call(
            HttpMethod.POST,
            CREATE,
            createRequest(tooMany, new JsonObject().put("atomic", true).put("dryRun", true)));
    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(200);
    assertThat(accepted.bodyAsJsonObject().getJsonObject("stats").getInteger("successful"))
        .isEqualTo(max);
    assertThat(usersWithEmails(emailsOf(tooMany))).isZero();
  }

  // ---------------------------------------------------------------- dry run

  @Test
  void dryRunCreateAnswersLikeTheRealRunAndWritesNothing() {
    String taken = email("dry-taken");
    sync(createUsers(new JsonArray().add(userWithHash(taken, "Holder"))));
    JsonArray users =
        new JsonArray()
            .add(userWithHash(email("dry-new"), "New One"))
            .add(userWithHash(taken, "Taken"))
            .add(userWithHash("bad-email", "Bad"))
            .add(
                new JsonObject()
                    .put("email", email("dry-plain"))
                    .put("name", "Plain")
                    .put("password", "secret-pass-123"))
            .add(userWithHash(email("dry-new2"), "New Two"));
    JsonObject body = createRequest(users, new JsonObject().put("chunkSize", 2));
    JsonObject dryBody =
        createRequest(users, new JsonObject().put("chunkSize", 2).put("dryRun", true));
    String correlation = UUID.randomUUID().toString();

    HttpResponse<Buffer> dry = callWithCorrelation(HttpMethod.POST, CREATE, correlation, dryBody);
    JsonObject dryJson = dry.bodyAsJsonObject();
    assertThat(dry.statusCode()).as(dryJson.encode()).isEqualTo(207);
    assertThat(dryJson.getBoolean("dryRun")).isTrue();
    assertThat(dryJson.getString("message"))
        .isEqualTo("Dry run: Batch operation completed with errors; nothing was written");
    assertThat(dryJson.getJsonArray("data")).hasSize(3);
    assertThat(dry.bodyAsString()).doesNotContain("secret-pass-123").doesNotContain("$dry-run$");
    List<String> newEmails =
        List.of(emailsOf(users).get(0), emailsOf(users).get(3), emailsOf(users).get(4));
    assertThat(usersWithEmails(newEmails)).as("nothing written").isZero();
    for (Object user : dryJson.getJsonArray("data")) {
      String id = ((JsonObject) user).getString("id");
      assertThat(userRow(id)).isNull();
      assertThat(cached(id)).as("no cache entry for a dry-run user").isNull();
    }
    Row audit = auditRow(correlation);
    assertThat(audit.getBoolean("dry_run")).isTrue();
    assertThat(audit.getArrayOfUUIDs("user_ids")).isEmpty();
    assertThat(audit.getString("operation")).isEqualTo("create");
    assertThat(events(audit)).as("a dry run sends no event").isZero();

    HttpResponse<Buffer> real = call(HttpMethod.POST, CREATE, body);
    JsonObject realJson = real.bodyAsJsonObject();
    assertThat(dry.statusCode()).isEqualTo(real.statusCode());
    assertThat(dryJson.fieldNames())
        .containsExactlyInAnyOrderElementsOf(concat(realJson.fieldNames(), "dryRun"));
    assertThat(dryJson.getString("message"))
        .isEqualTo("Dry run: " + realJson.getString("message") + "; nothing was written");
    assertThat(dryJson.getJsonArray("failed")).isEqualTo(realJson.getJsonArray("failed"));
    assertThat(dryJson.getJsonObject("stats")).isEqualTo(realJson.getJsonObject("stats"));
    assertThat(withoutTimes(dryJson.getJsonArray("data")))
        .isEqualTo(withoutTimes(realJson.getJsonArray("data")));
    assertThat(usersWithEmails(newEmails)).isEqualTo(3);
  }

  private static List<String> concat(java.util.Set<String> names, String extra) {
    List<String> all = new ArrayList<>(names);
    all.add(extra);
    return all;
  }

  @Test
  void dryRunUpdateDeleteLastLoginAndRestoreCheckEveryRuleAndChangeNothing() {
    JsonArray users = createdUsers("dry-ops", 4);
    String[] id = new String[4];
    for (int i = 0; i < 4; i++) {
      id[i] = users.getJsonObject(i).getString("id");
    }
    assertThat(call(HttpMethod.DELETE, DELETE, ids(id[3])).statusCode()).isEqualTo(200);
    assertThat(
            sync(get("/batch/users/lookup?ids=" + id[0] + "," + id[1] + "," + id[2])).statusCode())
        .isEqualTo(200);
    String[] cachedBefore = {cached(id[0]), cached(id[1]), cached(id[2]), cached(id[3])};
    assertThat(cachedBefore[0]).isNotNull();
    assertThat(cachedBefore[3]).as("tombstone").isNotNull();

    JsonArray updates =
        new JsonArray()
            .add(
                new JsonObject()
                    .put("id", id[0])
                    .put("data", new JsonObject().put("name", "Dry Renamed")))
            .add(
                new JsonObject()
                    .put("id", id[1])
                    .put("data", new JsonObject().put("name", "X"))
                    .put("expectedVersion", 5))
            .add(
                new JsonObject()
                    .put("id", UUID.randomUUID().toString())
                    .put("data", new JsonObject().put("name", "Y")))
            .add(
                new JsonObject()
                    .put("id", id[2])
                    .put(
                        "data",
                        new JsonObject().put("email", users.getJsonObject(0).getString("email"))))
            .add(
                new JsonObject()
                    .put("id", id[3])
                    .put("data", new JsonObject().put("name", "Deleted")));
    String correlation = UUID.randomUUID().toString();
    HttpResponse<Buffer> dry =
        callWithCorrelation(
            HttpMethod.PATCH,
            UPDATE,
            correlation,
            new JsonObject()
                .put("updates", updates)
                .put("options", new JsonObject().put("dryRun", true)));
    JsonObject dryJson = dry.bodyAsJsonObject();
    assertThat(dry.statusCode()).as(dryJson.encode()).isEqualTo(207);
    assertThat(dryJson.getBoolean("dryRun")).isTrue();
    assertThat(codes(dryJson))
        .containsExactly(
            "1:VERSION_CONFLICT", "2:USER_NOT_FOUND", "3:EMAIL_IN_USE", "4:USER_NOT_FOUND");
    assertThat(dryJson.getJsonArray("data").getJsonObject(0).getString("name"))
        .isEqualTo("Dry Renamed");
    assertThat(dryJson.getJsonArray("data").getJsonObject(0).getInteger("version")).isEqualTo(2);
    assertThat(auditRow(correlation).getBoolean("dry_run")).isTrue();

    HttpResponse<Buffer> dryDelete =
        call(
            HttpMethod.DELETE,
            DELETE,
            ids(id[0], id[3]).put("options", new JsonObject().put("dryRun", true)));
    assertThat(dryDelete.statusCode()).as(dryDelete.bodyAsString()).isEqualTo(207);
    assertThat(codes(dryDelete.bodyAsJsonObject())).containsExactly("1:ALREADY_DELETED");
    assertThat(
            dryDelete
                .bodyAsJsonObject()
                .getJsonArray("data")
                .getJsonObject(0)
                .getString("deletedAt"))
        .isNotNull();

    HttpResponse<Buffer> dryLogin =
        call(
            HttpMethod.PATCH,
            LAST_LOGIN,
            ids(id[1]).put("options", new JsonObject().put("dryRun", true)));
    assertThat(dryLogin.statusCode()).as(dryLogin.bodyAsString()).isEqualTo(200);
    assertThat(
            dryLogin
                .bodyAsJsonObject()
                .getJsonArray("data")
                .getJsonObject(0)
                .getString("lastLoginAt"))
        .isNotNull();

    HttpResponse<Buffer> dryRestore =
        call(
            HttpMethod.POST,
            RESTORE,
            ids(id[3], id[2]).put("options", new JsonObject().put("dryRun", true)));
    assertThat(dryRestore.statusCode()).as(dryRestore.bodyAsString()).isEqualTo(207);
    assertThat(codes(dryRestore.bodyAsJsonObject())).containsExactly("1:NOT_DELETED");
    assertThat(dryRestore.bodyAsJsonObject().getString("message"))
        .startsWith("Dry run: ")
        .endsWith("; nothing was written");

    // Nothing changed: rows, versions, cache entries.
    for (int i = 0; i < 4; i++) {
      Row row = userRow(id[i]);
      assertThat(row.getString("name")).isEqualTo("User " + i);
      assertThat(row.getString("email")).isEqualTo(users.getJsonObject(i).getString("email"));
      assertThat(row.getOffsetDateTime("last_login_at")).isNull();
      assertThat(row.getInteger("version")).isEqualTo(i == 3 ? 2 : 1);
      assertThat(row.getOffsetDateTime("deleted_at") != null).isEqualTo(i == 3);
      assertThat(cached(id[i])).isEqualTo(cachedBefore[i]);
    }

    // The real update finds exactly what the dry run announced.
    HttpResponse<Buffer> real =
        call(HttpMethod.PATCH, UPDATE, new JsonObject().put("updates", updates));
    assertThat(real.statusCode()).isEqualTo(dry.statusCode());
    assertThat(real.bodyAsJsonObject().getJsonArray("failed"))
        .isEqualTo(dryJson.getJsonArray("failed"));
    assertThat(real.bodyAsJsonObject().getJsonObject("stats"))
        .isEqualTo(dryJson.getJsonObject("stats"));
    assertThat(withoutTimes(real.bodyAsJsonObject().getJsonArray("data")))
        .isEqualTo(withoutTimes(dryJson.getJsonArray("data")));
  }

  @Test
  void dryRunOfAFullySuccessfulBatchSaysSoAndStillWritesNothing() {
    JsonArray users = TestData.usersWithHash("dry-ok", 3);
    HttpResponse<Buffer> dry =
        call(
            HttpMethod.POST,
            CREATE,
            createRequest(
                users,
                new JsonObject().put("dryRun", true).put("chunkSize", 1).put("maxConcurrency", 3)));
    JsonObject json = dry.bodyAsJsonObject();
    assertThat(dry.statusCode()).as(json.encode()).isEqualTo(200);
    assertThat(json.getBoolean("success")).isTrue();
    assertThat(json.getString("message"))
        .isEqualTo("Dry run: Successfully created 3 out of 3 users; nothing was written");
    assertThat(json.getJsonObject("stats"))
        .isEqualTo(
            new JsonObject()
                .put("total", 3)
                .put("successful", 3)
                .put("failed", 0)
                .put("duplicates", 0)
                .put("chunks", 3));
    assertThat(usersWithEmails(emailsOf(users))).isZero();
  }
}
