package dev.userbatch.job;

import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.FieldError;
import dev.userbatch.batch.Operation;
import dev.userbatch.batch.RequestException;
import dev.userbatch.validation.SchemaValidator;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A job's options, from the query string of its upload: the options of the synchronous envelope
 * (checked by the same {@code options.json}) except {@code atomic} (a job is many transactions). A
 * bad one is a 400 INVALID_OPTION naming it.
 */
public final class JobOptions {
  public static final String INVALID_OPTION = "INVALID_OPTION";
  private static final Set<String> INTEGERS = Set.of("chunkSize", "maxConcurrency");
  private static final Set<String> BOOLEANS = Set.of("continueOnError", "dryRun");
  private static final String OPERATION_PARAM = "operation";

  private JobOptions() {}

  public static BatchOptions parse(Operation operation, MultiMap query, SchemaValidator validator) {
    JsonObject options = new JsonObject();
    List<FieldError> errors = new ArrayList<>();
    for (Map.Entry<String, String> param : query) {
      String name = param.getKey();
      String value = param.getValue().strip();
      if (name.equals(OPERATION_PARAM)) {
        continue;
      }
      if (query.getAll(name).size() > 1) {
        errors.add(error(name, name + " is given more than once"));
      } else if (INTEGERS.contains(name)) {
        try {
          options.put(name, Integer.parseInt(value));
        } catch (NumberFormatException e) {
          errors.add(error(name, name + " must be an integer, got '" + value + "'"));
        }
      } else if (BOOLEANS.contains(name)) {
        if (!value.equals("true") && !value.equals("false")) {
          errors.add(error(name, name + " must be true or false, got '" + value + "'"));
        } else {
          options.put(name, Boolean.parseBoolean(value));
        }
      } else if (name.equals("onConflict")) {
        if (!operation.takesOnConflict()) {
          errors.add(
              error(name, "onConflict applies to " + Operation.takingOnConflict() + " only"));
        } else {
          options.put(name, value);
        }
      } else {
        errors.add(
            error(
                name,
                name
                    + " is not an option of jobs (chunkSize, maxConcurrency, continueOnError, "
                    + "onConflict, dryRun)"));
      }
    }
    if (errors.isEmpty()) {
      errors.addAll(validator.validate("options.json", options));
    }
    if (!errors.isEmpty()) {
      StringBuilder message = new StringBuilder("Invalid option: ");
      for (int i = 0; i < errors.size(); i++) {
        message.append(i == 0 ? "" : "; ").append(errors.get(i).message());
      }
      throw new RequestException(400, INVALID_OPTION, message.toString(), errors);
    }
    return BatchOptions.fromJson(options);
  }

  private static FieldError error(String name, String message) {
    return new FieldError("$." + name, name, message);
  }

  /** The operation a job may run: any write operation; 400 UNKNOWN_OPERATION otherwise. */
  public static Operation operation(String name) {
    Operation operation = name == null ? null : Operation.fromWireName(name).orElse(null);
    if (operation == null || operation.kind() != Operation.Kind.WRITE) {
      throw new RequestException(
          400,
          "UNKNOWN_OPERATION",
          "operation must be one of "
              + java.util.stream.Stream.of(Operation.values())
                  .filter(o -> o.kind() == Operation.Kind.WRITE)
                  .map(Operation::wireName)
                  .collect(java.util.stream.Collectors.joining(", "))
              + "; got "
              + (name == null ? "none" : "'" + name + "'"));
    }
    return operation;
  }
}
