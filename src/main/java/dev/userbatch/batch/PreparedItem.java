package dev.userbatch.batch;

/**
 * An item that passed validation, normalised and ready for a worker, with its position in the
 * caller's request.
 */
public record PreparedItem<T extends ChunkItem>(int index, T value) {}
