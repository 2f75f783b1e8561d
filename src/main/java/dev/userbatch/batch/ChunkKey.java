package dev.userbatch.batch;

import java.util.Objects;
import java.util.UUID;

/**
 * Names one chunk of work across its deliveries: the same key on every send of the same chunk, and
 * a key never reused for different work. A synchronous batch keys its chunks by batch id and chunk
 * number; an import job by job id and chunk index. A write chunk with a key commits a completion
 * record under it in its own transaction (table {@code batch_changes}, see {@code
 * worker.ChunkCompletions}), and a delivery whose key already committed answers the recorded result
 * instead of applying the chunk again.
 *
 * @param scope what the chunks belong to (the batch or the job); also the {@code batch_id} its
 *     change records are grouped under
 * @param index the chunk's position in its scope, from 0
 */
public record ChunkKey(UUID scope, int index) {
  public ChunkKey {
    Objects.requireNonNull(scope, "scope");
    if (index < 0) {
      throw new IllegalArgumentException("A chunk index is never negative, got " + index);
    }
  }

  @Override
  public String toString() {
    return scope + "/" + index;
  }
}
