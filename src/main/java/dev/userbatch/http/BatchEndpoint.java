package dev.userbatch.http;

import dev.userbatch.audit.AuditContext;
import dev.userbatch.batch.BatchOperation;
import dev.userbatch.batch.BatchRunner;
import dev.userbatch.batch.RequestException;
import dev.userbatch.idempotency.IdempotencyStore;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;
import java.util.function.Function;

/** The HTTP face of one batch operation: read the envelope, run the batch, send the response. */
final class BatchEndpoint {
  private final BatchOperation operation;
  private final BatchRunner runner;
  private final IdempotencyStore idempotency;
  private final Set<String> trustedProxies;

  BatchEndpoint(BatchOperation operation, BatchRunner runner, IdempotencyStore idempotency,
                Set<String> trustedProxies) {
    this.operation = operation;
    this.runner = runner;
    this.idempotency = idempotency;
    this.trustedProxies = trustedProxies;
  }

  /** Handles a request whose JSON body is the envelope. */
  void handleBody(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    JsonObject envelope;
    try {
      envelope = parseObject(body);
    } catch (RequestException e) {
      ctx.fail(e);
      return;
    }
    handleEnvelope(ctx, envelope);
  }

  /** Handles a request whose envelope was built another way (the lookup query string). */
  void handleEnvelope(RoutingContext ctx, JsonObject envelope) {
    AuditContext context = new AuditContext(null, ClientAddress.of(ctx, trustedProxies),
        ctx.request().getHeader("User-Agent"), ctx.get(CorrelationId.KEY));
    String key = ctx.request().getHeader(IdempotencyStore.HEADER);
    if (key == null || operation.kind() == BatchOperation.Kind.LOOKUP) {
      runner.run(operation, envelope, context)
          .onSuccess(response -> ErrorResponses.send(ctx, response.status(), response.body()))
          .onFailure(ctx::fail);
      return;
    }
    idempotency.execute(context.actor(), key, operation.name(), envelope, () -> runner.run(operation, envelope, context))
        .onSuccess(result -> {
          if (result.replayed()) {
            ctx.response().putHeader("Idempotent-Replayed", "true");
          }
          ErrorResponses.send(ctx, result.response().status(), result.response().body());
        })
        .onFailure(ctx::fail);
  }

  /** Handles a request whose envelope is computed from the request (e.g. the query string). */
  void handleWith(RoutingContext ctx, Function<RoutingContext, JsonObject> envelopeOf) {
    JsonObject envelope;
    try {
      envelope = envelopeOf.apply(ctx);
    } catch (RequestException e) {
      ctx.fail(e);
      return;
    }
    handleEnvelope(ctx, envelope);
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
