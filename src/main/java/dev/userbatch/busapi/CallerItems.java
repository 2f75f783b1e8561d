package dev.userbatch.busapi;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Gives an in-process caller its own items back in {@code failed} and {@code skipped}. Responses
 * are built (and stored for idempotent replay) with secrets redacted, because over HTTP and the TCP
 * bridge they travel and get logged; a caller in the same process already holds the items, so
 * handing them back exposes nothing and makes the seed's retry of {@code failed.map(f -> f.item)}
 * work as written. Only the response sent to the caller changes.
 */
final class CallerItems {
  private CallerItems() {}

  /** A copy of {@code body} whose failure and skip entries carry the items of {@code sent}. */
  static JsonObject restore(JsonObject body, JsonArray sent) {
    if (sent == null) {
      return body;
    }
    JsonObject copy = body.copy();
    for (String list : new String[] {"failed", "skipped"}) {
      if (copy.getValue(list) instanceof JsonArray entries) {
        for (Object entry : entries) {
          if (entry instanceof JsonObject e
              && e.getValue("index") instanceof Integer index
              && index >= 0
              && index < sent.size()) {
            e.put("item", sent.getValue(index));
          }
        }
      }
    }
    return copy;
  }
}
