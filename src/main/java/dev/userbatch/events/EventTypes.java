package dev.userbatch.events;

import java.util.Map;

/** The event type of each write operation. */
public final class EventTypes {
  private static final Map<String, String> BY_OPERATION = Map.of(
      "create", "USERS_BATCH_CREATED",
      "update", "USERS_BATCH_UPDATED",
      "last-login", "USERS_BATCH_LAST_LOGIN",
      "soft-delete", "USERS_BATCH_DELETED",
      "restore", "USERS_BATCH_RESTORED");

  private EventTypes() {
  }

  /** The event type, or null for an operation that changes nothing (lookup). */
  public static String of(String operation) {
    return BY_OPERATION.get(operation);
  }
}
