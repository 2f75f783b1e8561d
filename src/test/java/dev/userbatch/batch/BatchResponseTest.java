package dev.userbatch.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.user.User;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The status of a batch response for every combination of what its items did, as a table: 200 when
 * nothing failed, 207 when something failed and something else succeeded, was skipped or was (for a
 * lookup) found missing, 422 when everything failed. The failures' code does not matter: a batch
 * whose items all failed for a system reason is a 422 too (whole-request 5xx answers are {@link
 * RequestException}s, not batch outcomes).
 */
class BatchResponseTest {
  private static final Instant T = Instant.parse("2026-01-02T03:04:05Z");

  private static BatchOutcome outcome(
      Operation operation, int succeeded, int failed, int skipped, int missing, ErrorCode code) {
    BatchOptions options =
        new BatchOptions(
            100,
            5,
            true,
            false,
            false,
            skipped > 0 ? BatchOptions.OnConflict.SKIP : BatchOptions.OnConflict.FAIL);
    List<User> data = new ArrayList<>();
    List<ItemFailure> failures = new ArrayList<>();
    List<ItemFailure> skips = new ArrayList<>();
    List<UUID> absent = new ArrayList<>();
    int index = 0;
    for (int i = 0; i < succeeded; i++, index++) {
      data.add(new User(UUID.randomUUID(), "u" + index + "@x.io", "U", 1, T, T, null, null));
    }
    for (int i = 0; i < failed; i++, index++) {
      failures.add(ItemFailure.of(index, code, "failed").withItem("item-" + index));
    }
    for (int i = 0; i < skipped; i++, index++) {
      skips.add(ItemFailure.of(index, ErrorCode.DUPLICATE_EMAIL, "exists"));
    }
    for (int i = 0; i < missing; i++, index++) {
      absent.add(UUID.randomUUID());
    }
    return new BatchOutcome(
        operation,
        options,
        index,
        data,
        failures,
        skips,
        List.of(),
        absent,
        1,
        List.of(index),
        false);
  }

  @ParameterizedTest(name = "{0}: {1} ok, {2} failed ({5}), {3} skipped, {4} missing -> {6}")
  @CsvSource({
    // operation, succeeded, failed, skipped, missing, failure code, status
    "create, 0, 0, 0, 0, VALIDATION_ERROR, 200",
    "create, 2, 0, 0, 0, VALIDATION_ERROR, 200",
    "create, 0, 0, 2, 0, VALIDATION_ERROR, 200",
    "create, 2, 0, 2, 0, VALIDATION_ERROR, 200",
    "create, 2, 1, 0, 0, VALIDATION_ERROR, 207",
    "create, 0, 1, 2, 0, DUPLICATE_EMAIL, 207",
    "create, 2, 1, 2, 0, VALIDATION_ERROR, 207",
    "create, 0, 3, 0, 0, VALIDATION_ERROR, 422",
    "create, 0, 3, 0, 0, DATABASE_UNAVAILABLE, 422",
    "update, 1, 1, 0, 0, VERSION_CONFLICT, 207",
    "update, 0, 2, 0, 0, TIMEOUT, 422",
    "soft-delete, 0, 1, 0, 0, NOT_PROCESSED, 422",
    "lookup, 0, 0, 0, 0, VALIDATION_ERROR, 200",
    "lookup, 2, 0, 0, 0, VALIDATION_ERROR, 200",
    "lookup, 0, 0, 0, 2, VALIDATION_ERROR, 200",
    "lookup, 2, 0, 0, 2, VALIDATION_ERROR, 200",
    "lookup, 2, 1, 0, 0, VALIDATION_ERROR, 207",
    "lookup, 0, 1, 0, 2, VALIDATION_ERROR, 207",
    "lookup, 2, 1, 0, 2, INTERNAL, 207",
    "lookup, 0, 2, 0, 0, VALIDATION_ERROR, 422",
    "lookup, 0, 2, 0, 0, INTERNAL, 422",
  })
  void statusOfEveryCombination(
      String operation,
      int succeeded,
      int failed,
      int skipped,
      int missing,
      ErrorCode code,
      int status) {
    Operation op = Operation.fromWireName(operation).orElseThrow();
    BatchResponse response =
        BatchResponse.of(outcome(op, succeeded, failed, skipped, missing, code));
    assertThat(response.status()).isEqualTo(status);
    JsonObject body = response.body();
    assertThat(body.getBoolean("success")).isEqualTo(failed == 0);
    assertThat(body.getJsonArray("data")).hasSize(succeeded);
    assertThat(body.getJsonArray("failed")).hasSize(failed);
    JsonObject stats = body.getJsonObject("stats");
    assertThat(stats.getInteger("failed")).isEqualTo(failed);
    if (op.kind() == Operation.Kind.LOOKUP) {
      assertThat(stats.getInteger("found")).isEqualTo(succeeded);
      assertThat(stats.getInteger("missing")).isEqualTo(missing);
      assertThat(stats.getInteger("requested")).isEqualTo(succeeded + failed + missing);
      assertThat(body.getJsonArray("missing")).hasSize(missing);
    } else {
      assertThat(stats.getInteger("successful")).isEqualTo(succeeded);
      assertThat(stats.getInteger("total")).isEqualTo(succeeded + failed + skipped);
      assertThat(stats.getInteger("skipped")).isEqualTo(skipped > 0 ? skipped : null);
    }
  }

  @Test
  void messagesSayWhatHappened() {
    assertThat(
            BatchResponse.of(outcome(Operation.CREATE, 2, 0, 0, 0, ErrorCode.INTERNAL))
                .body()
                .getString("message"))
        .isEqualTo("Successfully created 2 out of 2 users");
    assertThat(
            BatchResponse.of(outcome(Operation.LOOKUP, 1, 0, 0, 2, ErrorCode.INTERNAL))
                .body()
                .getString("message"))
        .isEqualTo("Found 1 out of 3 users");
    assertThat(
            BatchResponse.of(outcome(Operation.UPDATE, 1, 1, 0, 0, ErrorCode.INTERNAL))
                .body()
                .getString("message"))
        .isEqualTo(BatchResponse.ERRORS_MESSAGE);
  }

  @Test
  void failuresCarryTheirIndexCodeAndItem() {
    JsonObject failure =
        BatchResponse.of(outcome(Operation.UPDATE, 1, 1, 0, 0, ErrorCode.VERSION_CONFLICT))
            .body()
            .getJsonArray("failed")
            .getJsonObject(0);
    assertThat(failure.getMap())
        .containsEntry("index", 1)
        .containsEntry("code", "VERSION_CONFLICT")
        .containsEntry("item", "item-1")
        .containsEntry("error", "failed");
  }
}
