package dev.userbatch.job;

import dev.userbatch.batch.Operation;
import dev.userbatch.batch.RequestException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The column mapping of CSV uploads: the header row names the item fields, and each record becomes
 * the item the synchronous endpoint takes. An empty cell is an absent field.
 *
 * <ul>
 *   <li>create: {@code email}, {@code name}, {@code password} and/or {@code passwordHash} → {@code
 *       {"email","name","password"|"passwordHash"}}
 *   <li>update: {@code id}, {@code name} and/or {@code email}, optional {@code expectedVersion} →
 *       {@code {"id","data":{"name","email"},"expectedVersion"}}
 *   <li>last-login, soft-delete, restore: {@code id} → the id string
 * </ul>
 */
public final class CsvColumns {
  public static final String INVALID_CSV_HEADER = "INVALID_CSV_HEADER";

  private final Operation operation;
  private final List<String> names;

  private CsvColumns(Operation operation, List<String> names) {
    this.operation = operation;
    this.names = names;
  }

  /** The columns an operation's CSV may have, the required ones first. */
  static List<String> allowed(Operation operation) {
    return switch (operation) {
      case CREATE -> List.of("email", "name", "password", "passwordHash");
      case UPDATE -> List.of("id", "name", "email", "expectedVersion");
      case LOOKUP, LAST_LOGIN, SOFT_DELETE, RESTORE -> List.of("id");
    };
  }

  private static List<List<String>> required(Operation operation) {
    return switch (operation) {
      case CREATE ->
          List.of(List.of("email"), List.of("name"), List.of("password", "passwordHash"));
      case UPDATE -> List.of(List.of("id"), List.of("name", "email"));
      case LOOKUP, LAST_LOGIN, SOFT_DELETE, RESTORE -> List.of(List.of("id"));
    };
  }

  /** The mapping of a header row; a 400 INVALID_CSV_HEADER naming the column otherwise. */
  static CsvColumns of(Operation operation, List<String> header) {
    List<String> allowed = allowed(operation);
    Set<String> seen = new LinkedHashSet<>();
    List<String> names = new ArrayList<>(header.size());
    for (String raw : header) {
      String name = raw.strip();
      if (!allowed.contains(name)) {
        throw refused(
            "CSV header column '"
                + name
                + "' is not a field of "
                + operation.wireName()
                + " items (allowed: "
                + String.join(", ", allowed)
                + ")");
      }
      if (!seen.add(name)) {
        throw refused("CSV header column '" + name + "' appears twice");
      }
      names.add(name);
    }
    for (List<String> anyOf : required(operation)) {
      if (anyOf.stream().noneMatch(seen::contains)) {
        throw refused(
            "CSV header lacks the column "
                + String.join(" or ", anyOf)
                + " ("
                + operation.wireName()
                + " items need it)");
      }
    }
    return new CsvColumns(operation, List.copyOf(names));
  }

  private static RequestException refused(String message) {
    return new RequestException(400, INVALID_CSV_HEADER, message);
  }

  /** The item of one record; IllegalArgumentException when it cannot be one. */
  Object toItem(List<String> fields) {
    if (fields.size() != names.size()) {
      throw new IllegalArgumentException(
          "The record has " + fields.size() + " fields, the header has " + names.size());
    }
    JsonObject item = new JsonObject();
    for (int i = 0; i < names.size(); i++) {
      if (!fields.get(i).isEmpty()) {
        item.put(names.get(i), fields.get(i));
      }
    }
    return switch (operation) {
      case CREATE -> item;
      case UPDATE -> update(item);
      case LOOKUP, LAST_LOGIN, SOFT_DELETE, RESTORE -> item.getString("id", "");
    };
  }

  private static JsonObject update(JsonObject flat) {
    JsonObject data = new JsonObject();
    for (String field : new String[] {"name", "email"}) {
      if (flat.containsKey(field)) {
        data.put(field, flat.getString(field));
      }
    }
    JsonObject item = new JsonObject().put("data", data);
    if (flat.containsKey("id")) {
      item.put("id", flat.getString("id"));
    }
    String version = flat.getString("expectedVersion");
    if (version != null) {
      try {
        item.put("expectedVersion", Integer.parseInt(version.strip()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "expectedVersion must be an integer, got '" + version + "'");
      }
    }
    return item;
  }
}
