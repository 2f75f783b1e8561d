package dev.userbatch.batch;

import java.util.Objects;
import java.util.UUID;

/** A chunk item that is one user's id (lookup, last-login, soft-delete, restore). */
public record UserId(UUID id) implements ChunkItem {

  /** On the wire: the id's canonical string. */
  public static final PayloadCodec<UserId> CODEC =
      new PayloadCodec<>(UserId.class, item -> item.id().toString(), UserId::fromWire);

  public UserId {
    Objects.requireNonNull(id, "id");
  }

  private static UserId fromWire(Object wire) {
    if (wire instanceof String id) {
      return new UserId(UUID.fromString(id));
    }
    throw new IllegalArgumentException("UserId must be a string on the wire");
  }
}
