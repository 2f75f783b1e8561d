package dev.userbatch.job;

import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.ItemFailure;
import dev.userbatch.db.BatchChanges;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/**
 * The end of a job that stopped early (cancelled, failed, or continueOnError false): every chunk
 * not done is recorded done with its items NOT_PROCESSED, a chunk at a time, so that the failures
 * list them with their lines, the counts add up, and no staged secret outlives the job. A chunk
 * that committed on a delivery whose outcome the job never recorded (its node died meanwhile) is
 * recorded with that outcome, read from the chunk's completion record. Run again after a crash, it
 * goes on with the chunks still not done.
 */
final class NotProcessedSweep {
  private static final int PAGE = 500;

  private final JobStore store;
  private final JobRecord job;
  private final String reason;

  NotProcessedSweep(JobStore store, JobRecord job, String reason) {
    this.store = store;
    this.job = job;
    this.reason = reason;
  }

  Future<Void> run() {
    return page(-1);
  }

  private Future<Void> page(int after) {
    return store
        .pendingChunks(job.id(), after, Integer.MAX_VALUE, PAGE)
        .compose(
            chunks -> {
              if (chunks.isEmpty()) {
                return Future.succeededFuture();
              }
              Future<Void> swept = sweep(chunks, 0);
              return chunks.size() < PAGE
                  ? swept
                  : swept.compose(ignored -> page(chunks.get(chunks.size() - 1)));
            });
  }

  /** A chunk that did commit: what its completion record says. */
  private ChunkCompletion committed(ChunkBody chunk, JsonObject record) {
    JsonArray users = record.getJsonArray("users");
    UUID[] ids = new UUID[users.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = UUID.fromString(users.getString(i));
    }
    List<StagedFailure> failures =
        ItemFailure.fromJsonArray(record.getJsonArray("failures")).stream()
            .map(failure -> JobRun.staged(job, chunk, failure))
            .toList();
    int skipped = ItemFailure.fromJsonArray(record.getJsonArray("skipped")).size();
    return new ChunkCompletion(chunk.chunk(), ids, ids.length, skipped, failures);
  }

  private Future<Void> sweep(List<Integer> chunks, int at) {
    if (at == chunks.size()) {
      return Future.succeededFuture();
    }
    int chunk = chunks.get(at);
    return store
        .chunkBody(job.id(), chunk)
        .compose(
            body -> {
              if (body == null) {
                return Future.succeededFuture();
              }
              ChunkBody staged = ChunkBody.decode(chunk, body, job.operation());
              return BatchChanges.recorded(store.pool(), job.id(), chunk)
                  .compose(
                      record ->
                          store.completeChunk(
                              job.id(),
                              record == null || record.getJsonArray("users") == null
                                  ? JobRun.wholeChunkFailed(
                                      job, staged, ErrorCode.NOT_PROCESSED, reason)
                                  : committed(staged, record),
                              false))
                  .<Void>mapEmpty();
            })
        .compose(ignored -> sweep(chunks, at + 1));
  }
}
