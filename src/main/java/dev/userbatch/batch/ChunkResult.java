package dev.userbatch.batch;

import dev.userbatch.user.User;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A worker's answer for one chunk: the users the processed items produced, in chunk order, the
 * failed items, the skipped items (create with {@code onConflict: skip}) and, for lookups, the ids
 * that do not exist. Every item of the chunk is in exactly one of them. {@code replayed}: the chunk
 * had committed on an earlier delivery, and this is its recorded result (the users as they are
 * now), not a second application.
 */
public record ChunkResult(
    List<User> data,
    List<ItemFailure> failures,
    List<ItemFailure> skipped,
    List<UUID> missing,
    boolean replayed) {

  public ChunkResult(
      List<User> data, List<ItemFailure> failures, List<ItemFailure> skipped, List<UUID> missing) {
    this(data, failures, skipped, missing, false);
  }

  public ChunkResult(List<User> data, List<ItemFailure> failures, List<UUID> missing) {
    this(data, failures, List.of(), missing);
  }

  JsonObject toJson() {
    JsonArray users = new JsonArray(new ArrayList<>(data.size()));
    data.forEach(user -> users.add(user.toJson()));
    JsonArray ids = new JsonArray(new ArrayList<>(missing.size()));
    missing.forEach(id -> ids.add(id.toString()));
    return new JsonObject()
        .put("data", users)
        .put("failures", ItemFailure.toJsonArray(failures))
        .put("skipped", ItemFailure.toJsonArray(skipped))
        .put("missing", ids)
        .put("replayed", replayed);
  }

  static ChunkResult fromJson(JsonObject json) {
    JsonArray users = json.getJsonArray("data");
    List<User> data = new ArrayList<>(users.size());
    for (int i = 0; i < users.size(); i++) {
      data.add(User.fromJson(users.getJsonObject(i)));
    }
    JsonArray ids = json.getJsonArray("missing");
    List<UUID> missing = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      missing.add(UUID.fromString(ids.getString(i)));
    }
    return new ChunkResult(
        List.copyOf(data),
        ItemFailure.fromJsonArray(json.getJsonArray("failures")),
        ItemFailure.fromJsonArray(json.getJsonArray("skipped")),
        List.copyOf(missing),
        json.getBoolean("replayed", false));
  }
}
