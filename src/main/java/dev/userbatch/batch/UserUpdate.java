package dev.userbatch.batch;

import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.UUID;

/**
 * A change of one user's name and/or email (null: unchanged; email normalised), guarded by {@code
 * expectedVersion} when it is not null.
 */
public record UserUpdate(UUID id, String name, String email, Integer expectedVersion)
    implements ChunkItem {

  public static final PayloadCodec<UserUpdate> CODEC =
      new PayloadCodec<>(UserUpdate.class, UserUpdate::toJson, UserUpdate::fromJson);

  public UserUpdate {
    Objects.requireNonNull(id, "id");
    if (name == null && email == null) {
      throw new IllegalArgumentException("An update changes the name, the email or both");
    }
  }

  public boolean changesEmail() {
    return email != null;
  }

  private JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id.toString());
    if (name != null) {
      json.put("name", name);
    }
    if (email != null) {
      json.put("email", email);
    }
    if (expectedVersion != null) {
      json.put("expectedVersion", expectedVersion);
    }
    return json;
  }

  private static UserUpdate fromJson(Object wire) {
    JsonObject json = PayloadCodec.object(wire, UserUpdate.class);
    return new UserUpdate(
        UUID.fromString(json.getString("id")),
        json.getString("name"),
        json.getString("email"),
        json.getInteger("expectedVersion"));
  }
}
