package dev.userbatch.validation;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A quick "certainly valid" test compiled from a schema document, for the flat schemas of this
 * service. The general validator costs about 10 µs per item, which is most of the time spent on a
 * 10,000-user request; this test costs a fraction of a microsecond. It only ever accepts: an
 * instance it does not accept goes to the general validator, which decides and explains. So it must
 * never accept what the general validator refuses, and it is built to be narrower:
 *
 * <ul>
 *   <li>a schema using any keyword outside a small known set compiles to nothing (no fast path);
 *   <li>string lengths must hold both as code points and as UTF-16 units;
 *   <li>patterns are used only when made of plain characters, classes and counted repetition, and
 *       only on strings without line terminators, where Java and ECMA-262 regexes agree;
 *   <li>integers must be {@code Integer} or {@code Long}, enums are compared as strings.
 * </ul>
 */
final class FastAcceptance {
  /** Keywords that only annotate; they never make an instance invalid. */
  private static final Set<String> ANNOTATIONS =
      Set.of(
          "$schema",
          "$id",
          "$comment",
          "title",
          "description",
          "default",
          "examples",
          "deprecated",
          "readOnly",
          "writeOnly");

  private static final Set<String> UNDERSTOOD =
      Set.of(
          "type",
          "properties",
          "required",
          "additionalProperties",
          "minLength",
          "maxLength",
          "pattern",
          "minimum",
          "maximum",
          "minItems",
          "minProperties",
          "enum",
          "$ref");
  private static final Pattern SIMPLE_PATTERN = Pattern.compile("[\\^$A-Za-z0-9\\[\\]{},@_-]*");

  private FastAcceptance() {}

  /**
   * The test for {@code schema}, or null when the schema uses something this class does not
   * understand. {@code refs} gives the schema document a {@code $ref} names (null if unknown).
   */
  static Predicate<Object> compile(JsonObject schema, Function<String, JsonObject> refs) {
    try {
      return node(schema, refs, 0);
    } catch (Unsupported e) {
      return null;
    }
  }

  private static final class Unsupported extends RuntimeException {
    Unsupported(String what) {
      super(what, null, false, false);
    }
  }

  private static Predicate<Object> node(
      JsonObject schema, Function<String, JsonObject> refs, int depth) {
    if (depth > 16) {
      throw new Unsupported("depth");
    }
    List<Predicate<Object>> checks = new ArrayList<>();
    for (String keyword : schema.fieldNames()) {
      if (!ANNOTATIONS.contains(keyword) && !UNDERSTOOD.contains(keyword)) {
        throw new Unsupported(keyword);
      }
    }
    if (schema.containsKey("$ref")) {
      JsonObject target = refs.apply(schema.getString("$ref"));
      if (target == null) {
        throw new Unsupported("$ref " + schema.getString("$ref"));
      }
      checks.add(node(target, refs, depth + 1));
    }
    if (schema.containsKey("type")) {
      checks.add(type(schema.getValue("type")));
    }
    if (schema.containsKey("enum")) {
      checks.add(enumeration(schema.getJsonArray("enum")));
    }
    addStringChecks(schema, checks);
    addIntegerChecks(schema, checks);
    if (schema.containsKey("minItems")) {
      int min = schema.getInteger("minItems");
      checks.add(v -> !(v instanceof JsonArray a) || a.size() >= min);
    }
    addObjectChecks(schema, refs, depth, checks);
    return v -> {
      for (Predicate<Object> check : checks) {
        if (!check.test(v)) {
          return false;
        }
      }
      return true;
    };
  }

  private static Predicate<Object> type(Object type) {
    if (!(type instanceof String name)) {
      throw new Unsupported("type " + type);
    }
    return switch (name) {
      case "string" -> v -> v instanceof String;
      case "object" -> v -> v instanceof JsonObject;
      case "array" -> v -> v instanceof JsonArray;
      case "boolean" -> v -> v instanceof Boolean;
      case "integer" -> v -> v instanceof Integer || v instanceof Long;
      default -> throw new Unsupported("type " + name);
    };
  }

  private static Predicate<Object> enumeration(JsonArray values) {
    Set<String> allowed = new HashSet<>();
    for (Object value : values) {
      if (!(value instanceof String s)) {
        throw new Unsupported("enum of " + value);
      }
      allowed.add(s);
    }
    return v -> v instanceof String s && allowed.contains(s);
  }

  private static void addStringChecks(JsonObject schema, List<Predicate<Object>> checks) {
    if (schema.containsKey("minLength")) {
      int min = schema.getInteger("minLength");
      checks.add(
          v ->
              !(v instanceof String s)
                  || s.length() >= min && s.codePointCount(0, s.length()) >= min);
    }
    if (schema.containsKey("maxLength")) {
      int max = schema.getInteger("maxLength");
      checks.add(v -> !(v instanceof String s) || s.length() <= max);
    }
    if (schema.containsKey("pattern")) {
      String regex = schema.getString("pattern");
      if (!SIMPLE_PATTERN.matcher(regex).matches()) {
        throw new Unsupported("pattern " + regex);
      }
      Predicate<String> matches = FixedShape.of(regex);
      if (matches == null) {
        Pattern pattern = Pattern.compile(regex);
        matches = s -> !hasLineTerminator(s) && pattern.matcher(s).find();
      }
      Predicate<String> test = matches;
      checks.add(v -> !(v instanceof String s) || test.test(s));
    }
  }

  private static boolean hasLineTerminator(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
        return true;
      }
    }
    return false;
  }

  private static void addIntegerChecks(JsonObject schema, List<Predicate<Object>> checks) {
    for (String bound : new String[] {"minimum", "maximum"}) {
      if (!schema.containsKey(bound)) {
        continue;
      }
      Object limit = schema.getValue(bound);
      if (!(limit instanceof Integer || limit instanceof Long)) {
        throw new Unsupported(bound + " " + limit);
      }
      long value = ((Number) limit).longValue();
      boolean lower = bound.equals("minimum");
      // Numbers other than Integer and Long are not accepted here: the general validator decides.
      checks.add(
          v ->
              v instanceof Integer || v instanceof Long
                  ? lower ? ((Number) v).longValue() >= value : ((Number) v).longValue() <= value
                  : !(v instanceof Number));
    }
  }

  private static void addObjectChecks(
      JsonObject schema,
      Function<String, JsonObject> refs,
      int depth,
      List<Predicate<Object>> checks) {
    Map<String, Predicate<Object>> properties = new HashMap<>();
    JsonObject declared = schema.getJsonObject("properties", new JsonObject());
    for (String name : declared.fieldNames()) {
      properties.put(name, node(declared.getJsonObject(name), refs, depth + 1));
    }
    Object additional = schema.getValue("additionalProperties");
    if (additional != null && !Boolean.FALSE.equals(additional)) {
      throw new Unsupported("additionalProperties " + additional);
    }
    boolean closed = Boolean.FALSE.equals(additional);
    List<String> required = new ArrayList<>();
    schema.getJsonArray("required", new JsonArray()).forEach(name -> required.add((String) name));
    int minProperties = schema.getInteger("minProperties", 0);
    checks.add(
        v -> {
          if (!(v instanceof JsonObject object)) {
            return true;
          }
          if (object.size() < minProperties) {
            return false;
          }
          for (String name : required) {
            if (!object.containsKey(name)) {
              return false;
            }
          }
          for (Map.Entry<String, Object> field : object) {
            Predicate<Object> check = properties.get(field.getKey());
            if (check == null ? closed : !check.test(field.getValue())) {
              return false;
            }
          }
          return true;
        });
  }
}
