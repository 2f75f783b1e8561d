package dev.userbatch.batch;

/**
 * What one chunk item carries to a worker: decided and normalised before the chunk is sent, and
 * typed from the parsing of the request to the SQL (a user id stays a {@code UUID}). Each type has
 * its wire codec ({@link PayloadCodec}), named by the operation table, so that a chunk can cross to
 * another node of a clustered event bus.
 */
public sealed interface ChunkItem permits NewUser, UserUpdate, UserId {}
