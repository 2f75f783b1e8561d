package dev.userbatch.http;

import dev.userbatch.metrics.ResponseStreamMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JSON object sent as a chunked body, one piece at a time: its long arrays are cut into slices of
 * {@value #ELEMENTS_PER_PIECE} elements, and each piece is encoded on a worker thread only when the
 * previous one has been written to the socket. A client that reads slowly therefore costs about one
 * piece of encoded bytes, not the whole body (23 MB for 100,000 users); a client that goes away
 * stops the encoding. Pieces are encoded one after the other, so order is kept.
 */
final class StreamedJsonBody {
  private static final Logger LOG = LoggerFactory.getLogger(StreamedJsonBody.class);
  static final int ELEMENTS_PER_PIECE = 500;

  /** The parts of one piece, appended in order to one buffer by a worker thread. */
  private record Piece(List<Consumer<Buffer>> parts) {
    Buffer encode() {
      Buffer buffer = Buffer.buffer();
      parts.forEach(part -> part.accept(buffer));
      return buffer;
    }
  }

  private final Vertx vertx;
  private final HttpServerResponse response;
  private final ResponseStreamMetrics.Stream stream;
  private final List<Piece> pieces;
  private final Promise<Void> finished = Promise.promise();
  private int next;

  private StreamedJsonBody(
      Vertx vertx,
      HttpServerResponse response,
      ResponseStreamMetrics.Stream stream,
      List<Piece> pieces) {
    this.vertx = vertx;
    this.response = response;
    this.stream = stream;
    this.pieces = pieces;
  }

  /**
   * Sends {@code body} on a response whose status and headers are set; arrays longer than {@code
   * sliceAbove} are sliced. Completes when the body ended, or when the client went away.
   */
  static Future<Void> send(
      Vertx vertx,
      HttpServerResponse response,
      ResponseStreamMetrics.Stream stream,
      JsonObject body,
      int sliceAbove) {
    response.setChunked(true);
    StreamedJsonBody streamed =
        new StreamedJsonBody(vertx, response, stream, piecesOf(body, sliceAbove));
    streamed.sendNext();
    return streamed.finished.future();
  }

  /**
   * Cuts the body into pieces; nothing is encoded here (that happens on a worker, piece by piece).
   */
  private static List<Piece> piecesOf(JsonObject body, int sliceAbove) {
    List<Piece> pieces = new ArrayList<>();
    List<Consumer<Buffer>> parts = new ArrayList<>();
    parts.add(text("{"));
    boolean first = true;
    for (Map.Entry<String, Object> field : body) {
      parts.add(text((first ? "" : ",") + Json.encode(field.getKey()) + ":"));
      first = false;
      if (field.getValue() instanceof JsonArray array && array.size() > sliceAbove) {
        for (int from = 0; from < array.size(); from += ELEMENTS_PER_PIECE) {
          List<Object> slice =
              array.getList().subList(from, Math.min(array.size(), from + ELEMENTS_PER_PIECE));
          parts.add(text(from == 0 ? "[" : ","));
          parts.add(
              buffer -> {
                // One encoding per slice (about half the cost of one per element), without its
                // brackets.
                Buffer encoded = new JsonArray(slice).toBuffer();
                buffer.appendBuffer(encoded, 1, encoded.length() - 2);
              });
          pieces.add(new Piece(parts));
          parts = new ArrayList<>();
        }
        parts.add(text("]"));
      } else {
        Object value = field.getValue();
        parts.add(buffer -> buffer.appendBuffer(Json.encodeToBuffer(value)));
      }
    }
    parts.add(text("}"));
    pieces.add(new Piece(parts));
    return pieces;
  }

  private static Consumer<Buffer> text(String text) {
    return buffer -> buffer.appendString(text);
  }

  /** On the event loop: encode the next piece on a worker, then write it (or end with it). */
  private void sendNext() {
    if (finished.future().isComplete()) {
      return;
    }
    if (response.closed()) {
      abandon();
      return;
    }
    Piece piece = pieces.get(next++);
    boolean last = next == pieces.size();
    vertx
        .executeBlocking(piece::encode, false)
        .onComplete(
            encoded -> {
              if (encoded.failed()) {
                LOG.error(
                    "A streamed response could not be encoded; closing its connection",
                    encoded.cause());
                response.reset();
                abandon();
                return;
              }
              if (response.closed()) {
                abandon();
                return;
              }
              Buffer buffer = encoded.result();
              int length = buffer.length();
              stream.encoded(length);
              Future<Void> written = last ? response.end(buffer) : response.write(buffer);
              // The next piece is encoded once this one is in the socket. Vert.x 5's
              // writeQueueFull()
              // counts queued writes, not bytes: it turned true only with 20 slices (390 KB)
              // queued.
              written.onComplete(
                  done -> {
                    stream.released(length);
                    if (done.failed()) {
                      abandon();
                    } else if (last) {
                      stream.completed();
                      finished.tryComplete();
                    } else {
                      sendNext();
                    }
                  });
            });
  }

  private void abandon() {
    stream.abandoned();
    finished.tryComplete();
  }
}
