package dev.userbatch.batch;

import java.util.List;
import java.util.function.IntFunction;

/**
 * A request after validation: the items to dispatch (in input order), the items that already
 * failed or were skipped, the repeats that were folded into an earlier item, and a way to show any input item
 * with its secrets redacted for the response.
 */
public record PreparedBatch(
    List<PreparedItem> items,
    List<ItemFailure> failures,
    List<ItemFailure> skipped,
    List<DuplicateItem> duplicates,
    int inputSize,
    IntFunction<Object> redactedItem) {

  /** Items that count: every input item except folded repeats. */
  public int total() {
    return inputSize - duplicates.size();
  }
}
