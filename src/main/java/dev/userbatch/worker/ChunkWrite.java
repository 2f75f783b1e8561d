package dev.userbatch.worker;

import dev.userbatch.batch.ChunkOutcome;
import dev.userbatch.user.User;
import java.util.List;
import java.util.UUID;

/**
 * What a write chunk did inside its transaction: the per-item outcome, and the users it changed (as
 * they are now), which the audit row and, after the commit, the cache learn about. {@code deletes}
 * says the changed users were soft-deleted (the cache gets tombstones).
 */
record ChunkWrite(ChunkOutcome<?> outcome, List<User> changed, boolean deletes) {

  static ChunkWrite of(ChunkOutcome<?> outcome, List<User> changed) {
    return new ChunkWrite(outcome, changed, false);
  }

  UUID[] changedIds() {
    return changed.stream().map(User::id).toArray(UUID[]::new);
  }
}
