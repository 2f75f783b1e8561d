package dev.userbatch.http;

import dev.userbatch.metrics.ResponseStreamMetrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * Sends JSON bodies. Small ones are encoded on the event loop; larger ones on a worker thread; a
 * batch result with many users is streamed in pieces that respect the client's pace ({@link
 * StreamedJsonBody}).
 */
final class JsonResponses {
  /** Arrays longer than this are streamed in slices. */
  static final int STREAM_THRESHOLD = 1_000;

  /**
   * Bodies whose arrays are all at most this long encode in well under a millisecond: on the event
   * loop.
   */
  private static final int INLINE_THRESHOLD = 100;

  private static final String METRICS = "responseStreamMetrics";

  /**
   * Set once a response is being sent: encoding is asynchronous, so {@code ended()} is not yet
   * true.
   */
  private static final String SENDING = "jsonResponseSending";

  private JsonResponses() {}

  /**
   * A route handler that makes the streamed responses of this router count into {@code metrics}.
   */
  static Handler<RoutingContext> accountingTo(ResponseStreamMetrics metrics) {
    return ctx -> {
      ctx.put(METRICS, metrics);
      ctx.next();
    };
  }

  /** Sends the body once; a second send for the same request (a late failure) is ignored. */
  static Future<Void> send(RoutingContext ctx, int status, JsonObject body) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || ctx.get(SENDING) != null) {
      return Future.succeededFuture();
    }
    ctx.put(SENDING, true);
    response.setStatusCode(status).putHeader("content-type", "application/json");
    int longest = longestArray(body);
    if (longest <= INLINE_THRESHOLD) {
      return response.end(body.toBuffer());
    }
    if (longest <= STREAM_THRESHOLD) {
      return ctx.vertx().executeBlocking(body::toBuffer, false).compose(response::end);
    }
    ResponseStreamMetrics metrics = ctx.get(METRICS);
    return StreamedJsonBody.send(
        ctx.vertx(),
        response,
        (metrics != null ? metrics : ResponseStreamMetrics.unregistered()).open(),
        body,
        STREAM_THRESHOLD);
  }

  private static int longestArray(JsonObject body) {
    int longest = 0;
    for (Map.Entry<String, Object> field : body) {
      if (field.getValue() instanceof JsonArray array) {
        longest = Math.max(longest, array.size());
      }
    }
    return longest;
  }
}
