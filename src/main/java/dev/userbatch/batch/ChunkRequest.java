package dev.userbatch.batch;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One chunk of work sent to a worker over the event bus. Immutable once built; everything in it
 * is decided before it is sent (create ids included), so sending the same chunk twice is safe.
 * {@code batchId} names the batch (and its audit row) the chunk belongs to; {@code timeBudgetMs}
 * is how long the worker may take before it must roll the chunk back (a little less than the
 * coordinator waits, so that a chunk reported as timed out is never committed).
 */
public record ChunkRequest(String operation, String batchId, int chunkNumber, BatchOptions options,
                           long timeBudgetMs, List<PreparedItem> items) {

  public JsonObject toJson() {
    JsonArray indexes = new JsonArray();
    JsonArray values = new JsonArray();
    for (PreparedItem item : items) {
      indexes.add(item.index());
      values.add(item.value());
    }
    return new JsonObject()
        .put("operation", operation)
        .put("batchId", batchId)
        .put("chunkNumber", chunkNumber)
        .put("options", options.toJson())
        .put("timeBudgetMs", timeBudgetMs)
        .put("indexes", indexes)
        .put("items", values);
  }

  /** The batch id as a UUID, or null for chunks sent outside an audited batch. */
  public UUID batchUuid() {
    return batchId == null ? null : UUID.fromString(batchId);
  }

  public static ChunkRequest fromJson(JsonObject json) {
    JsonArray indexes = json.getJsonArray("indexes");
    JsonArray values = json.getJsonArray("items");
    List<PreparedItem> items = new ArrayList<>(indexes.size());
    for (int i = 0; i < indexes.size(); i++) {
      items.add(new PreparedItem(indexes.getInteger(i), values.getValue(i)));
    }
    return new ChunkRequest(json.getString("operation"), json.getString("batchId"), json.getInteger("chunkNumber"),
        BatchOptions.fromJson(json.getJsonObject("options")), json.getLong("timeBudgetMs"), List.copyOf(items));
  }
}
