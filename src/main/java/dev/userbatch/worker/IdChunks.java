package dev.userbatch.worker;

import dev.userbatch.batch.ChunkOutcome;
import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.batch.UserId;
import dev.userbatch.user.User;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Helpers for chunks whose items are user ids. */
final class IdChunks {
  private IdChunks() {}

  static UUID[] ids(ChunkRequest<UserId> chunk) {
    return chunk.items().stream().map(item -> item.value().id()).toArray(UUID[]::new);
  }

  static Map<UUID, PreparedItem<UserId>> byId(ChunkRequest<UserId> chunk) {
    Map<UUID, PreparedItem<UserId>> byId = new HashMap<>();
    chunk.items().forEach(item -> byId.put(item.value().id(), item));
    return byId;
  }

  /** Each returned user decides its item (found by the user's id) as a success. */
  static void succeedAll(
      ChunkOutcome<UserId> outcome, Map<UUID, PreparedItem<UserId>> byId, List<User> users) {
    for (User user : users) {
      outcome.succeed(byId.get(user.id()), user);
    }
  }

  static void failUndecided(
      ChunkRequest<UserId> chunk, ChunkOutcome<UserId> outcome, ErrorCode code, String error) {
    for (PreparedItem<UserId> item : chunk.items()) {
      if (!outcome.isDecided(item)) {
        outcome.fail(item, code, error);
      }
    }
  }
}
