package dev.userbatch.config;

import io.vertx.core.json.JsonObject;

/**
 * How often a chunk is sent again (part of {@link ServiceConfig}). A chunk whose reply timed out or
 * that found no worker ({@code NO_HANDLERS}: the workers are restarting, or the worker nodes left)
 * is sent again under the same chunk key, after a back-off that doubles each time; the worker
 * answers a key that already committed with its recorded result, so a resend never applies a chunk
 * twice.
 *
 * @param maxDeliveries {@code CHUNK_MAX_DELIVERIES}: sends of one chunk at most (1: never again)
 * @param backoffMs {@code CHUNK_REDELIVERY_BACKOFF_MS}: the wait before the second send; doubled
 *     for each later one
 */
public record ChunkDeliveryConfig(int maxDeliveries, long backoffMs) {
  public ChunkDeliveryConfig {
    if (maxDeliveries < 1 || maxDeliveries > 10) {
      throw new IllegalArgumentException(
          "Configuration chunkMaxDeliveries (env CHUNK_MAX_DELIVERIES) must be 1 to 10, got "
              + maxDeliveries);
    }
    if (backoffMs < 0 || backoffMs > 60_000) {
      throw new IllegalArgumentException(
          "Configuration chunkRedeliveryBackoffMs (env CHUNK_REDELIVERY_BACKOFF_MS) must be 0 to"
              + " 60000, got "
              + backoffMs);
    }
  }

  /** The wait before delivery number {@code next} (2 or more). */
  public long backoffBefore(int next) {
    return backoffMs << Math.min(next - 2, 8);
  }

  static ChunkDeliveryConfig fromJson(JsonObject json) {
    return new ChunkDeliveryConfig(
        Math.toIntExact(ServiceConfig.longField(json, "chunkMaxDeliveries")),
        ServiceConfig.longField(json, "chunkRedeliveryBackoffMs"));
  }
}
