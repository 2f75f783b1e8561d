package dev.userbatch.batch;

import io.vertx.core.json.JsonObject;

/**
 * One invalid field. {@code path} is a JSON path from the root of what was validated ({@code
 * $.options.chunkSize}, {@code $.users[3].email}); {@code field} is its last name.
 */
public record FieldError(String path, String field, String message) {

  public JsonObject toJson() {
    return new JsonObject().put("path", path).put("field", field).put("message", message);
  }

  /** The same error, seen from a parent document: {@code $.email} under {@code $.users[3]}. */
  public FieldError under(String parentPath) {
    return new FieldError(parentPath + path.substring(1), field, message);
  }
}
