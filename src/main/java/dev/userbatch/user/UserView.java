package dev.userbatch.user;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The public JSON form of a user, as returned in responses and kept in the cache. It is built
 * from the public columns only: the password hash is never selected, so it cannot leak.
 */
public final class UserView {
  private UserView() {
  }

  public static JsonObject fromRow(Row row) {
    JsonObject json = new JsonObject()
        .put("id", row.getUUID("id").toString())
        .put("email", row.getString("email"))
        .put("name", row.getString("name"))
        .put("version", row.getInteger("version"))
        .put("createdAt", iso(row.getOffsetDateTime("created_at")))
        .put("updatedAt", iso(row.getOffsetDateTime("updated_at")))
        .put("lastLoginAt", iso(row.getOffsetDateTime("last_login_at")));
    OffsetDateTime deletedAt = row.getOffsetDateTime("deleted_at");
    if (deletedAt != null) {
      json.put("deletedAt", iso(deletedAt));
    }
    return json;
  }

  public static UUID id(JsonObject user) {
    return UUID.fromString(user.getString("id"));
  }

  private static String iso(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }
}
