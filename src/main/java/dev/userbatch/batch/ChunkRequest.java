package dev.userbatch.batch;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One chunk of work sent to a worker over the event bus. Immutable once built; everything in it is
 * decided before it is sent (create ids included), so sending the same chunk twice is safe. {@code
 * batchId} names the batch (and its audit row) the chunk belongs to (null outside an audited
 * batch); {@code timeBudgetMs} is how long the worker may take before it must roll the chunk back
 * (a little less than the coordinator waits, so that a chunk reported as timed out is never
 * committed). Every item is of the operation's payload type: a chunk that mixes them cannot be
 * built.
 */
public record ChunkRequest<T extends ChunkItem>(
    Operation operation,
    UUID batchId,
    int chunkNumber,
    BatchOptions options,
    long timeBudgetMs,
    List<PreparedItem<T>> items) {

  public ChunkRequest {
    Class<? extends ChunkItem> type = operation.payload().type();
    for (PreparedItem<T> item : items) {
      if (!type.isInstance(item.value())) {
        throw new IllegalArgumentException(
            operation
                + " chunks carry "
                + type.getSimpleName()
                + " items, not "
                + item.value().getClass().getSimpleName());
      }
    }
    items = List.copyOf(items);
  }

  /**
   * This chunk, seen as carrying items of {@code type}: the one place where a chunk's item type is
   * checked against what a handler takes (the constructor made sure every item is of the
   * operation's type).
   */
  @SuppressWarnings("unchecked")
  public <U extends ChunkItem> ChunkRequest<U> carrying(Class<U> type) {
    if (operation.payload().type() != type) {
      throw new IllegalStateException(
          operation
              + " chunks carry "
              + operation.payload().type().getSimpleName()
              + " items, not "
              + type.getSimpleName());
    }
    return (ChunkRequest<U>) this;
  }

  JsonObject toJson() {
    JsonArray indexes = new JsonArray();
    JsonArray values = new JsonArray();
    for (PreparedItem<T> item : items) {
      indexes.add(item.index());
      values.add(operation.payload().encode(item.value()));
    }
    return new JsonObject()
        .put("operation", operation.wireName())
        .put("batchId", batchId == null ? null : batchId.toString())
        .put("chunkNumber", chunkNumber)
        .put("options", options.toJson())
        .put("timeBudgetMs", timeBudgetMs)
        .put("indexes", indexes)
        .put("items", values);
  }

  static ChunkRequest<?> fromJson(JsonObject json) {
    String name = json.getString("operation");
    Operation operation =
        Operation.fromWireName(name)
            .orElseThrow(() -> new IllegalArgumentException("Unknown operation " + name));
    return fromJson(json, operation, operation.payload());
  }

  private static <T extends ChunkItem> ChunkRequest<T> fromJson(
      JsonObject json, Operation operation, PayloadCodec<T> codec) {
    JsonArray indexes = json.getJsonArray("indexes");
    JsonArray values = json.getJsonArray("items");
    List<PreparedItem<T>> items = new ArrayList<>(indexes.size());
    for (int i = 0; i < indexes.size(); i++) {
      items.add(new PreparedItem<>(indexes.getInteger(i), codec.decode(values.getValue(i))));
    }
    String batchId = json.getString("batchId");
    return new ChunkRequest<>(
        operation,
        batchId == null ? null : UUID.fromString(batchId),
        json.getInteger("chunkNumber"),
        BatchOptions.fromJson(json.getJsonObject("options")),
        json.getLong("timeBudgetMs"),
        items);
  }
}
