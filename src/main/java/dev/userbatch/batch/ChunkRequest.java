package dev.userbatch.batch;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * One chunk of work sent to a worker over the event bus. Immutable once built; everything in it
 * is decided before it is sent (create ids included), so sending the same chunk twice is safe.
 */
public record ChunkRequest(String operation, int chunkNumber, List<PreparedItem> items) {

  public JsonObject toJson() {
    JsonArray indexes = new JsonArray();
    JsonArray values = new JsonArray();
    for (PreparedItem item : items) {
      indexes.add(item.index());
      values.add(item.value());
    }
    return new JsonObject()
        .put("operation", operation)
        .put("chunkNumber", chunkNumber)
        .put("indexes", indexes)
        .put("items", values);
  }

  public static ChunkRequest fromJson(JsonObject json) {
    JsonArray indexes = json.getJsonArray("indexes");
    JsonArray values = json.getJsonArray("items");
    List<PreparedItem> items = new ArrayList<>(indexes.size());
    for (int i = 0; i < indexes.size(); i++) {
      items.add(new PreparedItem(indexes.getInteger(i), values.getValue(i)));
    }
    return new ChunkRequest(json.getString("operation"), json.getInteger("chunkNumber"), List.copyOf(items));
  }
}
