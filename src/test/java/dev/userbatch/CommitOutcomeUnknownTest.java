package dev.userbatch;

import static dev.userbatch.support.FaultSupport.await;
import static dev.userbatch.support.FaultSupport.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.CuttableProxy;
import dev.userbatch.support.FaultSupport;
import dev.userbatch.support.TestData;
import dev.userbatch.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 9: the connection breaks while COMMIT runs, and the commit goes through. The chunk
 * must say its outcome is unknown, and the cache must not go on serving the user as active.
 */
class CommitOutcomeUnknownTest {
  /** Sleeps at COMMIT (a deferred constraint trigger) for the one user of this test. */
  private static final String SLEEP_FUNCTION =
      "CREATE OR REPLACE FUNCTION test_sleep_at_commit() RETURNS trigger LANGUAGE plpgsql AS "
          + "$$ BEGIN PERFORM pg_sleep(2); RETURN NULL; END $$";

  @Test
  void aSoftDeleteWhoseCommitAnswerIsLostIsCommitUnknownAndNeverServedFromTheCache() {
    TestService shared = TestService.shared();
    PgConnectOptions pg = PgConnectOptions.fromUri(shared.app.config().pgUrl());
    String marker = "commit-unknown-" + UUID.randomUUID();
    String trigger = "test_sleep_" + UUID.randomUUID().toString().replace("-", "");
    try (CuttableProxy proxy = new CuttableProxy(pg.getHost(), pg.getPort())) {
      String proxiedUrl =
          "postgresql://" + pg.getUser() + "@127.0.0.1:" + proxy.port() + "/" + pg.getDatabase();
      TestService service = FaultSupport.startService(Map.of(), proxiedUrl, null);
      try {
        HttpResponse<Buffer> created =
            await(
                service
                    .http
                    .post("/batch/users/create")
                    .sendJsonObject(
                        TestData.createRequest(
                            new JsonArray()
                                .add(
                                    TestData.userWithHash(
                                        TestData.email("commit-unknown"), marker)),
                            null)),
                30);
        assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
        String id =
            created.bodyAsJsonObject().getJsonArray("data").getJsonObject(0).getString("id");
        assertThat(lookup(service, id).getJsonArray("data"))
            .as("served (and cached) before the delete")
            .hasSize(1);

        await(shared.pg.query(SLEEP_FUNCTION).execute(), 10);
        await(
            shared
                .pg
                .query(
                    "CREATE CONSTRAINT TRIGGER "
                        + trigger
                        + " AFTER UPDATE ON users "
                        + "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.name = '"
                        + marker
                        + "' "
                        + "AND NEW.deleted_at IS NOT NULL) EXECUTE FUNCTION test_sleep_at_commit()")
                .execute(),
            10);

        Future<HttpResponse<Buffer>> deletion =
            service
                .http
                .delete("/batch/users/soft-delete")
                .sendJsonObject(new JsonObject().put("userIds", new JsonArray().add(id)));
        Integer[] committingPort = new Integer[1];
        assertThat(
                waitFor(
                    15_000,
                    () -> {
                      RowSet<Row> rows =
                          await(
                              shared
                                  .pg
                                  .query(
                                      "SELECT client_port FROM pg_stat_activity "
                                          + "WHERE datname = current_database() AND query = 'COMMIT' AND wait_event = 'PgSleep'")
                                  .execute(),
                              10);
                      committingPort[0] =
                          rows.size() == 1
                              ? rows.iterator().next().getInteger("client_port")
                              : null;
                      return committingPort[0] != null;
                    }))
            .as("the soft delete's COMMIT is running")
            .isTrue();
        assertThat(proxy.cutClientOf(committingPort[0]))
            .as("that connection goes through the proxy")
            .isTrue();

        HttpResponse<Buffer> deleted = await(deletion, 30);
        assertThat(
                waitFor(
                    15_000,
                    () ->
                        await(
                                shared
                                    .pg
                                    .preparedQuery(
                                        "SELECT deleted_at IS NOT NULL AS gone FROM users WHERE id = $1")
                                    .execute(Tuple.of(UUID.fromString(id))),
                                10)
                            .iterator()
                            .next()
                            .getBoolean("gone")))
            .as("the COMMIT went through although its answer was lost")
            .isTrue();

        JsonObject after = lookup(service, id);
        assertThat(after.getJsonArray("data"))
            .as("a deleted user is not served from the cache: " + after)
            .isEmpty();
        assertThat(after.getJsonArray("missing")).isEqualTo(new JsonArray().add(id));

        JsonObject body = deleted.bodyAsJsonObject();
        assertThat(body.getJsonArray("failed")).as(body.encode()).hasSize(1);
        JsonObject failure = body.getJsonArray("failed").getJsonObject(0);
        assertThat(failure.getString("code")).isEqualTo("COMMIT_UNKNOWN");
        assertThat(failure.getString("error")).contains("may or may not have been stored");
      } finally {
        await(shared.pg.query("DROP TRIGGER IF EXISTS " + trigger + " ON users").execute(), 10);
        service.close();
      }
    }
  }

  private static JsonObject lookup(TestService service, String id) {
    HttpResponse<Buffer> response =
        await(service.http.get("/batch/users/lookup?ids=" + id).send(), 30);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }
}
