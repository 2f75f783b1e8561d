package dev.userbatch.outbox;

import dev.userbatch.db.BatchChanges;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;

/** The outbox's SQL, and the event a pending row becomes. */
final class OutboxRows {
  private OutboxRows() {}

  /**
   * Events ready to relay, with the users their batch changed (from batch_changes). Each event's
   * audit row is read by its key (a LATERAL subquery that LIMIT keeps from being flattened into a
   * join): joined as a table, the planner hashed the whole audit_log, which grows with every
   * lookup, whenever its statistics promised many pending events, and each pass got slower with the
   * service's age.
   */
  static final String PENDING =
      "SELECT o.event_id, o.type, "
          + BatchChanges.USER_IDS_OF_BATCH.formatted("o.event_id")
          + " AS user_ids, "
          + "o.created_at, a.finished_at, "
          + "o.bus_published_at IS NOT NULL AS bus_done, o.stream_published_at IS NOT NULL AS stream_done, "
          + "a.actor, a.correlation_id, a.total, a.failed, o.payload::text AS payload "
          + "FROM outbox_events o LEFT JOIN LATERAL (SELECT l.finished_at, l.actor, l.correlation_id, "
          + "l.total, l.failed FROM audit_log l WHERE l.id = o.event_id LIMIT 1) a ON true "
          + "WHERE (o.bus_published_at IS NULL OR o.stream_published_at IS NULL) "
          + "AND (o.payload IS NOT NULL OR (a.finished_at IS NOT NULL AND o.event_id = ANY($1::uuid[])) "
          + "OR a.finished_at < now() - make_interval(secs => $2) "
          + "OR (a.finished_at IS NULL AND coalesce((SELECT max(c.created_at) FROM batch_changes c "
          + "WHERE c.batch_id = o.event_id), o.created_at) < now() - make_interval(secs => $3))) "
          + "ORDER BY o.created_at LIMIT $4 FOR UPDATE OF o SKIP LOCKED";

  /** A batch that changed nobody has no event: its row is closed without publishing. */
  static final String CLOSE_EMPTY =
      "UPDATE outbox_events SET bus_published_at = now(), stream_published_at = now() "
          + "WHERE event_id = ANY($1::uuid[])";

  static final String MARK_BUS =
      "UPDATE outbox_events SET bus_published_at = now() WHERE event_id = ANY($1::uuid[])";
  static final String MARK_STREAM =
      "UPDATE outbox_events SET stream_published_at = now() WHERE event_id = ANY($1::uuid[])";

  static Future<Void> mark(SqlConnection conn, String sql, List<UUID> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(sql)
        .execute(Tuple.tuple().addArrayOfUUID(ids.toArray(UUID[]::new)))
        .mapEmpty();
  }

  /**
   * An event that carries its own content (a job event): whatever user ids or audit row there are,
   * it is relayed at once, as written, with its id, type and time.
   */
  static boolean selfContained(Row row) {
    return row.getString("payload") != null;
  }

  static JsonObject event(Row row) {
    if (selfContained(row)) {
      return new JsonObject(row.getString("payload"))
          .put("eventId", row.getUUID("event_id").toString())
          .put("type", row.getString("type"))
          .put("timestamp", row.getOffsetDateTime("created_at").toInstant().toString());
    }
    JsonArray userIds = new JsonArray();
    UUID[] ids = row.getArrayOfUUIDs("user_ids");
    for (UUID id : ids) {
      userIds.add(id.toString());
    }
    Integer total = row.getInteger("total");
    Integer failed = row.getInteger("failed");
    return new JsonObject()
        .put("eventId", row.getUUID("event_id").toString())
        .put("type", row.getString("type"))
        .put("userIds", userIds)
        .put(
            "timestamp",
            (row.getOffsetDateTime("finished_at") != null
                    ? row.getOffsetDateTime("finished_at")
                    : row.getOffsetDateTime("created_at"))
                .toInstant()
                .toString())
        .put("correlationId", row.getString("correlation_id"))
        .put("actor", row.getString("actor"))
        .put(
            "counts",
            new JsonObject()
                .put("total", total)
                .put("successful", ids.length)
                .put("failed", failed));
  }
}
