package dev.userbatch.batch;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * A worker's answer for one chunk: the processed items' results in chunk order, the failed items,
 * the skipped items (create with {@code onConflict: skip}) and, for lookups, the ids that do not
 * exist. Every item of the chunk is in exactly one of them.
 */
public record ChunkResult(JsonArray data, List<ItemFailure> failures, List<ItemFailure> skipped, JsonArray missing) {

  public ChunkResult(JsonArray data, List<ItemFailure> failures, JsonArray missing) {
    this(data, failures, List.of(), missing);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("data", data)
        .put("failures", ItemFailure.toJsonArray(failures))
        .put("skipped", ItemFailure.toJsonArray(skipped))
        .put("missing", missing);
  }

  public static ChunkResult fromJson(JsonObject json) {
    return new ChunkResult(json.getJsonArray("data"), ItemFailure.fromJsonArray(json.getJsonArray("failures")),
        ItemFailure.fromJsonArray(json.getJsonArray("skipped")), json.getJsonArray("missing"));
  }
}
