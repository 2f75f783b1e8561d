package dev.userbatch.validation;

import dev.userbatch.batch.FieldError;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one schema library error (instance pointer, keyword, text) into a sentence that names the
 * field, e.g. "chunkSize must be at most 1000".
 */
final class ErrorMessages {
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");
  private static final Pattern TWO_NUMBERS =
      Pattern.compile("(-?[0-9.eE+]+)\\D+?(-?[0-9.eE+]+)\\)?$");
  private static final Pattern EXPECTED_TYPE = Pattern.compile("Expected (\\w+)");

  private ErrorMessages() {}

  /**
   * Wrapper errors ("Property x does not match schema", "A subschema had errors") say nothing new.
   */
  static boolean isWrapper(String keywordLocation) {
    String keyword = lastSegment(keywordLocation);
    return keyword.equals("properties")
        || keyword.equals("$ref")
        || keyword.equals("items")
        || keyword.equals("prefixItems")
        || keyword.equals("allOf");
  }

  static boolean isUnknownProperty(String keywordLocation) {
    String keyword = lastSegment(keywordLocation);
    return keyword.equals("additionalProperties") || keyword.equals("unevaluatedProperties");
  }

  static FieldError describe(
      String instanceLocation, String keywordLocation, String libraryMessage) {
    String pointer = stripHash(instanceLocation);
    String path = toJsonPath(pointer);
    String field = lastName(pointer);
    String subject = field.isEmpty() ? "request body" : field;
    String text = libraryMessage == null ? "is invalid" : libraryMessage;
    String keyword = lastSegment(keywordLocation);
    switch (keyword) {
      case "required" -> {
        String missing = quoted(text);
        if (missing != null) {
          return new FieldError(path + "." + missing, missing, missing + " is required");
        }
      }
      case "additionalProperties", "unevaluatedProperties" -> {
        return new FieldError(path, field, "unknown field " + field);
      }
      case "type" -> {
        Matcher expected = EXPECTED_TYPE.matcher(text);
        if (expected.find()) {
          return new FieldError(path, field, subject + " must be " + article(expected.group(1)));
        }
      }
      case "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems" -> {
        Matcher numbers = TWO_NUMBERS.matcher(text);
        if (numbers.find()) {
          String limit = numbers.group(2);
          return new FieldError(
              path,
              field,
              subject
                  + switch (keyword) {
                    case "minimum" -> " must be at least " + limit;
                    case "maximum" -> " must be at most " + limit;
                    case "minLength" -> " must be at least " + limit + " characters long";
                    case "maxLength" -> " must be at most " + limit + " characters long";
                    case "minItems" -> " must have at least " + limit + " items";
                    default -> " must have at most " + limit + " items";
                  });
        }
      }
      case "pattern", "format" -> {
        return new FieldError(path, field, subject + " has an invalid format");
      }
      default -> {}
    }
    return new FieldError(path, field, subject + ": " + text);
  }

  /** The library writes pointers as URI fragments: "#/users/3/email". */
  static String stripHash(String location) {
    if (location == null) {
      return "";
    }
    String pointer = location.startsWith("#") ? location.substring(1) : location;
    return pointer.equals("/") ? "" : pointer;
  }

  /** "/users/3/email" → "$.users[3].email"; "" → "$". */
  static String toJsonPath(String pointer) {
    StringBuilder path = new StringBuilder("$");
    if (pointer.isEmpty()) {
      return path.toString();
    }
    for (String raw : pointer.substring(1).split("/", -1)) {
      String segment = raw.replace("~1", "/").replace("~0", "~");
      if (!segment.isEmpty() && segment.chars().allMatch(Character::isDigit)) {
        path.append('[').append(segment).append(']');
      } else {
        path.append('.').append(segment);
      }
    }
    return path.toString();
  }

  private static String lastName(String pointer) {
    String[] parts = pointer.split("/");
    for (int i = parts.length - 1; i >= 0; i--) {
      if (!parts[i].isEmpty() && !parts[i].chars().allMatch(Character::isDigit)) {
        return parts[i].replace("~1", "/").replace("~0", "~");
      }
    }
    return "";
  }

  private static String lastSegment(String pointer) {
    if (pointer == null) {
      return "";
    }
    int slash = pointer.lastIndexOf('/');
    return slash < 0 ? pointer : pointer.substring(slash + 1);
  }

  private static String quoted(String text) {
    Matcher m = QUOTED.matcher(text);
    return m.find() ? m.group(1) : null;
  }

  private static String article(String type) {
    return switch (type) {
      case "object", "array", "integer" -> "an " + type;
      default -> "a " + type;
    };
  }
}
