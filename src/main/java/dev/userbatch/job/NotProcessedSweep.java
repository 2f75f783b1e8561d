package dev.userbatch.job;

import dev.userbatch.batch.ErrorCode;
import io.vertx.core.Future;
import java.util.List;

/**
 * The end of a job that stopped early (cancelled, failed, or continueOnError false): every chunk
 * not done is recorded done with its items NOT_PROCESSED, a chunk at a time, so that the failures
 * list them with their lines, the counts add up, and no staged secret outlives the job. Run again
 * after a crash, it goes on with the chunks still not done.
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
              ChunkCompletion none =
                  JobRun.wholeChunkFailed(job, staged, ErrorCode.NOT_PROCESSED, reason);
              return store.completeChunk(job.id(), none, false).<Void>mapEmpty();
            })
        .compose(ignored -> sweep(chunks, at + 1));
  }
}
