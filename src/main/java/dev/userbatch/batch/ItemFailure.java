package dev.userbatch.batch;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One failed item. Workers leave {@code item} null: the coordinator fills in the caller's original
 * (redacted) item, so chunk replies stay small and never echo secrets. {@code path} is the JSON
 * path of the bad field for validation errors, otherwise null.
 */
public record ItemFailure(int index, Object item, String error, ErrorCode code, String path) {

  public static ItemFailure of(int index, ErrorCode code, String error) {
    return new ItemFailure(index, null, error, code, null);
  }

  public ItemFailure withItem(Object originalItem) {
    return new ItemFailure(index, originalItem, error, code, path);
  }

  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("index", index)
            .put("item", item)
            .put("error", error)
            .put("code", code.name());
    if (path != null) {
      json.put("path", path);
    }
    return json;
  }

  public static JsonArray toJsonArray(List<ItemFailure> failures) {
    JsonArray array = new JsonArray();
    failures.forEach(f -> array.add(f.toJson()));
    return array;
  }

  public static List<ItemFailure> fromJsonArray(JsonArray array) {
    List<ItemFailure> failures = new ArrayList<>(array == null ? 0 : array.size());
    if (array != null) {
      array.forEach(f -> failures.add(fromJson((JsonObject) f)));
    }
    return List.copyOf(failures);
  }

  public static ItemFailure fromJson(JsonObject json) {
    return new ItemFailure(
        json.getInteger("index"),
        json.getValue("item"),
        json.getString("error"),
        ErrorCode.valueOf(json.getString("code")),
        json.getString("path"));
  }
}
