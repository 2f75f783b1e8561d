package dev.userbatch.validation;

import dev.userbatch.batch.FieldError;
import dev.userbatch.batch.Operation;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Validates JSON against the draft 2020-12 schemas in {@code src/main/resources/schemas}. The Basic
 * output format is used so that every invalid field is reported, not only the first. Instances that
 * a quick test compiled from the same schema ({@link FastAcceptance}) proves valid skip the general
 * validator, which then runs only for instances that may be invalid. Validation is CPU work: call
 * it from a worker thread, not from an event loop.
 */
public final class SchemaValidator {
  public static final String BASE_URI = "https://userbatch.dev/schemas/";

  /**
   * Every schema file: those the operation table names, and those they refer to. The order does not
   * matter, references are resolved lazily.
   */
  public static final List<String> SCHEMAS = Operation.schemaFiles();

  private final SchemaRepository repository;
  private final Map<String, Validator> validators = new ConcurrentHashMap<>();

  /** Per schema: its quick acceptance test ({@link FastAcceptance}), or none. */
  private final Map<String, Predicate<Object>> fastPaths = new HashMap<>();

  public SchemaValidator() {
    JsonSchemaOptions options =
        new JsonSchemaOptions()
            .setDraft(Draft.DRAFT202012)
            .setBaseUri(BASE_URI)
            .setOutputFormat(OutputFormat.Basic);
    repository = SchemaRepository.create(options);
    Map<String, JsonObject> documents = new HashMap<>();
    for (String name : SCHEMAS) {
      JsonObject document = load(name);
      documents.put(BASE_URI + name, document);
      // A copy: the repository annotates the documents it is given.
      repository.dereference(BASE_URI + name, JsonSchema.of(document.copy()));
    }
    for (String name : SCHEMAS) {
      // The files refer to each other by relative URL (so that they resolve where they are served,
      // too).
      Predicate<Object> fast =
          FastAcceptance.compile(
              documents.get(BASE_URI + name),
              ref -> documents.get(URI.create(BASE_URI + name).resolve(ref).toString()));
      if (fast != null) {
        fastPaths.put(name, fast);
      }
    }
  }

  /** The schema document itself, as served under /schemas/ and for tests. */
  public static JsonObject load(String name) {
    try (InputStream in =
        SchemaValidator.class.getClassLoader().getResourceAsStream("schemas/" + name)) {
      if (in == null) {
        throw new IllegalStateException("schema " + name + " is missing from the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every violation of the named schema by {@code instance}; empty when it is valid. */
  public List<FieldError> validate(String schemaName, Object instance) {
    Predicate<Object> fast = fastPaths.get(schemaName);
    if (fast != null && fast.test(instance)) {
      return List.of();
    }
    return validateFully(schemaName, instance);
  }

  /** Whether instances of the named schema can skip the general validator. */
  boolean hasFastPath(String schemaName) {
    return fastPaths.containsKey(schemaName);
  }

  /** {@link #validate} without the quick acceptance test: the general validator alone. */
  List<FieldError> validateFully(String schemaName, Object instance) {
    Validator validator =
        validators.computeIfAbsent(schemaName, name -> repository.validator(BASE_URI + name));
    OutputUnit result = validator.validate(instance);
    if (Boolean.TRUE.equals(result.getValid())) {
      return List.of();
    }
    List<FieldError> errors = new ArrayList<>();
    collect(result, errors);
    if (errors.isEmpty()) {
      errors.add(
          new FieldError("$", "", result.getError() != null ? result.getError() : "is invalid"));
    }
    return errors;
  }

  /**
   * The Basic output is flat and noisy: it holds wrapper errors for every enclosing property, and
   * reports a declared property that failed its own schema as "additional" too. Keep the leaves,
   * and an unknown-property error only where nothing else is wrong at or under that place ({"data":
   * {"role": 1}} is one unknown field, data.role, not two).
   */
  private static void collect(OutputUnit result, List<FieldError> into) {
    List<OutputUnit> units = result.getErrors() == null ? List.of() : result.getErrors();
    List<OutputUnit> specific = new ArrayList<>();
    List<OutputUnit> unknown = new ArrayList<>();
    for (OutputUnit unit : units) {
      if (unit.getError() == null || ErrorMessages.isWrapper(unit.getKeywordLocation())) {
        continue;
      }
      (ErrorMessages.isUnknownProperty(unit.getKeywordLocation()) ? unknown : specific).add(unit);
    }
    for (OutputUnit unit : specific) {
      add(into, unit);
    }
    for (OutputUnit unit : unknown) {
      String location = ErrorMessages.stripHash(unit.getInstanceLocation());
      boolean explained =
          specific.stream()
                  .map(other -> ErrorMessages.stripHash(other.getInstanceLocation()))
                  .anyMatch(other -> other.equals(location) || other.startsWith(location + "/"))
              || unknown.stream()
                  .map(other -> ErrorMessages.stripHash(other.getInstanceLocation()))
                  .anyMatch(other -> other.startsWith(location + "/"));
      if (!explained) {
        add(into, unit);
      }
    }
  }

  private static void add(List<FieldError> into, OutputUnit unit) {
    FieldError error =
        ErrorMessages.describe(
            unit.getInstanceLocation(), unit.getKeywordLocation(), unit.getError());
    if (!into.contains(error)) {
      into.add(error);
    }
  }
}
