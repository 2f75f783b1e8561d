package dev.userbatch.job;

import dev.userbatch.batch.ChunkItem;
import dev.userbatch.batch.Operation;
import dev.userbatch.batch.PreparedItem;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One staged chunk: its number and items, stored as JSON text in {@code import_job_chunks.body}:
 * {@code {"i":[indexes],"l":[lines],"v":[items in their chunk wire form]}}. The wire form is the
 * operation's own {@code PayloadCodec}, so the items a resumed job sends are exactly those staged
 * (create ids included).
 */
record ChunkBody(int chunk, List<StagedItem> items) {

  String encode(Operation operation) {
    JsonArray indexes = new JsonArray(new ArrayList<>(items.size()));
    JsonArray lines = new JsonArray(new ArrayList<>(items.size()));
    JsonArray values = new JsonArray(new ArrayList<>(items.size()));
    for (StagedItem item : items) {
      indexes.add(item.index());
      lines.add(item.line());
      values.add(operation.payload().encode(item.value()));
    }
    return new JsonObject().put("i", indexes).put("l", lines).put("v", values).encode();
  }

  static ChunkBody decode(int chunk, String text, Operation operation) {
    JsonObject json = new JsonObject(text);
    JsonArray indexes = json.getJsonArray("i");
    JsonArray lines = json.getJsonArray("l");
    JsonArray values = json.getJsonArray("v");
    List<StagedItem> items = new ArrayList<>(indexes.size());
    for (int i = 0; i < indexes.size(); i++) {
      items.add(
          new StagedItem(
              indexes.getInteger(i),
              lines.getInteger(i),
              operation.payload().decode(values.getValue(i))));
    }
    return new ChunkBody(chunk, items);
  }

  <T extends ChunkItem> List<PreparedItem<T>> prepared(Class<T> type) {
    List<PreparedItem<T>> prepared = new ArrayList<>(items.size());
    for (StagedItem item : items) {
      prepared.add(new PreparedItem<>(item.index(), type.cast(item.value())));
    }
    return prepared;
  }
}
