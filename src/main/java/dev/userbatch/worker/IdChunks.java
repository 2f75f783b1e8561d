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

/** Helpers for chunks whose items are user ids (already validated and lower-cased). */
final class IdChunks {
  private IdChunks() {
  }

  static UUID[] ids(ChunkRequest chunk) {
    return chunk.items().stream().map(item -> UUID.fromString((String) item.value())).toArray(UUID[]::new);
  }

  static Map<String, PreparedItem> byId(ChunkRequest chunk) {
    Map<String, PreparedItem> byId = new HashMap<>();
    chunk.items().forEach(item -> byId.put((String) item.value(), item));
    return byId;
  }

  /** Each returned user view decides its item (found by the view's id) as a success. */
  static void succeedAll(ChunkOutcome outcome, Map<String, PreparedItem> byId, List<JsonObject> users) {
    for (JsonObject user : users) {
      outcome.succeed(byId.get(user.getString("id")), user);
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
