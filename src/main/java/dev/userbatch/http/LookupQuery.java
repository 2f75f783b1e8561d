package dev.userbatch.http;

import dev.userbatch.batch.FieldError;
import dev.userbatch.batch.Operation;
import dev.userbatch.batch.RequestException;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Turns {@code GET /batch/users/lookup?ids=a,b&chunkSize=…} (an operation served by query, see
 * {@link Operation#getByQuery()}) into the same envelope as the POST body, so both are validated by
 * one schema. Values that are not numbers or booleans are rejected here, naming the option.
 */
final class LookupQuery {
  private LookupQuery() {}

  static JsonObject toEnvelope(Operation operation, MultiMap params) {
    String field = operation.itemsField();
    JsonArray ids = new JsonArray();
    for (String value : params.getAll(field)) {
      for (String id : value.split(",", -1)) {
        String trimmed = id.trim();
        if (!trimmed.isEmpty()) {
          ids.add(trimmed);
        }
      }
    }
    if (ids.isEmpty()) {
      throw RequestException.invalid(
          List.of(
              new FieldError(
                  operation.itemsPath(),
                  field,
                  field + " is required: a comma-separated list of user ids")));
    }
    JsonObject options = new JsonObject();
    integer(params, "chunkSize", options);
    integer(params, "maxConcurrency", options);
    String continueOnError = params.get("continueOnError");
    if (continueOnError != null) {
      if (!continueOnError.equals("true") && !continueOnError.equals("false")) {
        throw invalidOption("continueOnError", "must be true or false");
      }
      options.put("continueOnError", Boolean.parseBoolean(continueOnError));
    }
    return new JsonObject().put(field, ids).put("options", options);
  }

  private static void integer(MultiMap params, String name, JsonObject options) {
    String value = params.get(name);
    if (value == null) {
      return;
    }
    try {
      options.put(name, Integer.parseInt(value.trim()));
    } catch (NumberFormatException e) {
      throw invalidOption(name, "must be an integer");
    }
  }

  private static RequestException invalidOption(String name, String problem) {
    return RequestException.invalid(
        List.of(new FieldError("$.options." + name, name, name + " " + problem)));
  }
}
