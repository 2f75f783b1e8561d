package dev.userbatch.job;

import dev.userbatch.batch.ChunkItem;
import dev.userbatch.batch.NewUser;
import dev.userbatch.batch.UserId;
import dev.userbatch.batch.UserUpdate;
import io.vertx.core.json.JsonObject;

/**
 * An item as a failure shows it: the caller's fields, with {@code password} and {@code
 * passwordHash} (also under an update's {@code data}) replaced by {@value #REDACTED}, the marker
 * the synchronous endpoints use.
 */
final class ShownItem {
  static final String REDACTED = "[REDACTED]";
  private static final String[] SECRETS = {"password", "passwordHash"};

  private ShownItem() {}

  /** The caller's own item (parsed from its line), redacted. */
  static Object ofInput(Object item) {
    if (!(item instanceof JsonObject object)) {
      return item;
    }
    JsonObject copy = object.copy();
    redact(copy);
    if (copy.getValue("data") instanceof JsonObject data) {
      redact(data);
    }
    return copy;
  }

  /** A staged item, in the shape the caller sent it (create ids are the service's: left out). */
  static Object ofStaged(ChunkItem item) {
    if (item instanceof NewUser user) {
      return new JsonObject()
          .put("email", user.email())
          .put("name", user.name())
          .put(user.password() != null ? "password" : "passwordHash", REDACTED);
    }
    if (item instanceof UserUpdate update) {
      JsonObject data = new JsonObject();
      if (update.name() != null) {
        data.put("name", update.name());
      }
      if (update.email() != null) {
        data.put("email", update.email());
      }
      JsonObject shown = new JsonObject().put("id", update.id().toString()).put("data", data);
      return update.expectedVersion() == null
          ? shown
          : shown.put("expectedVersion", update.expectedVersion());
    }
    return ((UserId) item).id().toString();
  }

  private static void redact(JsonObject object) {
    for (String secret : SECRETS) {
      if (object.containsKey(secret)) {
        object.put(secret, REDACTED);
      }
    }
  }
}
