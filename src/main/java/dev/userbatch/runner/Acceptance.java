package dev.userbatch.runner;

import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.FieldError;
import dev.userbatch.batch.Operation;
import dev.userbatch.batch.PreparedBatch;
import dev.userbatch.batch.RequestException;
import dev.userbatch.batch.UserId;
import dev.userbatch.operation.Operations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/**
 * Whether a request's envelope is accepted as a whole (schema, item count, options that fit the
 * operation), and its items prepared: the step between reading a request and dispatching it.
 */
final class Acceptance {
  /** A validated request, ready to dispatch. */
  record Accepted(PreparedBatch<?> batch, BatchOptions options) {}

  private final Vertx vertx;
  private final Operations operations;
  private final int maxItems;
  private final int maxAtomicItems;

  Acceptance(Vertx vertx, Operations operations, int maxItems, int maxAtomicItems) {
    this.vertx = vertx;
    this.operations = operations;
    this.maxItems = maxItems;
    this.maxAtomicItems = maxAtomicItems;
  }

  /**
   * Validation of a small envelope takes a few tens of microseconds, less than the two thread
   * hand-offs of a worker: it runs on the caller's event loop, as small responses are encoded
   * there.
   */
  Future<Accepted> accept(Operation operation, JsonObject envelope) {
    if (!SmallEnvelope.test(envelope, operation.itemsField())) {
      return vertx.executeBlocking(() -> check(operation, envelope), false);
    }
    try {
      return Future.succeededFuture(check(operation, envelope));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Accepted check(Operation operation, JsonObject envelope) {
    List<FieldError> errors = operations.validator().validate(operation.envelopeSchema(), envelope);
    if (!errors.isEmpty()) {
      throw RequestException.invalid(errors);
    }
    JsonArray items = envelope.getJsonArray(operation.itemsField());
    if (items.size() > maxItems) {
      throw new RequestException(
          413,
          "TOO_MANY_ITEMS",
          operation.itemsField()
              + " has "
              + items.size()
              + " items; at most "
              + maxItems
              + " are allowed per request");
    }
    BatchOptions options = BatchOptions.fromJson(envelope.getJsonObject("options"));
    if (envelope.getJsonObject("options", new JsonObject()).containsKey("onConflict")
        && !operation.takesOnConflict()) {
      throw RequestException.invalid(
          List.of(
              new FieldError(
                  "$.options.onConflict",
                  "onConflict",
                  "onConflict applies to " + Operation.takingOnConflict() + " only")));
    }
    if (options.atomic() && items.size() > maxAtomicItems) {
      throw RequestException.invalid(
          List.of(
              new FieldError(
                  "$.options.atomic",
                  "atomic",
                  "atomic batches are limited to "
                      + maxAtomicItems
                      + " items; this one has "
                      + items.size())));
    }
    return new Accepted(operations.preparer(operation).prepare(items, options), options);
  }

  /**
   * The ids a lookup returns when every one is found, in order; null when some item is already
   * invalid.
   */
  static UUID[] expectedReads(PreparedBatch<?> batch) {
    if (!batch.failures().isEmpty() || batch.items().isEmpty()) {
      return null;
    }
    UUID[] ids = new UUID[batch.items().size()];
    for (int i = 0; i < ids.length; i++) {
      if (!(batch.items().get(i).value() instanceof UserId id)) {
        return null;
      }
      ids[i] = id.id();
    }
    return ids;
  }
}
