package dev.userbatch.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * The users each write chunk changed, recorded inside the chunk's transaction (table {@code
 * batch_changes}): what the audit trail and the outbox event of the batch are built from, so that
 * neither can name a change that did not commit, nor miss one that did.
 */
public final class BatchChanges {
  static final String RECORD =
      "INSERT INTO batch_changes (batch_id, chunk_number, user_ids) VALUES ($1, $2, $3::uuid[]) "
          + "ON CONFLICT (batch_id, chunk_number) DO UPDATE SET user_ids = EXCLUDED.user_ids";

  /** All users a batch changed, as an SQL expression over the batch id in {@code $1}. */
  public static final String USER_IDS_OF_BATCH =
      "(SELECT coalesce(array_agg(u ORDER BY c.chunk_number), '{}') FROM batch_changes c, unnest(c.user_ids) u "
          + "WHERE c.batch_id = %s)";

  private BatchChanges() {}

  public static Future<Void> record(
      SqlConnection conn, UUID batchId, int chunkNumber, UUID[] changedUserIds) {
    if (batchId == null || changedUserIds.length == 0) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(RECORD)
        .execute(
            Tuple.tuple().addUUID(batchId).addInteger(chunkNumber).addArrayOfUUID(changedUserIds))
        .mapEmpty();
  }
}
