package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.audit.AuditTrail;
import dev.userbatch.batch.Scopes;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.support.ApiTest;
import dev.userbatch.support.TestData;
import dev.userbatch.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit trail: one {@code audit_log} row per batch operation with who, when, from where, what
 * and how it went, published on {@value AuditTrail#ADDRESS}; and the client address honouring
 * X-Forwarded-For only from trusted proxies.
 */
class AuditTrailTest extends ApiTest {
  private final String agent = "audit-test-agent/1.0 (" + UUID.randomUUID() + ")";
  private final String actor = "auditor-" + UUID.randomUUID();
  private final Map<String, CompletableFuture<JsonObject>> published = new ConcurrentHashMap<>();
  private MessageConsumer<JsonObject> consumer;

  @BeforeEach
  void listenToTheAuditAddress() {
    consumer =
        service
            .app
            .vertx()
            .eventBus()
            .consumer(
                AuditTrail.ADDRESS,
                message -> {
                  JsonObject record = message.body();
                  published
                      .computeIfAbsent(
                          record.getString("correlationId"), k -> new CompletableFuture<>())
                      .complete(record);
                });
    sync(consumer.completion());
  }

  @AfterEach
  void stopListening() {
    sync(consumer.unregister());
  }

  private JsonObject publishedRecord(String correlationId) {
    try {
      return published
          .computeIfAbsent(correlationId, k -> new CompletableFuture<>())
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no audit record published for " + correlationId, e);
    }
  }

  private HttpResponse<Buffer> audited(
      TestService target,
      HttpMethod method,
      String path,
      String correlationId,
      JsonObject body,
      Function<HttpRequest<Buffer>, HttpRequest<Buffer>> extra) {
    HttpRequest<Buffer> request =
        target
            .anonymousHttp
            .request(method, path)
            .putHeader("Authorization", "Bearer " + target.token(actor, Scopes.READ, Scopes.WRITE))
            .putHeader("User-Agent", agent)
            .putHeader("X-Correlation-Id", correlationId);
    return sync(extra.apply(request).sendJsonObject(body));
  }

  private HttpResponse<Buffer> audited(
      HttpMethod method, String path, String correlationId, JsonObject body) {
    return audited(service, method, path, correlationId, body, Function.identity());
  }

  private Row auditRow(String correlationId) {
    RowSet<Row> rows =
        sync(
            sql(
                "SELECT id, operation, actor, started_at, finished_at, client_ip, user_agent, "
                    + "correlation_id, user_ids, total, successful, failed, outcome, dry_run FROM audit_log "
                    + "WHERE correlation_id = $1",
                correlationId));
    assertThat(rows.size()).as("audit rows of " + correlationId).isEqualTo(1);
    return rows.iterator().next();
  }

  private static String cid(String what) {
    return "audit-" + what + "-" + UUID.randomUUID();
  }

  private static List<String> userIds(Row row) {
    return Arrays.stream(row.getArrayOfUUIDs("user_ids")).map(UUID::toString).toList();
  }

  /** Checks the fields every row has, and that the published record says the same. */
  private Row assertRow(
      String correlationId,
      String operation,
      int total,
      int successful,
      int failed,
      String outcome,
      List<String> expectedUserIds) {
    Row row = auditRow(correlationId);
    assertThat(row.getString("operation")).isEqualTo(operation);
    assertThat(row.getString("actor")).isEqualTo(actor);
    OffsetDateTime started = row.getOffsetDateTime("started_at");
    OffsetDateTime finished = row.getOffsetDateTime("finished_at");
    assertThat(started).isNotNull().isAfter(OffsetDateTime.now().minusMinutes(5));
    assertThat(finished).isNotNull().isAfterOrEqualTo(started);
    assertThat(row.getString("client_ip")).isEqualTo("127.0.0.1");
    assertThat(row.getString("user_agent")).isEqualTo(agent);
    assertThat(row.getString("correlation_id")).isEqualTo(correlationId);
    assertThat(userIds(row))
        .as("user_ids of " + operation)
        .containsExactlyInAnyOrderElementsOf(expectedUserIds);
    assertThat(row.getInteger("total")).isEqualTo(total);
    assertThat(row.getInteger("successful")).isEqualTo(successful);
    assertThat(row.getInteger("failed")).isEqualTo(failed);
    assertThat(row.getString("outcome")).isEqualTo(outcome);
    assertThat(row.getBoolean("dry_run")).isFalse();

    JsonObject record = publishedRecord(correlationId);
    assertThat(record.getString("id")).isEqualTo(row.getUUID("id").toString());
    assertThat(record.getString("operation")).isEqualTo(operation);
    assertThat(record.getString("actor")).isEqualTo(actor);
    assertThat(record.getString("clientIp")).isEqualTo("127.0.0.1");
    assertThat(record.getString("userAgent")).isEqualTo(agent);
    assertThat(record.getJsonArray("userIds").getList())
        .containsExactlyInAnyOrderElementsOf(expectedUserIds);
    assertThat(record.getInteger("total")).isEqualTo(total);
    assertThat(record.getInteger("successful")).isEqualTo(successful);
    assertThat(record.getInteger("failed")).isEqualTo(failed);
    assertThat(record.getString("outcome")).isEqualTo(outcome);
    assertThat(record.getBoolean("dryRun")).isFalse();
    assertThat(OffsetDateTime.parse(record.getString("startedAt")).toInstant())
        .isEqualTo(started.toInstant());
    assertThat(OffsetDateTime.parse(record.getString("finishedAt")).toInstant())
        .isEqualTo(finished.toInstant());
    return row;
  }

  @Test
  void createLookupUpdateAndSoftDeleteLeaveOneCompleteRowEach() {
    String unknown = UUID.randomUUID().toString();

    String createCid = cid("create");
    JsonArray users =
        TestData.usersWithHash("audit", 2).add(TestData.userWithHash("not-an-email", "Bad"));
    HttpResponse<Buffer> created =
        audited(
            HttpMethod.POST,
            "/batch/users/create",
            createCid,
            TestData.createRequest(users, new JsonObject().put("chunkSize", 1)));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(207);
    JsonArray data = created.bodyAsJsonObject().getJsonArray("data");
    String a = data.getJsonObject(0).getString("id");
    String b = data.getJsonObject(1).getString("id");
    assertRow(createCid, "create", 3, 2, 1, "partial", List.of(a, b));

    String lookupCid = cid("lookup");
    HttpResponse<Buffer> looked =
        audited(
            HttpMethod.POST,
            "/batch/users/lookup",
            lookupCid,
            new JsonObject().put("ids", new JsonArray().add(a).add(b).add(unknown)));
    assertThat(looked.statusCode()).as(looked.bodyAsString()).isEqualTo(200);
    assertRow(lookupCid, "lookup", 3, 2, 0, "success", List.of(a, b));

    String updateCid = cid("update");
    HttpResponse<Buffer> updated =
        audited(
            HttpMethod.PATCH,
            "/batch/users/update",
            updateCid,
            new JsonObject()
                .put(
                    "updates",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("id", a)
                                .put("data", new JsonObject().put("name", "Audited")))));
    assertThat(updated.statusCode()).as(updated.bodyAsString()).isEqualTo(200);
    assertRow(updateCid, "update", 1, 1, 0, "success", List.of(a));

    String deleteCid = cid("delete");
    HttpResponse<Buffer> deleted =
        audited(
            HttpMethod.DELETE,
            "/batch/users/soft-delete",
            deleteCid,
            new JsonObject().put("userIds", new JsonArray().add(b).add(unknown)));
    assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(207);
    assertRow(deleteCid, "soft-delete", 2, 1, 1, "partial", List.of(b));

    String failedCid = cid("failed");
    HttpResponse<Buffer> failed =
        audited(
            HttpMethod.DELETE,
            "/batch/users/soft-delete",
            failedCid,
            new JsonObject().put("userIds", new JsonArray().add(unknown)));
    assertThat(failed.statusCode()).as(failed.bodyAsString()).isEqualTo(422);
    assertRow(failedCid, "soft-delete", 1, 0, 1, "failed", List.of());
  }

  @Test
  void anAtomicBatchThatRollsBackRecordsNoChangedUser() {
    String existing = createdUsers("audit-atomic-existing", 1).getJsonObject(0).getString("email");
    String atomicCid = cid("atomic");
    JsonArray users =
        TestData.usersWithHash("audit-atomic", 2).add(TestData.userWithHash(existing, "Clash"));
    HttpResponse<Buffer> response =
        audited(
            HttpMethod.POST,
            "/batch/users/create",
            atomicCid,
            TestData.createRequest(users, new JsonObject().put("atomic", true)));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(422);
    Row row = auditRow(atomicCid);
    assertThat(userIds(row)).isEmpty();
    assertThat(row.getInteger("successful")).isZero();
    assertThat(row.getString("outcome")).isEqualTo("failed");
  }

  @Test
  void aDryRunIsAuditedAsADryRun() {
    String id = createdUsers("audit-dry", 1).getJsonObject(0).getString("id");
    String dryCid = cid("dry");
    HttpResponse<Buffer> response =
        audited(
            HttpMethod.PATCH,
            "/batch/users/update",
            dryCid,
            new JsonObject()
                .put(
                    "updates",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("id", id)
                                .put("data", new JsonObject().put("name", "Dry"))))
                .put("options", new JsonObject().put("dryRun", true)));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    Row row = auditRow(dryCid);
    assertThat(row.getBoolean("dry_run")).isTrue();
    assertThat(userIds(row)).as("a dry run changes nobody").isEmpty();
    assertThat(row.getInteger("total")).isEqualTo(1);
    assertThat(row.getString("outcome")).isEqualTo("success");
    assertThat(row.getInteger("successful") + row.getInteger("failed"))
        .as("successful + failed add up to total, as in the response")
        .isEqualTo(1);
  }

  /**
   * A lookup that finds every user: its row, written while it read, names them in response order.
   */
  @Test
  void aLookupThatFindsEveryUserRecordsThemInOrder() {
    JsonArray users = createdUsers("audit-read-all", 3);
    List<String> ids = List.of(id(users, 2), id(users, 0), id(users, 1));
    String lookupCid = cid("read-all");
    HttpResponse<Buffer> looked =
        audited(
            HttpMethod.POST,
            "/batch/users/lookup",
            lookupCid,
            new JsonObject()
                .put("ids", new JsonArray(new java.util.ArrayList<>(ids)).add(ids.get(0))));
    assertThat(looked.statusCode()).as(looked.bodyAsString()).isEqualTo(200);
    Row row = assertRow(lookupCid, "lookup", 3, 3, 0, "success", ids);
    assertThat(userIds(row)).containsExactlyElementsOf(ids);
  }

  /** A lookup with an invalid id is recorded after its read, with the failure counted. */
  @Test
  void aLookupWithAnInvalidIdIsRecordedWithItsFailure() {
    String a = id(createdUsers("audit-read-invalid", 1), 0);
    String lookupCid = cid("read-invalid");
    HttpResponse<Buffer> looked =
        audited(
            HttpMethod.POST,
            "/batch/users/lookup",
            lookupCid,
            new JsonObject()
                .put("ids", new JsonArray().add(a).add("not-a-uuid"))
                .put("options", new JsonObject().put("continueOnError", true)));
    assertThat(looked.statusCode()).as(looked.bodyAsString()).isEqualTo(207);
    assertRow(lookupCid, "lookup", 2, 1, 1, "partial", List.of(a));
  }

  /**
   * Makes PostgreSQL refuse the audit statement {@code operation} (INSERT or UPDATE) of rows whose
   * correlation id starts with {@code prefix}, for the duration of {@code body}.
   */
  private void withAuditRefused(String operation, String prefix, Runnable body) {
    String name =
        "refuse_audit_"
            + operation.toLowerCase()
            + "_"
            + UUID.randomUUID().toString().replace("-", "");
    sync(
        sql(
            "CREATE FUNCTION "
                + name
                + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "RAISE EXCEPTION 'audit refused by the test'; END $$"));
    sync(
        sql(
            "CREATE TRIGGER "
                + name
                + " BEFORE "
                + operation
                + " ON audit_log FOR EACH ROW WHEN "
                + "(NEW.correlation_id LIKE '"
                + prefix
                + "%') EXECUTE FUNCTION "
                + name
                + "()"));
    try {
      body.run();
    } finally {
      sync(sql("DROP TRIGGER " + name + " ON audit_log"));
      sync(sql("DROP FUNCTION " + name + "()"));
    }
  }

  private void assertNotReturned(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(503);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("code")).isEqualTo("DATABASE_UNAVAILABLE");
    assertThat(body.containsKey("data")).as(response.bodyAsString()).isFalse();
  }

  /**
   * The row of a lookup is written while it reads; when it cannot be written, no user is returned.
   */
  @Test
  void aLookupWhoseRowCannotBeWrittenReturnsNoUser() {
    String a = id(createdUsers("audit-read-refused", 1), 0);
    String prefix = cid("refused-insert");
    withAuditRefused(
        "INSERT",
        prefix,
        () -> {
          assertNotReturned(
              audited(
                  HttpMethod.POST,
                  "/batch/users/lookup",
                  prefix + "-valid",
                  new JsonObject().put("ids", new JsonArray().add(a))));
          assertNotReturned(
              audited(
                  HttpMethod.POST,
                  "/batch/users/lookup",
                  prefix + "-invalid",
                  new JsonObject()
                      .put("ids", new JsonArray().add(a).add("not-a-uuid"))
                      .put("options", new JsonObject().put("continueOnError", true))));
        });
    assertThat(
            sync(sql("SELECT count(*) FROM audit_log WHERE correlation_id LIKE $1", prefix + "%"))
                .iterator()
                .next()
                .getLong(0))
        .isZero();
  }

  /**
   * A lookup that read less than its row (written ahead) says must correct the row before it
   * answers; when the correction fails, no user is returned.
   */
  @Test
  void aLookupWhoseRowCannotBeCorrectedReturnsNoUser() {
    String a = id(createdUsers("audit-read-uncorrected", 1), 0);
    String prefix = cid("refused-update");
    withAuditRefused(
        "UPDATE",
        prefix,
        () -> {
          assertNotReturned(
              audited(
                  HttpMethod.POST,
                  "/batch/users/lookup",
                  prefix + "-missing",
                  new JsonObject()
                      .put("ids", new JsonArray().add(a).add(UUID.randomUUID().toString()))));
          // every user found: the row written ahead is right, nothing to correct
          HttpResponse<Buffer> found =
              audited(
                  HttpMethod.POST,
                  "/batch/users/lookup",
                  prefix + "-found",
                  new JsonObject().put("ids", new JsonArray().add(a)));
          assertThat(found.statusCode()).as(found.bodyAsString()).isEqualTo(200);
          assertRow(prefix + "-found", "lookup", 1, 1, 0, "success", List.of(a));
        });
  }

  // ---------------------------------------------------------------------------------------------
  // client address

  private String clientIpRecordedBy(TestService target, String... forwardedFor) {
    String correlationId = cid("xff");
    HttpResponse<Buffer> response =
        audited(
            target,
            HttpMethod.POST,
            "/batch/users/lookup",
            correlationId,
            new JsonObject().put("ids", new JsonArray().add(UUID.randomUUID().toString())),
            request -> {
              for (String value : forwardedFor) {
                request.headers().add("X-Forwarded-For", value);
              }
              return request;
            });
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return auditRow(correlationId).getString("client_ip");
  }

  @Test
  void xForwardedForIsIgnoredWithoutTrustedProxies() {
    assertThat(service.app.config().trustedProxies()).isEmpty();
    assertThat(clientIpRecordedBy(service, "198.51.100.23")).isEqualTo("127.0.0.1");
    assertThat(clientIpRecordedBy(service, "198.51.100.23, 10.0.0.1")).isEqualTo("127.0.0.1");
  }

  /** A service whose configuration differs only in TRUSTED_PROXIES. */
  private static ServiceConfig trusting(ServiceConfig config, String proxies) {
    Map<String, String> env = new HashMap<>();
    env.put("TRUSTED_PROXIES", proxies);
    env.put("DATA_DIR", config.dataDir().toString());
    return ServiceConfig.load(env)
        .withHttpPort(config.httpPort())
        .withEndpoints(config.pgUrl(), config.redisUrl())
        .withSecurity(config.security());
  }

  @Test
  void behindTrustedProxiesTheNearestUntrustedHopIsTheClient() {
    TestService proxied = TestService.start(config -> trusting(config, "127.0.0.1, 10.0.0.1"));
    try {
      assertThat(proxied.app.config().trustedProxies())
          .containsExactlyInAnyOrder("127.0.0.1", "10.0.0.1");
      // one proxy (the test client at 127.0.0.1)
      assertThat(clientIpRecordedBy(proxied, "198.51.100.7")).isEqualTo("198.51.100.7");
      // two proxies: 10.0.0.1 is trusted too, so the hop left of it is the client
      assertThat(clientIpRecordedBy(proxied, "198.51.100.7, 10.0.0.1")).isEqualTo("198.51.100.7");
      // the client sent its own X-Forwarded-For: what it claims (left) is not believed
      assertThat(clientIpRecordedBy(proxied, "203.0.113.66, 198.51.100.7"))
          .isEqualTo("198.51.100.7");
      // the same when the proxy added its hop as a second header line instead of appending
      assertThat(clientIpRecordedBy(proxied, "203.0.113.66", "198.51.100.7"))
          .isEqualTo("198.51.100.7");
      // no header: the peer
      assertThat(clientIpRecordedBy(proxied)).isEqualTo("127.0.0.1");
      // a hop that is not an address is not recorded as one
      assertThat(clientIpRecordedBy(proxied, "<script>alert(1)</script>")).isEqualTo("127.0.0.1");
      assertThat(clientIpRecordedBy(proxied, "unknown, 10.0.0.1")).isEqualTo("10.0.0.1");
      // IPv6 hops are addresses too
      assertThat(clientIpRecordedBy(proxied, "2001:db8::7")).isEqualTo("2001:db8::7");
    } finally {
      proxied.close();
    }
  }
}
