package dev.userbatch.busapi;

import dev.userbatch.batch.Operation;
import dev.userbatch.runner.Chunker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The Java facade for co-deployed code, as in the seed's usage examples. Every call goes through
 * the event-bus API, so it works from any verticle of the process (or of a clustered node) and gets
 * the same validation, audit, events and error codes as HTTP. A refused request fails the future
 * with a {@link ReplyException} whose message is the JSON error body. Failed items come back as the
 * caller sent them (secrets included: they never left the process), so retrying {@code
 * failed[].item} after fixing them works.
 */
public final class BatchService {
  private static final long DEFAULT_TIMEOUT_MS = 300_000;

  private final Vertx vertx;
  private final String actor;
  private final long timeoutMs;

  private BatchService(Vertx vertx, String actor, long timeoutMs) {
    this.vertx = vertx;
    this.actor = actor;
    this.timeoutMs = timeoutMs;
  }

  /** A facade whose calls are recorded in the audit trail as made by {@code actor}. */
  public static BatchService create(Vertx vertx, String actor) {
    return new BatchService(vertx, actor, DEFAULT_TIMEOUT_MS);
  }

  public Future<JsonObject> createUsers(JsonArray users, JsonObject options) {
    return call(Operation.CREATE, users, options);
  }

  public Future<JsonObject> getUsersByIds(List<String> ids, JsonObject options) {
    return call(Operation.LOOKUP, new JsonArray(new ArrayList<>(ids)), options);
  }

  public Future<JsonObject> updateUsers(JsonArray updates, JsonObject options) {
    return call(Operation.UPDATE, updates, options);
  }

  public Future<JsonObject> recordLastLogin(List<String> userIds, JsonObject options) {
    return call(Operation.LAST_LOGIN, new JsonArray(new ArrayList<>(userIds)), options);
  }

  public Future<JsonObject> softDeleteUsers(List<String> userIds, JsonObject options) {
    return call(Operation.SOFT_DELETE, new JsonArray(new ArrayList<>(userIds)), options);
  }

  public Future<JsonObject> restoreUsers(List<String> userIds, JsonObject options) {
    return call(Operation.RESTORE, new JsonArray(new ArrayList<>(userIds)), options);
  }

  /**
   * Applies {@code work} to consecutive chunks of {@code items}, one chunk after another (the same
   * chunking routine as the batch operations); the results in chunk order. The first failed chunk
   * fails the result and no later chunk runs; a chunk size below 1 fails it at once.
   */
  public <T, R> Future<List<R>> processInChunks(
      List<T> items, int chunkSize, Function<List<T>, Future<R>> work) {
    List<List<T>> chunks;
    try {
      chunks = Chunker.split(items, chunkSize);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    List<R> results = new ArrayList<>(chunks.size());
    Future<Void> chain = Future.succeededFuture();
    for (List<T> chunk : chunks) {
      chain =
          chain.compose(
              ignored ->
                  work.apply(chunk)
                      .map(
                          result -> {
                            results.add(result);
                            return null;
                          }));
    }
    return chain.map(ignored -> results);
  }

  /** Loads the users into the cache (a lookup fills it); the number of users found. */
  public Future<Integer> warmCache(List<String> ids) {
    return processInChunks(
            ids, 1000, chunk -> getUsersByIds(chunk, new JsonObject().put("chunkSize", 1000)))
        .map(results -> results.stream().mapToInt(r -> r.getJsonArray("data").size()).sum());
  }

  /**
   * Any operation of the table, by its items ({@code operation.itemsField()} of the envelope) and
   * options (null: the defaults); the named methods above are this for each operation.
   */
  public Future<JsonObject> call(Operation operation, JsonArray items, JsonObject options) {
    JsonObject envelope = new JsonObject().put(operation.itemsField(), items);
    if (options != null) {
      envelope.put("options", options);
    }
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(timeoutMs);
    if (actor != null) {
      delivery.addHeader(EventBusApiVerticle.ACTOR, actor);
    }
    return vertx
        .eventBus()
        .<JsonObject>request(operation.apiAddress(), envelope, delivery)
        .map(reply -> reply.body());
  }
}
