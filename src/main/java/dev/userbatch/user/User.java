package dev.userbatch.user;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;

/**
 * A user as the service shows it: the public columns only (the password hash is never selected, so
 * it cannot leak). It becomes JSON at the edges alone: in a response, in the cache, on the wire
 * ({@link #toJson()}, read back by {@link #fromJson}). {@code deletedAt} is set only for a
 * soft-deleted user, and then appears in the JSON.
 */
public record User(
    UUID id,
    String email,
    String name,
    int version,
    Instant createdAt,
    Instant updatedAt,
    Instant lastLoginAt,
    Instant deletedAt) {

  public User {
    Objects.requireNonNull(id, "id");
  }

  public static User fromRow(Row row) {
    return new User(
        row.getUUID("id"),
        row.getString("email"),
        row.getString("name"),
        row.getInteger("version"),
        instant(row.getOffsetDateTime("created_at")),
        instant(row.getOffsetDateTime("updated_at")),
        instant(row.getOffsetDateTime("last_login_at")),
        instant(row.getOffsetDateTime("deleted_at")));
  }

  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("id", id.toString())
            .put("email", email)
            .put("name", name)
            .put("version", version)
            .put("createdAt", iso(createdAt))
            .put("updatedAt", iso(updatedAt))
            .put("lastLoginAt", iso(lastLoginAt));
    if (deletedAt != null) {
      json.put("deletedAt", iso(deletedAt));
    }
    return json;
  }

  public static User fromJson(JsonObject json) {
    return new User(
        UUID.fromString(json.getString("id")),
        json.getString("email"),
        json.getString("name"),
        json.getInteger("version"),
        parse(json.getString("createdAt")),
        parse(json.getString("updatedAt")),
        parse(json.getString("lastLoginAt")),
        parse(json.getString("deletedAt")));
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }

  private static String iso(Instant time) {
    return time == null ? null : IsoInstants.format(time);
  }

  private static Instant parse(String iso) {
    return iso == null ? null : IsoInstants.parse(iso);
  }
}
