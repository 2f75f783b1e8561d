package dev.userbatch.http;

import dev.userbatch.metrics.ResponseStreamMetrics;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;

/**
 * Sends JSON bodies. A batch result with many users is written in pieces (chunked transfer)
 * instead of being encoded into one buffer first: a 100,000-user response is about 23 MB, and
 * encoding it whole would need that much again on top of the objects it is made of.
 */
final class JsonResponses {
  /** Arrays longer than this are streamed element by element. */
  static final int STREAM_THRESHOLD = 1_000;
  private static final int ELEMENTS_PER_WRITE = 500;

  private JsonResponses() {
  }

  static final String METRICS = "responseStreamMetrics";

  static Handler<RoutingContext> accountingTo(ResponseStreamMetrics metrics) {
    return ctx -> {
      ctx.put(METRICS, metrics);
      ctx.next();
    };
  }

  static void send(RoutingContext ctx, int status, JsonObject body) {
    HttpServerResponse response = ctx.response();
    ResponseStreamMetrics metrics = ctx.get(METRICS);
    ResponseStreamMetrics.Stream stream = (metrics != null ? metrics : ResponseStreamMetrics.unregistered()).open();
    if (response.ended()) {
      return;
    }
    response.setStatusCode(status).putHeader("content-type", "application/json");
    if (!hasLargeArray(body)) {
      response.end(body.toBuffer());
      return;
    }
    response.setChunked(true);
    Buffer piece = Buffer.buffer("{");
    boolean first = true;
    for (Map.Entry<String, Object> field : body) {
      if (!first) {
        piece.appendString(",");
      }
      first = false;
      piece.appendString(Json.encode(field.getKey())).appendString(":");
      if (field.getValue() instanceof JsonArray array && array.size() > STREAM_THRESHOLD) {
        piece.appendString("[");
        for (int from = 0; from < array.size(); from += ELEMENTS_PER_WRITE) {
          // One encoding per slice (about half the cost of one per element), without its brackets.
          Buffer slice = new JsonArray(array.getList().subList(from, Math.min(array.size(), from + ELEMENTS_PER_WRITE)))
              .toBuffer();
          piece.appendString(from > 0 ? "," : "").appendBuffer(slice, 1, slice.length() - 2);
          int length = piece.length();
          stream.encoded(length);
          response.write(piece).onComplete(done -> stream.released(length));
          piece = Buffer.buffer();
        }
        piece.appendString("]");
      } else {
        piece.appendBuffer(Json.encodeToBuffer(field.getValue()));
      }
    }
    response.end(piece.appendString("}"));
    stream.completed();
  }

  private static boolean hasLargeArray(JsonObject body) {
    for (Map.Entry<String, Object> field : body) {
      if (field.getValue() instanceof JsonArray array && array.size() > STREAM_THRESHOLD) {
        return true;
      }
    }
    return false;
  }
}
