package dev.userbatch.outbox;

import static dev.userbatch.support.FaultSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.db.Clients;
import dev.userbatch.support.TestService;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: the relay's pass must cost what is pending, not what audit_log holds. Every lookup adds
 * an audit row, so a pass that joined the pending events to the whole audit_log (a hash join over a
 * sequential scan, chosen whenever the planner expected many pending events) grew slower with every
 * request the service had ever answered; the event's audit row is read by its key instead.
 */
class OutboxPendingPlanTest {

  @Test
  void thePendingQueryReadsAuditRowsByKeyWhateverTheSizeOfAuditLog() {
    Pool pg = TestService.shared().pg;
    SqlConnection conn = await(pg.getConnection(), 30);
    try {
      Transaction tx = await(conn.begin(), 10);
      try {
        // A large audit_log (finished lookups) and many pending events, analysed as such: the
        // statistics under which the joined query scanned the whole audit_log. Rolled back below.
        await(
            conn.query(
                    "INSERT INTO audit_log (id, operation, total, successful, finished_at, outcome) "
                        + "SELECT gen_random_uuid(), 'read', 1, 1, now(), 'success' "
                        + "FROM generate_series(1, 60000)")
                .execute(),
            60);
        await(
            conn.query(
                    "WITH a AS (INSERT INTO audit_log (id, operation, total) "
                        + "SELECT gen_random_uuid(), 'create', 1 FROM generate_series(1, 5000) "
                        + "RETURNING id) "
                        + "INSERT INTO outbox_events (event_id, type) "
                        + "SELECT id, 'USERS_BATCH_CREATED' FROM a")
                .execute(),
            60);
        await(conn.query("ANALYZE audit_log").execute(), 60);
        await(conn.query("ANALYZE outbox_events").execute(), 60);

        StringBuilder plan = new StringBuilder();
        for (Row row :
            await(
                conn.preparedQuery("EXPLAIN " + OutboxRows.PENDING)
                    .execute(
                        Tuple.tuple()
                            .addArrayOfUUID(new UUID[] {UUID.randomUUID()})
                            .addInteger(OutboxRelayVerticle.TAKEOVER_SECONDS)
                            .addInteger(OutboxRelayVerticle.STALE_BATCH_SECONDS)
                            .addInteger(200)),
                30)) {
          plan.append(row.getString(0)).append('\n');
        }
        assertThat(plan.toString())
            .as("plan of the relay's PENDING query")
            .doesNotContain("Seq Scan on audit_log")
            .contains("Index Scan using audit_log_pkey on audit_log");
      } finally {
        await(tx.rollback(), 30);
      }
    } finally {
      await(conn.close(), 10);
    }
  }

  @Test
  void theServiceConnectionsDoNotJitCompileTheirQueries() {
    TestService shared = TestService.shared();
    Pool relay = Clients.relayPool(shared.clientVertx, shared.app.config());
    Pool requests = Clients.requestPool(shared.clientVertx, shared.app.config());
    Pool chunks = Clients.chunkPool(shared.clientVertx, shared.app.config());
    for (Pool pool : new Pool[] {relay, requests, chunks}) {
      Row row = await(pool.query("SHOW jit").execute(), 30).iterator().next();
      assertThat(row.getString(0)).isEqualTo("off");
      await(pool.close(), 10);
    }
  }
}
