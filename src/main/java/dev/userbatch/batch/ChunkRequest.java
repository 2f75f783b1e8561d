package dev.userbatch.batch;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One chunk of work sent to a worker over the event bus. Immutable once built; everything in it is
 * decided before it is sent (create ids included), so that every delivery of it asks for exactly
 * the same work.
 *
 * <p>{@code key} names the chunk across deliveries (see {@link ChunkKey}); null: no completion
 * record, the chunk is applied on every delivery (tests and tools only). {@code delivery} counts
 * the sends of this key, from 1: a delivery after the first may find that an earlier one committed,
 * and the worker looks for the completion record before doing any work (before hashing passwords).
 * A sender that cannot know whether an earlier send happened (a job resumed after a crash) sends
 * with {@code delivery} 2 or more. {@code timeBudgetMs} is how long the worker may take before it
 * must roll the chunk back (a little less than the coordinator waits, so that a chunk reported as
 * timed out is never committed). Every item is of the operation's payload type: a chunk that mixes
 * them cannot be built.
 */
public record ChunkRequest<T extends ChunkItem>(
    Operation operation,
    ChunkKey key,
    int delivery,
    BatchOptions options,
    long timeBudgetMs,
    List<PreparedItem<T>> items) {

  /** A first delivery keyed by {@code scope} and {@code index} (no key when scope is null). */
  /**
   * The time budget of a chunk whose sender waits {@code chunkTimeoutMs} for the reply: the worker
   * must roll back a little before the sender gives up.
   */
  public static long timeBudgetFor(long chunkTimeoutMs) {
    return Math.max(100, chunkTimeoutMs - Math.max(500, chunkTimeoutMs / 10));
  }

  public ChunkRequest(
      Operation operation,
      UUID scope,
      int index,
      BatchOptions options,
      long timeBudgetMs,
      List<PreparedItem<T>> items) {
    this(
        operation,
        scope == null ? null : new ChunkKey(scope, index),
        1,
        options,
        timeBudgetMs,
        items);
  }

  public ChunkRequest {
    if (delivery < 1) {
      throw new IllegalArgumentException("Deliveries count from 1, got " + delivery);
    }
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

  /** The chunk's index in its scope, for log lines; -1 without a key. */
  public int chunkNumber() {
    return key == null ? -1 : key.index();
  }

  /** The same chunk, sent once more. */
  public ChunkRequest<T> redelivery() {
    return new ChunkRequest<>(operation, key, delivery + 1, options, timeBudgetMs, items);
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
        .put("scope", key == null ? null : key.scope().toString())
        .put("index", key == null ? null : key.index())
        .put("delivery", delivery)
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
    String scope = json.getString("scope");
    return new ChunkRequest<>(
        operation,
        scope == null ? null : new ChunkKey(UUID.fromString(scope), json.getInteger("index")),
        json.getInteger("delivery"),
        BatchOptions.fromJson(json.getJsonObject("options")),
        json.getLong("timeBudgetMs"),
        items);
  }
}
