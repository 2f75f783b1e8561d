package dev.userbatch.batch;

import dev.userbatch.user.User;
import java.util.List;
import java.util.UUID;

/**
 * Everything the coordinator learnt about one batch, before it is shaped into a response. {@code
 * data} holds the users the processed items produced, in input order; {@code chunks} is how many
 * chunks the batch was split into; {@code processedChunkSizes} the size of each chunk that was sent
 * to a worker (a batch that stopped early sends fewer).
 */
public record BatchOutcome(
    Operation operation,
    BatchOptions options,
    int total,
    List<User> data,
    List<ItemFailure> failures,
    List<ItemFailure> skipped,
    List<DuplicateItem> duplicates,
    List<UUID> missing,
    int chunks,
    List<Integer> processedChunkSizes,
    boolean stoppedEarly) {

  public int successful() {
    return data.size();
  }
}
