package dev.userbatch.worker;

import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import io.vertx.core.Future;

/** Processes one chunk of one operation. A failed future means the whole chunk failed. */
public interface ChunkHandler {
  Future<ChunkResult> process(ChunkRequest chunk);
}
