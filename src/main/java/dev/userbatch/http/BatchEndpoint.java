package dev.userbatch.http;

import dev.userbatch.batch.BatchCoordinator;
import dev.userbatch.batch.BatchOperation;
import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.BatchResponse;
import dev.userbatch.batch.PreparedBatch;
import dev.userbatch.validation.FieldError;
import dev.userbatch.validation.SchemaValidator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Map;

/**
 * The HTTP face of one batch operation: parse and validate the envelope, prepare the items (both
 * off the event loop), run the batch through the coordinator, and send the batch response.
 */
final class BatchEndpoint {
  private final Vertx vertx;
  private final BatchOperation operation;
  private final SchemaValidator validator;
  private final BatchCoordinator coordinator;
  private final int maxItems;

  BatchEndpoint(Vertx vertx, BatchOperation operation, SchemaValidator validator, BatchCoordinator coordinator,
                int maxItems) {
    this.vertx = vertx;
    this.operation = operation;
    this.validator = validator;
    this.coordinator = coordinator;
    this.maxItems = maxItems;
  }

  /** A validated request, ready to dispatch. */
  record Accepted(PreparedBatch batch, BatchOptions options) {
  }

  /** Handles a request whose JSON body is the envelope. */
  void handleBody(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    run(ctx, () -> accept(parseObject(body)));
  }

  /** Handles a request whose envelope was built from the query string (it is validated the same way). */
  void handleEnvelope(RoutingContext ctx, JsonObject envelope) {
    run(ctx, () -> accept(envelope));
  }

  private void run(RoutingContext ctx, java.util.concurrent.Callable<Accepted> prepare) {
    Map<String, String> headers = Map.of(CorrelationId.KEY, ctx.<String>get(CorrelationId.KEY));
    vertx.executeBlocking(prepare, false)
        .compose(accepted -> coordinator.execute(operation, accepted.batch(), accepted.options(), headers))
        .map(BatchResponse::of)
        .onSuccess(response -> ErrorResponses.send(ctx, response.status(), response.body()))
        .onFailure(ctx::fail);
  }

  Accepted accept(JsonObject envelope) {
    List<FieldError> errors = validator.validate(operation.envelopeSchema(), envelope);
    if (!errors.isEmpty()) {
      throw RequestException.invalid(errors);
    }
    JsonArray items = envelope.getJsonArray(operation.itemsField());
    if (items.size() > maxItems) {
      throw new RequestException(413, "TOO_MANY_ITEMS", operation.itemsField() + " has " + items.size()
          + " items; at most " + maxItems + " are allowed per request");
    }
    BatchOptions options = BatchOptions.fromJson(envelope.getJsonObject("options"));
    return new Accepted(operation.prepare(items), options);
  }

  static JsonObject parseObject(Buffer body) {
    if (body == null || body.length() == 0) {
      throw new RequestException(400, "INVALID_JSON", "Request body is empty; a JSON object is expected");
    }
    Object parsed;
    try {
      parsed = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw new RequestException(400, "INVALID_JSON", "Request body is not valid JSON: " + e.getMessage());
    }
    if (!(parsed instanceof JsonObject object)) {
      throw new RequestException(400, "INVALID_JSON", "Request body must be a JSON object");
    }
    return object;
  }
}
