package dev.userbatch.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One HTTP response as the benchmark sees it: status, body, round-trip time, or the I/O error
 * instead.
 */
record Reply(int status, String body, double ms, String error) {

  JsonObject json() {
    try {
      return body == null || body.isEmpty() ? new JsonObject() : new JsonObject(body);
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  /**
   * Null if this is a 200 whose stats count {@code expected} successes (or found users, for
   * lookups).
   */
  String problem(int expected) {
    if (error != null) {
      return error;
    }
    JsonObject stats = json().getJsonObject("stats", new JsonObject());
    Integer done =
        stats.containsKey("found") ? stats.getInteger("found") : stats.getInteger("successful");
    if (status != 200 || done == null || done != expected) {
      String head = body == null ? "" : body.substring(0, Math.min(300, body.length()));
      return "HTTP " + status + ", " + done + " of " + expected + " done: " + head;
    }
    return null;
  }

  /** The ids of a batch response's data, in order. */
  List<String> ids() {
    List<String> ids = new ArrayList<>();
    JsonArray data = json().getJsonArray("data", new JsonArray());
    for (int i = 0; i < data.size(); i++) {
      ids.add(data.getJsonObject(i).getString("id"));
    }
    return ids;
  }
}
