package dev.userbatch.retention;

import static dev.userbatch.support.FaultSupport.await;
import static dev.userbatch.support.FaultSupport.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.config.ServiceConfig;
import dev.userbatch.support.FaultSupport;
import dev.userbatch.support.TestService;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 11d: audit rows, change records, relayed outbox events and expired idempotency
 * keys go after their retention, in bounded batches, on one node at a time; what is still needed
 * (an event not yet relayed, its audit row and change records) stays.
 */
class RetentionPurgeTest {
  private static final Map<String, String> RETENTION =
      Map.of(
          "RETENTION_AUDIT_DAYS",
          "10",
          "RETENTION_BATCH_CHANGES_DAYS",
          "10",
          "RETENTION_OUTBOX_DAYS",
          "10",
          "PURGE_BATCH_SIZE",
          "2");

  /** The rows of one seeded scenario. */
  record Seeded(UUID old, UUID recent, UUID pending, String expiredKey, String liveKey) {}

  private static void exec(String sql, Object... params) {
    await(TestService.shared().pg.preparedQuery(sql).execute(Tuple.from(params)), 10);
  }

  private static long count(String sql, Object... params) {
    return await(TestService.shared().pg.preparedQuery(sql).execute(Tuple.from(params)), 10)
        .iterator()
        .next()
        .getLong(0);
  }

  /**
   * old: a batch finished 400 days ago, event relayed 20 days ago (3 change records): all purged.
   * recent: finished yesterday: kept. pending: started 20 days ago, still running, its event not
   * yet relayed (its last change record is a minute old, so no relay takes it over): kept.
   */
  private static Seeded seed() {
    Seeded s =
        new Seeded(
            UUID.randomUUID(),
            UUID.randomUUID(),
            UUID.randomUUID(),
            "purge-expired-" + UUID.randomUUID(),
            "purge-live-" + UUID.randomUUID());
    String audit =
        "INSERT INTO audit_log (id, operation, total, started_at, finished_at) "
            + "VALUES ($1, 'create', 1, now() - make_interval(days => $2), now() - make_interval(days => $3))";
    exec(audit, s.old(), 400, 400);
    exec(audit, s.recent(), 1, 1);
    exec(
        "INSERT INTO audit_log (id, operation, total, started_at) VALUES ($1, 'create', 1, now() - interval '20 days')",
        s.pending());
    String change =
        "INSERT INTO batch_changes (batch_id, chunk_number, user_ids, created_at) "
            + "VALUES ($1, $2, ARRAY[gen_random_uuid()], now() - make_interval(mins => $3))";
    for (int chunk = 0; chunk < 3; chunk++) {
      exec(change, s.old(), chunk, 20 * 24 * 60);
    }
    exec(change, s.recent(), 0, 24 * 60);
    exec(change, s.pending(), 0, 20 * 24 * 60);
    exec(change, s.pending(), 1, 1);
    exec(
        "INSERT INTO outbox_events (event_id, type, created_at, bus_published_at, stream_published_at) "
            + "VALUES ($1, 'USERS_BATCH_CREATED', now() - interval '20 days', now(), now())",
        s.old());
    exec(
        "INSERT INTO outbox_events (event_id, type, created_at) "
            + "VALUES ($1, 'USERS_BATCH_CREATED', now() - interval '20 days')",
        s.pending());
    String key =
        "INSERT INTO idempotency_keys (actor, key, operation, request_hash, status, body, lease_until, expires_at) "
            + "VALUES ('purge-test', $1, 'create', 'x', 200, '{}', now(), now() + make_interval(hours => $2))";
    exec(key, s.expiredKey(), -1);
    exec(key, s.liveKey(), 1);
    return s;
  }

  private static long rowsOf(UUID batch) {
    return count(
        "SELECT (SELECT count(*) FROM audit_log WHERE id = $1) + (SELECT count(*) FROM batch_changes "
            + "WHERE batch_id = $1) + (SELECT count(*) FROM outbox_events WHERE event_id = $1)",
        batch);
  }

  private static long keys(String key) {
    return count("SELECT count(*) FROM idempotency_keys WHERE key = $1", key);
  }

  private static void assertPurged(Seeded s) {
    assertThat(rowsOf(s.old())).as("old batch: audit, 3 change records, relayed event").isZero();
    assertThat(keys(s.expiredKey())).isZero();
    assertThat(rowsOf(s.recent())).as("recent batch: audit and change record").isEqualTo(2);
    assertThat(rowsOf(s.pending()))
        .as("pending event: audit, 2 change records, event")
        .isEqualTo(4);
    assertThat(keys(s.liveKey())).isEqualTo(1);
  }

  @Test
  void theServicePurgesPeriodicallyWhatIsPastItsRetention() {
    Seeded seeded = seed();
    Map<String, String> env = new java.util.HashMap<>(RETENTION);
    env.put("PURGE_INTERVAL_MS", "200");
    TestService service = FaultSupport.startService(env, null, null);
    try {
      assertThat(waitFor(20_000, () -> rowsOf(seeded.old()) == 0 && keys(seeded.expiredKey()) == 0))
          .as("the purge job ran")
          .isTrue();
      assertPurged(seeded);
    } finally {
      service.close();
    }
  }

  @Test
  void onePassDeletesInBoundedBatchesAndIsSkippedWhileAnotherNodeHoldsTheLock() {
    Seeded seeded = seed();
    ServiceConfig config = ServiceConfig.load(RETENTION);
    RetentionPurge purge = new RetentionPurge(TestService.shared().pg, config.storage());
    SqlConnection otherNode = await(TestService.shared().pg.getConnection(), 10);
    try {
      await(
          otherNode
              .preparedQuery("SELECT pg_advisory_lock($1)")
              .execute(Tuple.of(RetentionPurge.LOCK_KEY)),
          10);
      assertThat(await(purge.runOnce(), 30)).as("skipped while another node purges").isEmpty();
      assertThat(rowsOf(seeded.old())).isEqualTo(5);
      await(
          otherNode
              .preparedQuery("SELECT pg_advisory_unlock($1)")
              .execute(Tuple.of(RetentionPurge.LOCK_KEY)),
          10);
    } finally {
      otherNode.close();
    }
    Optional<Map<String, Long>> deleted = await(purge.runOnce(), 30);
    assertThat(deleted).isPresent();
    assertThat(deleted.get().get("batch_changes"))
        .as("3 rows in batches of 2")
        .isGreaterThanOrEqualTo(3);
    assertPurged(seeded);
  }
}
