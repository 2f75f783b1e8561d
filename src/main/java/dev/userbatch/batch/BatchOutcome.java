package dev.userbatch.batch;

import io.vertx.core.json.JsonArray;

import java.util.List;

/** Everything the coordinator learnt about one batch, before it is shaped into a response. */
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
    boolean stoppedEarly) {

  public int successful() {
    return data.size();
  }
}
