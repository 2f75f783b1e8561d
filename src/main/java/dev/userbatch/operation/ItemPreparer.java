package dev.userbatch.operation;

import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.ChunkItem;
import dev.userbatch.batch.PreparedBatch;
import io.vertx.core.json.JsonArray;

/**
 * The request side of one operation: checks each item of a request on its own (schema, then the
 * rules a schema cannot say), normalises it into the operation's payload type, and reports the rest
 * (failures, skips, folded repeats). CPU work: it runs off the event loop.
 */
public interface ItemPreparer<T extends ChunkItem> {
  PreparedBatch<T> prepare(JsonArray items, BatchOptions options);
}
