package dev.userbatch.job;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/** What one chunk of a job did, as {@link JobStore#completeChunk} records it. */
record ChunkCompletion(
    int chunk, UUID[] succeededIds, int succeeded, int skipped, List<StagedFailure> failures) {

  int processed() {
    return succeeded + skipped + failures.size();
  }

  JsonObject failuresByCode() {
    JsonObject counts = new JsonObject();
    for (StagedFailure failure : failures) {
      counts.put(failure.code(), counts.getInteger(failure.code(), 0) + 1);
    }
    return counts;
  }
}
