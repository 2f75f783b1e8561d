package dev.userbatch.retention;

import dev.userbatch.config.StorageConfig;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Deletes what is kept no longer: expired idempotency keys, and audit rows, change records and
 * relayed outbox events older than their configured retention (0 days: kept forever).
 *
 * <p>Rows go in bounded batches ({@code DELETE … WHERE ctid IN (SELECT ctid … LIMIT n)}), each its
 * own short statement, so a large backlog never holds locks or bloats one transaction. Only one
 * node purges at a time: the pass holds a session advisory lock and is skipped where another node
 * holds it. Nothing that is still needed goes: an event not yet relayed keeps its outbox row, its
 * audit row and its change records; a batch still running keeps its change records.
 */
public final class RetentionPurge {
  /** The advisory lock of the purge ("userbatch" in ASCII); Flyway's lock keys differ. */
  static final long LOCK_KEY = 0x7573657262617463L;

  /** A bound on the statements of one pass, so one pass always ends; the next one continues. */
  private static final int MAX_BATCHES_PER_TABLE = 10_000;

  private static final String PENDING_EVENT =
      "EXISTS (SELECT 1 FROM outbox_events o WHERE o.event_id = %s "
          + "AND (o.bus_published_at IS NULL OR o.stream_published_at IS NULL))";

  static final String PURGE_IDEMPOTENCY =
      "DELETE FROM idempotency_keys WHERE ctid IN "
          + "(SELECT ctid FROM idempotency_keys WHERE expires_at < now() LIMIT $1)";
  static final String PURGE_AUDIT =
      "DELETE FROM audit_log WHERE ctid IN (SELECT ctid FROM audit_log t "
          + "WHERE coalesce(t.finished_at, t.started_at) < now() - make_interval(days => $2) "
          + "AND NOT "
          + PENDING_EVENT.formatted("t.id")
          + " LIMIT $1)";
  static final String PURGE_BATCH_CHANGES =
      "DELETE FROM batch_changes WHERE ctid IN (SELECT ctid FROM batch_changes t "
          + "WHERE t.created_at < now() - make_interval(days => $2) "
          + "AND NOT "
          + PENDING_EVENT.formatted("t.batch_id")
          + " "
          + "AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.id = t.batch_id AND a.finished_at IS NULL) LIMIT $1)";
  static final String PURGE_OUTBOX =
      "DELETE FROM outbox_events WHERE ctid IN (SELECT ctid FROM outbox_events t "
          + "WHERE t.bus_published_at IS NOT NULL AND t.stream_published_at IS NOT NULL "
          + "AND t.created_at < now() - make_interval(days => $2) LIMIT $1)";

  /** One table's rule; {@code days} null: the rule has no age parameter. */
  private record Rule(String table, String sql, Integer days) {}

  private final Pool pool;
  private final int batchSize;
  private final List<Rule> rules = new ArrayList<>();

  public RetentionPurge(Pool pool, StorageConfig config) {
    this.pool = pool;
    this.batchSize = config.purgeBatchSize();
    rules.add(new Rule("idempotency_keys", PURGE_IDEMPOTENCY, null));
    // Outbox rows first: an audit row or change record is kept while its event is pending.
    addIfKept(new Rule("outbox_events", PURGE_OUTBOX, config.retentionOutboxDays()));
    addIfKept(new Rule("audit_log", PURGE_AUDIT, config.retentionAuditDays()));
    addIfKept(new Rule("batch_changes", PURGE_BATCH_CHANGES, config.retentionBatchChangesDays()));
  }

  private void addIfKept(Rule rule) {
    if (rule.days() > 0) {
      rules.add(rule);
    }
  }

  /** One pass: the rows deleted per table, or empty when another node holds the purge lock. */
  public Future<Optional<Map<String, Long>>> runOnce() {
    return pool.withConnection(
        conn ->
            conn.preparedQuery("SELECT pg_try_advisory_lock($1) AS locked")
                .execute(Tuple.of(LOCK_KEY))
                .compose(
                    rows -> {
                      if (!rows.iterator().next().getBoolean("locked")) {
                        return Future.succeededFuture(Optional.<Map<String, Long>>empty());
                      }
                      Map<String, Long> deleted = new LinkedHashMap<>();
                      return purgeAll(conn, 0, deleted)
                          .eventually(
                              () ->
                                  conn.preparedQuery("SELECT pg_advisory_unlock($1)")
                                      .execute(Tuple.of(LOCK_KEY)))
                          .map(ignored -> Optional.of(deleted));
                    }));
  }

  private Future<Void> purgeAll(SqlConnection conn, int index, Map<String, Long> deleted) {
    if (index == rules.size()) {
      return Future.succeededFuture();
    }
    Rule rule = rules.get(index);
    return purgeTable(conn, rule, 0, 0L)
        .compose(
            count -> {
              deleted.put(rule.table(), count);
              return purgeAll(conn, index + 1, deleted);
            });
  }

  private Future<Long> purgeTable(SqlConnection conn, Rule rule, int batches, long sofar) {
    Tuple params = rule.days() == null ? Tuple.of(batchSize) : Tuple.of(batchSize, rule.days());
    return conn.preparedQuery(rule.sql())
        .execute(params)
        .compose(
            rows -> {
              long total = sofar + rows.rowCount();
              return rows.rowCount() < batchSize || batches + 1 >= MAX_BATCHES_PER_TABLE
                  ? Future.succeededFuture(total)
                  : purgeTable(conn, rule, batches + 1, total);
            });
  }
}
