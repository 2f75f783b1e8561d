package dev.userbatch.worker;

import dev.userbatch.batch.ChunkOutcome;
import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.PreparedItem;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Helpers for chunks whose items are user ids (read with {@link ReadItems#ids}). */
final class IdChunks {
  private IdChunks() {
  }

  static UUID[] ids(ReadItems<UUID> items) {
    return items.readable().stream().map(ReadItems.Read::value).toArray(UUID[]::new);
  }

  static Map<UUID, PreparedItem> byId(ReadItems<UUID> items) {
    Map<UUID, PreparedItem> byId = new HashMap<>();
    items.readable().forEach(read -> byId.put(read.value(), read.item()));
    return byId;
  }

  /** Each returned user view decides its item (found by the view's id) as a success. */
  static void succeedAll(ChunkOutcome outcome, Map<UUID, PreparedItem> byId, List<JsonObject> users) {
    for (JsonObject user : users) {
      outcome.succeed(byId.get(UUID.fromString(user.getString("id"))), user);
    }
  }

  static void failUndecided(ChunkRequest chunk, ChunkOutcome outcome, ErrorCode code, String error) {
    for (PreparedItem item : chunk.items()) {
      if (!outcome.isDecided(item)) {
        outcome.fail(item, code, error);
      }
    }
  }
}
