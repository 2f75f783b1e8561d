package dev.userbatch.batch;

import io.vertx.core.json.JsonObject;

/** An item listed again in the same request; it counts once and is reported here. */
public record DuplicateItem(int index, Object item, int duplicateOf) {
  public JsonObject toJson() {
    return new JsonObject().put("index", index).put("item", item).put("duplicateOf", duplicateOf);
  }
}
