package dev.userbatch.batch;

import dev.userbatch.user.User;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects what happened to each item of one chunk and builds the reply in chunk order. An item
 * that no step decided is reported as an internal error, so every item is always accounted for.
 */
public final class ChunkOutcome<T extends ChunkItem> {
  private final ChunkRequest<T> chunk;
  private final Map<Integer, User> succeeded = new HashMap<>();
  private final Map<Integer, ItemFailure> failed = new HashMap<>();
  private final Map<Integer, ItemFailure> skipped = new HashMap<>();

  public ChunkOutcome(ChunkRequest<T> chunk) {
    this.chunk = chunk;
  }

  public void succeed(PreparedItem<T> item, User result) {
    succeeded.put(item.index(), result);
  }

  public void fail(PreparedItem<T> item, ErrorCode code, String error) {
    failed.put(item.index(), ItemFailure.of(item.index(), code, error));
  }

  public void fail(PreparedItem<T> item, ErrorCode code, String error, String path) {
    failed.put(item.index(), new ItemFailure(item.index(), null, error, code, path));
  }

  /** Not done and not a failure: create with {@code onConflict: skip} and an existing email. */
  public void skip(PreparedItem<T> item, ErrorCode code, String reason, String path) {
    skipped.put(item.index(), new ItemFailure(item.index(), null, reason, code, path));
  }

  public boolean isDecided(PreparedItem<T> item) {
    return succeeded.containsKey(item.index())
        || failed.containsKey(item.index())
        || skipped.containsKey(item.index());
  }

  public boolean hasFailures() {
    return !failed.isEmpty() || succeeded.size() + skipped.size() < chunk.items().size();
  }

  /** The reply for a chunk whose transaction committed (or, in a dry run, would have). */
  public ChunkResult build() {
    return build(null);
  }

  /**
   * The reply for an atomic chunk that was rolled back because some item failed: the items that
   * would have succeeded are reported as not processed, with the reason.
   */
  public ChunkResult buildRolledBack(String reason) {
    return build(reason);
  }

  private ChunkResult build(String rolledBackReason) {
    List<User> data = new ArrayList<>(succeeded.size());
    List<ItemFailure> failures = new ArrayList<>();
    List<ItemFailure> skips = new ArrayList<>();
    for (PreparedItem<T> item : chunk.items()) {
      User result = succeeded.get(item.index());
      ItemFailure failure = failed.get(item.index());
      ItemFailure skip = skipped.get(item.index());
      if (failure != null) {
        failures.add(failure);
      } else if (rolledBackReason != null && (result != null || skip != null)) {
        failures.add(ItemFailure.of(item.index(), ErrorCode.NOT_PROCESSED, rolledBackReason));
      } else if (skip != null) {
        skips.add(skip);
      } else if (result != null) {
        data.add(result);
      } else {
        failures.add(
            ItemFailure.of(
                item.index(), ErrorCode.INTERNAL, "Internal error: the item was not processed"));
      }
    }
    return new ChunkResult(data, failures, skips, List.of());
  }
}
