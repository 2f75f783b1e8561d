package dev.userbatch.worker;

import dev.userbatch.batch.ChunkOutcome;
import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.ItemFailure;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.operation.LookupUsers;
import dev.userbatch.validation.UserIds;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * A chunk's items as a worker reads them. The coordinator sends validated items only, but the
 * promise of the service is that one bad item fails alone: an item a worker cannot read is that
 * item's VALIDATION_ERROR, and the rest of the chunk is processed as usual. Reading an item must
 * therefore never throw past this class.
 */
final class ReadItems<T> {
  private static final Logger LOG = LoggerFactory.getLogger(ReadItems.class);

  /** Thrown by a reader: the item cannot be used, because of {@code field} (relative to the item). */
  static final class Unreadable extends RuntimeException {
    private final String field;

    Unreadable(String field, String message) {
      super(message, null, false, false);
      this.field = field;
    }
  }

  /** One readable item and what the reader made of it. */
  record Read<T>(PreparedItem item, T value) {
  }

  private final ChunkRequest chunk;
  private final List<Read<T>> readable;
  private final List<ItemFailure> unreadable;

  private ReadItems(ChunkRequest chunk, List<Read<T>> readable, List<ItemFailure> unreadable) {
    this.chunk = chunk;
    this.readable = readable;
    this.unreadable = unreadable;
  }

  static <T> ReadItems<T> of(ChunkRequest chunk, Function<PreparedItem, T> reader) {
    List<Read<T>> readable = new ArrayList<>(chunk.items().size());
    List<ItemFailure> unreadable = new ArrayList<>();
    String itemsPath = itemsPath(chunk.operation());
    for (PreparedItem item : chunk.items()) {
      try {
        readable.add(new Read<>(item, reader.apply(item)));
      } catch (Unreadable e) {
        unreadable.add(failure(item, itemsPath, e.field, e.getMessage()));
        logUnreadable(chunk, item, e.field);
      } catch (RuntimeException e) {
        logUnreadable(chunk, item, e.getClass().getSimpleName());
        // A value of the wrong type (ClassCastException) or a missing one (NullPointerException).
        unreadable.add(failure(item, itemsPath, "", "Invalid item: it could not be read"));
      }
    }
    return new ReadItems<>(chunk, List.copyOf(readable), List.copyOf(unreadable));
  }

  /** Reads an item that is a user id. */
  static ReadItems<UUID> ids(ChunkRequest chunk) {
    return of(chunk, item -> userId(item.value(), ""));
  }

  /** {@code value} as a user id, exactly (see {@link UserIds}); {@code field} names it in the failure. */
  static UUID userId(Object value, String field) {
    UUID id = UserIds.parse(value);
    if (id == null) {
      throw new Unreadable(field, LookupUsers.INVALID_UUID);
    }
    return id;
  }

  /** A string field of an item: null when absent (if {@code optional}), otherwise a string. */
  static String string(JsonObject item, String field, boolean optional) {
    Object value = item.getValue(field);
    if (value == null && optional) {
      return null;
    }
    if (!(value instanceof String s)) {
      throw new Unreadable(field, field + " must be a string");
    }
    return s;
  }

  ChunkRequest chunk() {
    return chunk;
  }

  List<Read<T>> readable() {
    return readable;
  }

  boolean noneReadable() {
    return readable.isEmpty();
  }

  /** The failures of the unreadable items, in chunk order. */
  List<ItemFailure> failures() {
    return unreadable;
  }

  /** A new outcome for the chunk, with the unreadable items already failed. */
  ChunkOutcome outcome() {
    ChunkOutcome outcome = new ChunkOutcome(chunk);
    int next = 0;
    for (PreparedItem item : chunk.items()) {
      if (next < unreadable.size() && unreadable.get(next).index() == item.index()) {
        ItemFailure failure = unreadable.get(next++);
        outcome.fail(item, failure.code(), failure.error(), failure.path());
      }
    }
    return outcome;
  }

  /**
   * Validation should have stopped such an item before any chunk was sent: say so, without the
   * item's values (they may hold a password).
   */
  private static void logUnreadable(ChunkRequest chunk, PreparedItem item, String what) {
    LOG.atWarn().addKeyValue("operation", chunk.operation()).addKeyValue("chunk", chunk.chunkNumber())
        .addKeyValue("index", item.index()).addKeyValue("problem", what).log("item the worker cannot read");
  }

  private static ItemFailure failure(PreparedItem item, String itemsPath, String field, String message) {
    String path = itemsPath + "[" + item.index() + "]" + (field.isEmpty() ? "" : "." + field);
    return new ItemFailure(item.index(), null, message, ErrorCode.VALIDATION_ERROR, path);
  }

  /** Where the operation's items are in the caller's request. */
  private static String itemsPath(String operation) {
    return switch (operation) {
      case "create" -> "$.users";
      case "lookup" -> "$.ids";
      case "update" -> "$.updates";
      default -> "$.userIds";
    };
  }
}
