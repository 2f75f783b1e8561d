package dev.userbatch.batch;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * A worker's answer for one chunk: the processed items' results in chunk order, the failed items,
 * and, for lookups, the ids that do not exist. Every item of the chunk is in exactly one of them.
 */
public record ChunkResult(JsonArray data, List<ItemFailure> failures, JsonArray missing) {

  public JsonObject toJson() {
    JsonArray failed = new JsonArray();
    failures.forEach(f -> failed.add(f.toJson()));
    return new JsonObject().put("data", data).put("failures", failed).put("missing", missing);
  }

  public static ChunkResult fromJson(JsonObject json) {
    List<ItemFailure> failures = new ArrayList<>();
    for (Object f : json.getJsonArray("failures")) {
      failures.add(ItemFailure.fromJson((JsonObject) f));
    }
    return new ChunkResult(json.getJsonArray("data"), List.copyOf(failures), json.getJsonArray("missing"));
  }
}
