package dev.userbatch.worker;

import dev.userbatch.batch.ChunkKey;
import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.ItemFailure;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.db.BatchChanges;
import dev.userbatch.user.User;
import dev.userbatch.user.UserRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The completion records of keyed write chunks (see {@link ChunkKey}): written in the chunk's own
 * transaction, read back when the same key is delivered again.
 *
 * <p>A record keeps the per-item result without personal data: the ids of the users the chunk
 * produced, in chunk order, and the failed and skipped items (index, code, message, path). A replay
 * reads those users as they are now; the indexes of the succeeded items are the chunk's items that
 * neither failed nor were skipped, in order, exactly as {@code ChunkOutcome} built the first reply.
 */
final class ChunkCompletions {
  static final String NOT_RECORDED =
      "The chunk committed on an earlier delivery, before per-item results were recorded";
  static final String USER_GONE =
      "The chunk committed on an earlier delivery, but this user no longer exists";

  private final UserRepository repository;

  ChunkCompletions(UserRepository repository) {
    this.repository = repository;
  }

  /** Records {@code result} under the chunk's key, in the chunk's transaction; unkeyed: nothing. */
  static Future<Void> record(
      SqlConnection conn, ChunkRequest<?> chunk, UUID[] changedIds, ChunkResult result) {
    ChunkKey key = chunk.key();
    if (key == null) {
      return Future.succeededFuture();
    }
    JsonArray users = new JsonArray(new ArrayList<>(result.data().size()));
    result.data().forEach(user -> users.add(user.id().toString()));
    JsonObject record =
        new JsonObject()
            .put("users", users)
            .put("failures", ItemFailure.toJsonArray(result.failures()))
            .put("skipped", ItemFailure.toJsonArray(result.skipped()));
    return BatchChanges.record(conn, key.scope(), key.index(), changedIds, record);
  }

  /** The recorded result of the chunk's key, as a replayed reply; null when none committed. */
  Future<ChunkResult> recorded(SqlClient client, ChunkRequest<?> chunk) {
    ChunkKey key = chunk.key();
    if (key == null) {
      return Future.succeededFuture();
    }
    return BatchChanges.recorded(client, key.scope(), key.index())
        .compose(
            record -> record == null ? Future.succeededFuture() : replay(client, chunk, record));
  }

  private Future<ChunkResult> replay(SqlClient client, ChunkRequest<?> chunk, JsonObject record) {
    JsonArray ids = record.getJsonArray("users");
    if (ids == null) {
      List<ItemFailure> failures = new ArrayList<>();
      chunk
          .items()
          .forEach(i -> failures.add(ItemFailure.of(i.index(), ErrorCode.INTERNAL, NOT_RECORDED)));
      return Future.succeededFuture(
          new ChunkResult(List.of(), failures, List.of(), List.of(), true));
    }
    UUID[] userIds = new UUID[ids.size()];
    for (int i = 0; i < userIds.length; i++) {
      userIds[i] = UUID.fromString(ids.getString(i));
    }
    return repository
        .findAnyByIds(client, userIds)
        .map(found -> rebuild(chunk, record, userIds, found));
  }

  private static ChunkResult rebuild(
      ChunkRequest<?> chunk, JsonObject record, UUID[] userIds, List<User> found) {
    List<ItemFailure> failures =
        new ArrayList<>(ItemFailure.fromJsonArray(record.getJsonArray("failures")));
    List<ItemFailure> skipped = ItemFailure.fromJsonArray(record.getJsonArray("skipped"));
    Set<Integer> notDone = new HashSet<>();
    failures.forEach(f -> notDone.add(f.index()));
    skipped.forEach(f -> notDone.add(f.index()));
    Map<UUID, User> byId = new HashMap<>();
    found.forEach(user -> byId.put(user.id(), user));
    List<User> data = new ArrayList<>(userIds.length);
    int next = 0;
    for (PreparedItem<?> item : chunk.items()) {
      if (notDone.contains(item.index()) || next == userIds.length) {
        continue;
      }
      User user = byId.get(userIds[next++]);
      if (user != null) {
        data.add(user);
      } else {
        failures.add(ItemFailure.of(item.index(), ErrorCode.INTERNAL, USER_GONE));
      }
    }
    failures.sort((a, b) -> Integer.compare(a.index(), b.index()));
    return new ChunkResult(List.copyOf(data), List.copyOf(failures), skipped, List.of(), true);
  }
}
