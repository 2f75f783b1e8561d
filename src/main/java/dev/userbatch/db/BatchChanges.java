package dev.userbatch.db;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * One row per committed write chunk, written inside the chunk's transaction (table {@code
 * batch_changes}, keyed by the chunk key: scope and index): the users the chunk changed, which the
 * audit trail and the outbox event of the batch are built from, so that neither can name a change
 * that did not commit, nor miss one that did; and the chunk's per-item result, its completion
 * record, which a later delivery of the same key answers instead of applying the chunk again.
 *
 * <p>The insert is plain: a second delivery that runs while the first one commits fails on the
 * primary key (23505), its transaction rolls back, and its retry finds the first one's record.
 */
public final class BatchChanges {
  static final String RECORD =
      "INSERT INTO batch_changes (batch_id, chunk_number, user_ids, result) "
          + "VALUES ($1, $2, $3::uuid[], $4::jsonb)";

  static final String RECORDED =
      "SELECT result FROM batch_changes WHERE batch_id = $1 AND chunk_number = $2";

  /** All users a batch changed, as an SQL expression over the batch id in {@code $1}. */
  public static final String USER_IDS_OF_BATCH =
      "(SELECT coalesce(array_agg(u ORDER BY c.chunk_number), '{}') FROM batch_changes c, unnest(c.user_ids) u "
          + "WHERE c.batch_id = %s)";

  private BatchChanges() {}

  public static Future<Void> record(
      SqlConnection conn, UUID scope, int index, UUID[] changedUserIds, JsonObject result) {
    return conn.preparedQuery(RECORD)
        .execute(
            Tuple.tuple()
                .addUUID(scope)
                .addInteger(index)
                .addArrayOfUUID(changedUserIds)
                .addValue(result))
        .mapEmpty();
  }

  /**
   * The recorded result of a chunk key; null when no delivery of it committed. A row written before
   * results were recorded answers an empty object.
   */
  public static Future<JsonObject> recorded(SqlClient client, UUID scope, int index) {
    return client
        .preparedQuery(RECORDED)
        .execute(Tuple.of(scope, index))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return null;
              }
              Row row = rows.iterator().next();
              JsonObject result = row.getJsonObject("result");
              return result == null ? new JsonObject() : result;
            });
  }
}
