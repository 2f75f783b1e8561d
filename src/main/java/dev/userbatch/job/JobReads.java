package dev.userbatch.job;

import dev.userbatch.user.User;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * The two long reads of a job, a page at a time (each page one statement, rendered as NDJSON): its
 * failures by item index, and the users its done chunks produced, in upload order, as they are now.
 */
public final class JobReads {
  static final String FAILURES_PAGE =
      "SELECT idx, line, item, code, error, path FROM import_job_failures "
          + "WHERE job_id = $1 AND idx > $2 ORDER BY idx LIMIT $3";

  static final String RESULTS_PAGE =
      "SELECT c.chunk, u.id, u.email, u.name, u.version, u.created_at, u.updated_at, "
          + "u.last_login_at, u.deleted_at FROM import_job_chunks c "
          + "CROSS JOIN LATERAL unnest(c.succeeded_ids) WITH ORDINALITY AS x(id, n) "
          + "JOIN users u ON u.id = x.id "
          + "WHERE c.job_id = $1 AND c.chunk > $2 AND c.chunk <= $3 AND c.done_at IS NOT NULL "
          + "ORDER BY c.chunk, x.n";

  /** Chunks per page of results: at most 20,000 users at the largest chunk size. */
  public static final int RESULT_CHUNKS_PER_PAGE = 20;

  private final Pool pool;

  public JobReads(Pool pool) {
    this.pool = pool;
  }

  /** A page of failure lines, and the index to continue after (-1 when this was the last page). */
  public record Page(Buffer ndjson, int next) {}

  public Future<Page> failures(java.util.UUID jobId, int after, int limit) {
    return pool.preparedQuery(FAILURES_PAGE)
        .execute(Tuple.of(jobId, after, limit))
        .map(
            rows -> {
              Buffer out = Buffer.buffer();
              int last = -1;
              for (Row row : rows) {
                last = row.getInteger("idx");
                String item = row.getString("item");
                JsonObject line =
                    new JsonObject()
                        .put("line", row.getInteger("line"))
                        .put("index", last)
                        .put("item", item == null ? null : Json.decodeValue(item))
                        .put("code", row.getString("code"))
                        .put("error", row.getString("error"));
                if (row.getString("path") != null) {
                  line.put("path", row.getString("path"));
                }
                out.appendBuffer(line.toBuffer()).appendByte((byte) '\n');
              }
              return new Page(out, rows.size() < limit ? -1 : last);
            });
  }

  /** The users of chunks {@code (after, after + RESULT_CHUNKS_PER_PAGE]}. */
  public Future<Buffer> results(java.util.UUID jobId, int after) {
    return pool.preparedQuery(RESULTS_PAGE)
        .execute(Tuple.of(jobId, after, after + RESULT_CHUNKS_PER_PAGE))
        .map(
            rows -> {
              Buffer out = Buffer.buffer();
              for (Row row : rows) {
                out.appendBuffer(User.fromRow(row).toJson().toBuffer()).appendByte((byte) '\n');
              }
              return out;
            });
  }
}
