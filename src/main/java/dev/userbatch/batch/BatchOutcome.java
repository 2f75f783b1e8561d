package dev.userbatch.batch;

import io.vertx.core.json.JsonArray;

import java.util.List;

/**
 * Everything the coordinator learnt about one batch, before it is shaped into a response.
 * {@code chunks} is how many chunks the batch was split into; {@code processedChunkSizes} the
 * size of each chunk that was sent to a worker (a batch that stopped early sends fewer).
 */
public record BatchOutcome(
    BatchOperation operation,
    BatchOptions options,
    int total,
    JsonArray data,
    List<ItemFailure> failures,
    List<ItemFailure> skipped,
    List<DuplicateItem> duplicates,
    JsonArray missing,
    int chunks,
    List<Integer> processedChunkSizes,
    boolean stoppedEarly) {

  public int successful() {
    return data.size();
  }
}
