package dev.userbatch.worker;

import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import io.vertx.core.Future;

/**
 * Processes one chunk of one operation. A failed future means the whole chunk failed. Writes
 * must be over (committed or rolled back) by the deadline.
 */
public interface ChunkHandler {
  Future<ChunkResult> process(ChunkRequest chunk, Deadline deadline);
}
