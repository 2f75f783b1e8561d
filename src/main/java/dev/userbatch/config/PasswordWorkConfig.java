package dev.userbatch.config;

import io.vertx.core.json.JsonObject;

/**
 * What plaintext passwords cost (part of {@link ServiceConfig}): each is an Argon2id hash, tens of
 * milliseconds of a core and 19 MiB, where an id costs microseconds.
 *
 * @param rateLimitPasswordWeight how many items of the rate limit one plaintext {@code password}
 *     counts for
 * @param passwordHashQueueMax plaintext passwords waiting for or in hashing at once; a chunk that
 *     would exceed it fails at once ({@code OVERLOADED}) instead of queueing
 */
public record PasswordWorkConfig(long rateLimitPasswordWeight, int passwordHashQueueMax) {
  /** The {@code maximum} of {@code chunkSize} in schemas/options.json. */
  static final int MAX_CHUNK_SIZE = 1000;

  public PasswordWorkConfig {
    if (rateLimitPasswordWeight < 1) {
      throw new IllegalArgumentException(
          "Configuration rateLimitPasswordWeight (env RATE_LIMIT_PASSWORD_WEIGHT) must be at least 1, got "
              + rateLimitPasswordWeight);
    }
    // A chunk's passwords are admitted together: below the largest chunkSize, such a chunk could
    // never run.
    if (passwordHashQueueMax < MAX_CHUNK_SIZE) {
      throw new IllegalArgumentException(
          "Configuration passwordHashQueueMax (env PASSWORD_HASH_QUEUE_MAX) must be "
              + "at least "
              + MAX_CHUNK_SIZE
              + " (the largest chunkSize), got "
              + passwordHashQueueMax);
    }
  }

  static PasswordWorkConfig fromJson(JsonObject json) {
    return new PasswordWorkConfig(
        ServiceConfig.longField(json, "rateLimitPasswordWeight"),
        Math.toIntExact(ServiceConfig.longField(json, "passwordHashQueueMax")));
  }
}
