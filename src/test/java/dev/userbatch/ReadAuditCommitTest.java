package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.config.ServiceConfig;
import dev.userbatch.config.StorageConfig;
import dev.userbatch.db.Clients;
import dev.userbatch.support.ApiTest;
import dev.userbatch.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, item 4: committing the audit rows of lookups without waiting for the WAL flush is off
 * by default (READ_AUDIT_SYNCHRONOUS_COMMIT=true); when switched on, only the rows of lookups are
 * written that way, and a lookup still answers only once its row is in PostgreSQL.
 */
class ReadAuditCommitTest extends ApiTest {

  private static ServiceConfig withAsyncReadAudit(ServiceConfig config) {
    StorageConfig s = config.storage();
    return config.withStorage(
        new StorageConfig(
            s.idempotencyHmacKey(),
            s.retentionAuditDays(),
            s.retentionBatchChangesDays(),
            s.retentionOutboxDays(),
            s.purgeIntervalMs(),
            s.purgeBatchSize(),
            s.weakHashPolicy(),
            s.weakHashMinBcryptCost(),
            s.weakHashMinPbkdf2Iterations(),
            false));
  }

  private static String setting(Pool pool, String name) {
    Row row = sync(pool.query("SHOW " + name).execute()).iterator().next();
    return row.getString(0);
  }

  @Test
  void byDefaultLookupsAuditThroughTheRequestPoolWithSynchronousCommit() {
    ServiceConfig config = service.app.config();
    assertThat(config.storage().readAuditSynchronousCommit()).isTrue();
    Pool requests = Clients.requestPool(service.clientVertx, config);
    try {
      assertThat(Clients.readAuditPool(service.clientVertx, config, requests)).isSameAs(requests);
      assertThat(setting(requests, "synchronous_commit")).isEqualTo("on");
    } finally {
      sync(requests.close());
    }
  }

  @Test
  void switchedOffOnlyTheReadAuditConnectionsSkipTheFlushWait() {
    ServiceConfig config = withAsyncReadAudit(service.app.config());
    Pool requests = Clients.requestPool(service.clientVertx, config);
    Pool reads = Clients.readAuditPool(service.clientVertx, config, requests);
    try {
      assertThat(reads).isNotSameAs(requests);
      assertThat(setting(reads, "synchronous_commit")).isEqualTo("off");
      assertThat(setting(requests, "synchronous_commit")).isEqualTo("on");
    } finally {
      sync(reads.close());
      sync(requests.close());
    }
  }

  @Test
  void switchedOffALookupStillAnswersOnlyOnceItsRowIsWritten() {
    JsonArray users = createdUsers("readaudit-async", 3);
    TestService own = TestService.start(ReadAuditCommitTest::withAsyncReadAudit);
    try {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < users.size(); i++) {
        ids.add(id(users, i));
      }
      for (int round = 0; round < 2; round++) { // a cold read (worker), then a warm one (cache)
        HttpResponse<Buffer> looked =
            sync(own.http.get("/batch/users/lookup?ids=" + String.join(",", ids)).send());
        assertThat(looked.statusCode()).as(looked.bodyAsString()).isEqualTo(200);
        String correlationId = looked.getHeader("X-Correlation-Id");
        // Read at once, on another connection: the row is there with the users returned.
        Row row =
            sync(sql(
                    "SELECT operation, outcome, successful, user_ids::text[] AS ids "
                        + "FROM audit_log WHERE correlation_id = $1",
                    correlationId))
                .iterator()
                .next();
        assertThat(row.getString("operation")).isEqualTo("lookup");
        assertThat(row.getString("outcome")).isEqualTo("success");
        assertThat(row.getInteger("successful")).isEqualTo(3);
        assertThat(row.getArrayOfStrings("ids")).containsExactlyElementsOf(ids);
      }
    } finally {
      own.close();
    }
  }
}
