package dev.userbatch.runner;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Whether an envelope is small enough to validate on the event loop: validating a few dozen items
 * takes tens of microseconds, less than the two thread hand-offs of a worker (small responses are
 * encoded on the event loop for the same reason).
 */
final class SmallEnvelope {
  static final int MAX_ITEMS = 100;
  static final int MAX_STRING = 1024;

  private SmallEnvelope() {}

  /**
   * At most {@value #MAX_ITEMS} items, each a short string or an object of short values (one nested
   * object allowed, as an update's data): what a body of a few kilobytes holds. Anything else,
   * valid or not, is validated off the loop.
   */
  static boolean test(JsonObject envelope, String itemsField) {
    for (String field : envelope.fieldNames()) {
      if (!field.equals(itemsField) && !field.equals("options")) {
        return false;
      }
    }
    if (!(envelope.getValue(itemsField) instanceof JsonArray items)
        || items.size() > MAX_ITEMS
        || !isFlat(envelope.getValue("options"), 0)) {
      return false;
    }
    for (Object item : items) {
      if (!isFlat(item, 0)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isFlat(Object value, int depth) {
    if (value instanceof String text) {
      return text.length() <= MAX_STRING;
    }
    if (value instanceof JsonObject object) {
      if (depth > 1 || object.size() > 16) {
        return false;
      }
      for (Map.Entry<String, Object> field : object) {
        if (field.getKey().length() > MAX_STRING || !isFlat(field.getValue(), depth + 1)) {
          return false;
        }
      }
      return true;
    }
    return !(value instanceof JsonArray);
  }
}
