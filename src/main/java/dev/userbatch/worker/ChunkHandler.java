package dev.userbatch.worker;

import dev.userbatch.batch.ChunkItem;
import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import io.vertx.core.Future;

/**
 * Processes one chunk of one operation, whose items are {@code T}s. A failed future means the whole
 * chunk failed. Writes must be over (committed or rolled back) by the deadline.
 */
interface ChunkHandler<T extends ChunkItem> {
  /** The payload type this handler takes: the operation table's payload type of its operation. */
  Class<T> itemType();

  Future<ChunkResult> process(ChunkRequest<T> chunk, Deadline deadline);
}
