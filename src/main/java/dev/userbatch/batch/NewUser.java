package dev.userbatch.batch;

import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.UUID;

/**
 * A user to create: the id decided before the chunk is sent (a chunk delivered twice creates nobody
 * twice), email and name normalised, and exactly one of a plaintext {@code password} (the worker
 * hashes it) and an imported {@code passwordHash} (stored as is).
 */
public record NewUser(UUID id, String email, String name, String password, String passwordHash)
    implements ChunkItem {

  public static final PayloadCodec<NewUser> CODEC =
      new PayloadCodec<>(NewUser.class, NewUser::toJson, NewUser::fromJson);

  public NewUser {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(name, "name");
    if ((password == null) == (passwordHash == null)) {
      throw new IllegalArgumentException("A new user has exactly one of password and passwordHash");
    }
  }

  /** Never the secret (a record's own toString would print it). */
  @Override
  public String toString() {
    return "NewUser[id="
        + id
        + ", email="
        + email
        + ", name="
        + name
        + ", "
        + (password != null ? "password" : "passwordHash")
        + "=[REDACTED]]";
  }

  private JsonObject toJson() {
    JsonObject json =
        new JsonObject().put("id", id.toString()).put("email", email).put("name", name);
    return password != null
        ? json.put("password", password)
        : json.put("passwordHash", passwordHash);
  }

  private static NewUser fromJson(Object wire) {
    JsonObject json = PayloadCodec.object(wire, NewUser.class);
    return new NewUser(
        UUID.fromString(json.getString("id")),
        json.getString("email"),
        json.getString("name"),
        json.getString("password"),
        json.getString("passwordHash"));
  }
}
