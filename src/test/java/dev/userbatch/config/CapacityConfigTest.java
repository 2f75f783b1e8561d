package dev.userbatch.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * The capacity settings: 0 derives a value from cores and workers; a negative one names its env
 * var.
 */
class CapacityConfigTest {

  private static JsonObject settings(long batches, long queue, long decodes, long requestPool) {
    return new JsonObject()
        .put("maxBatchesInFlight", batches)
        .put("maxBodyBytesInFlight", batches == 3 ? 1000 : 0)
        .put("admissionQueueSize", queue)
        .put("admissionQueueTimeoutMs", 10_000)
        .put("bodyReadTimeoutMs", 30_000)
        .put("maxDecodesInFlight", decodes)
        .put("requestPoolSize", requestPool);
  }

  private static final long GB = 1L << 30;
  private static final long BODY = 16L << 20;

  @Test
  void zeroDerivesFromCoresAndWorkers() {
    CapacityConfig derived = CapacityConfig.fromJson(settings(0, 0, 0, 0), 4, 2, 4 * GB, BODY);
    assertThat(derived).isEqualTo(new CapacityConfig(16, GB, 64, 10_000, 30_000, 2, 8));
    assertThat(CapacityConfig.fromJson(settings(0, 0, 0, 0), 2, 16, 4 * GB, BODY))
        .isEqualTo(new CapacityConfig(64, GB, 256, 10_000, 30_000, 16, 8));
  }

  /** Few batches in flight need few request connections, but never fewer than 2. */
  @Test
  void theRequestPoolFollowsTheBatchesInFlight() {
    assertThat(CapacityConfig.fromJson(settings(2, 0, 0, 0), 4, 2, 4 * GB, BODY).requestPoolSize())
        .isEqualTo(2);
    assertThat(CapacityConfig.fromJson(settings(9, 0, 0, 0), 4, 2, 4 * GB, BODY).requestPoolSize())
        .isEqualTo(5);
    assertThat(
            CapacityConfig.fromJson(settings(100, 0, 0, 0), 4, 2, 4 * GB, BODY).requestPoolSize())
        .isEqualTo(8);
  }

  @Test
  void bodiesInFlightFitInAQuarterOfTheHeap() {
    // -Xmx256m: 64 MiB of bodies in flight, counted by their announced size.
    assertThat(
            CapacityConfig.fromJson(settings(0, 0, 0, 0), 4, 2, 256L << 20, BODY)
                .maxBodyBytesInFlight())
        .isEqualTo(64L << 20);
  }

  /**
   * Ordinary concurrency waits, it is not refused: the benchmark's 16 clients of 10-user batches
   * got 40,753 fast 503s in 60 s against a door of 5 places and 10 waiting. A waiting request holds
   * only its connection and headers (its body is not read yet), so the queue can be wide even when
   * the heap allows few bodies in flight.
   */
  @Test
  void theDoorLetsSixtyFourClientsWaitWhateverTheHeap() {
    for (long heap : new long[] {64L << 20, 256L << 20, 4 * GB}) {
      CapacityConfig derived = CapacityConfig.fromJson(settings(0, 0, 0, 0), 4, 2, heap, BODY);
      assertThat(derived.maxBatchesInFlight() + derived.admissionQueueSize())
          .as("heap %d", heap)
          .isGreaterThanOrEqualTo(64);
    }
  }

  @Test
  void explicitValuesAreKept() {
    assertThat(CapacityConfig.fromJson(settings(3, 5, 1, 2), 4, 2, 4 * GB, BODY))
        .isEqualTo(new CapacityConfig(3, 1000, 5, 10_000, 30_000, 1, 2));
  }

  @Test
  void aNegativeValueNamesItsEnvironmentVariable() {
    assertThatThrownBy(() -> CapacityConfig.fromJson(settings(-1, 0, 0, 0), 4, 2, 4 * GB, BODY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Configuration maxBatchesInFlight (env MAX_BATCHES_IN_FLIGHT) must be 0 (derive it) or positive, got -1");
    assertThatThrownBy(
            () ->
                CapacityConfig.fromJson(
                    settings(0, 0, 0, 0).put("bodyReadTimeoutMs", 0), 4, 2, 4 * GB, BODY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Configuration bodyReadTimeoutMs (env BODY_READ_TIMEOUT_MS) must be positive, got 0");
  }
}
