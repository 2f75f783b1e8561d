package dev.userbatch.batch;

/**
 * An item that passed validation, normalised and ready for a worker, with its position in the
 * caller's request. Values are JSON types (JsonObject, String) so that chunks can cross the wire.
 */
public record PreparedItem(int index, Object value) {
}
