package dev.userbatch.batch;

import java.util.List;
import java.util.function.IntFunction;

/**
 * A request after validation: the items to dispatch (in input order), the items that already failed
 * or were skipped, the repeats that were folded into an earlier item, and a way to show any input
 * item with its secrets redacted for the response. {@code orderedChunks}: a chunk's outcome can
 * depend on an earlier chunk of the batch (an email one chunk frees and another claims), so the
 * chunks run one after another, in order, and the result does not depend on timing.
 */
public record PreparedBatch<T extends ChunkItem>(
    List<PreparedItem<T>> items,
    List<ItemFailure> failures,
    List<ItemFailure> skipped,
    List<DuplicateItem> duplicates,
    int inputSize,
    IntFunction<Object> redactedItem,
    boolean orderedChunks) {

  /** Items that count: every input item except folded repeats. */
  public int total() {
    return inputSize - duplicates.size();
  }
}
