package dev.userbatch.events;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/** Writes a chunk's share of its batch's event, inside the chunk's transaction. */
public final class Outbox {
  static final String RECORD_CHUNK =
      "INSERT INTO outbox_events (event_id, type, user_ids) VALUES ($1, $2, $3::uuid[]) "
          + "ON CONFLICT (event_id) DO UPDATE SET user_ids = outbox_events.user_ids || EXCLUDED.user_ids, "
          + "updated_at = now()";

  private Outbox() {
  }

  public static Future<Void> recordChunk(SqlConnection conn, UUID batchId, String operation, UUID[] changedUserIds) {
    String type = EventTypes.of(operation);
    if (batchId == null || type == null || changedUserIds.length == 0) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(RECORD_CHUNK)
        .execute(Tuple.tuple().addUUID(batchId).addString(type).addArrayOfUUID(changedUserIds))
        .mapEmpty();
  }
}
