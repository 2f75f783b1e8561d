package dev.userbatch.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The request bodies the benchmark sends; every email starts with the run's prefix, so cleanup
 * finds them.
 */
final class Payloads {
  /** One valid bcrypt hash for every passwordHash user: the service stores it as given. */
  static final String BCRYPT = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";

  private Payloads() {}

  static JsonArray users(String prefix, String tag, int count, boolean plaintext) {
    JsonArray users = new JsonArray();
    for (int i = 0; i < count; i++) {
      JsonObject user =
          new JsonObject()
              .put("email", prefix + tag + "-" + i + "@example.com")
              .put("name", "Bench User " + i);
      if (plaintext) {
        user.put("password", "bench-password-" + tag + "-" + i);
      } else {
        user.put("passwordHash", BCRYPT);
      }
      users.add(user);
    }
    return users;
  }

  static JsonObject create(JsonArray users, Integer chunkSize) {
    return withChunkSize(new JsonObject().put("users", users), chunkSize);
  }

  static JsonObject lookup(List<String> ids, Integer chunkSize) {
    return withChunkSize(
        new JsonObject().put("ids", new JsonArray(new ArrayList<>(ids))), chunkSize);
  }

  /** GET /batch/users/lookup?ids=a,b,...: user ids need no URL encoding. */
  static String lookupQuery(List<String> ids) {
    return "/batch/users/lookup?ids=" + String.join(",", ids);
  }

  static JsonObject userIds(List<String> ids) {
    return new JsonObject().put("userIds", new JsonArray(new ArrayList<>(ids)));
  }

  static JsonObject update(List<String> ids, String tag) {
    JsonArray updates = new JsonArray();
    for (int i = 0; i < ids.size(); i++) {
      updates.add(
          new JsonObject()
              .put("id", ids.get(i))
              .put("data", new JsonObject().put("name", "Renamed " + tag + " " + i)));
    }
    return new JsonObject().put("updates", updates);
  }

  private static JsonObject withChunkSize(JsonObject body, Integer chunkSize) {
    return chunkSize == null
        ? body
        : body.put("options", new JsonObject().put("chunkSize", chunkSize));
  }
}
