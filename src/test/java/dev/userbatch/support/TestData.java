package dev.userbatch.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** Builders of request items whose emails are unique to the test run, so tests never collide. */
public final class TestData {
  /** A well-formed bcrypt hash (cost 12) for imports. */
  public static final String BCRYPT =
      "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";

  private TestData() {}

  public static String email(String tag) {
    return tag + "-" + UUID.randomUUID().toString().substring(0, 12) + "@example.com";
  }

  public static JsonObject userWithHash(String email, String name) {
    return new JsonObject().put("email", email).put("name", name).put("passwordHash", BCRYPT);
  }

  public static JsonArray usersWithHash(String tag, int count) {
    String run = UUID.randomUUID().toString().substring(0, 8);
    JsonArray users = new JsonArray();
    for (int i = 0; i < count; i++) {
      users.add(userWithHash(tag + "-" + run + "-" + i + "@example.com", "User " + i));
    }
    return users;
  }

  public static JsonObject createRequest(JsonArray users, JsonObject options) {
    JsonObject body = new JsonObject().put("users", users);
    if (options != null) {
      body.put("options", options);
    }
    return body;
  }
}
