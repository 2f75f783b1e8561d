package dev.userbatch.batch;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The one place that shapes a batch outcome into the documented response: {@code success},
 * {@code message}, {@code data}, {@code failed[{item, error}]}, {@code stats} — plus additions
 * ({@code index}/{@code code} on failures, {@code missing}, {@code duplicates}) — and its HTTP status.
 */
public record BatchResponse(int status, JsonObject body) {
  public static final String ERRORS_MESSAGE = "Batch operation completed with errors";

  public static BatchResponse of(BatchOutcome outcome) {
    JsonArray failed = new JsonArray();
    outcome.failures().forEach(f -> failed.add(f.toJson()));
    int failedCount = outcome.failures().size();
    boolean success = failedCount == 0;

    JsonObject body = new JsonObject().put("success", success);
    JsonObject stats;
    if (outcome.operation().kind() == BatchOperation.Kind.LOOKUP) {
      int found = outcome.successful();
      int requested = outcome.total();
      body.put("message", success ? "Found " + found + " out of " + requested + " users" : ERRORS_MESSAGE);
      stats = new JsonObject()
          .put("requested", requested)
          .put("found", found)
          .put("missing", outcome.missing().size())
          .put("failed", failedCount);
    } else {
      body.put("message", success
          ? "Successfully " + outcome.operation().pastTense() + " " + outcome.successful() + " out of "
              + outcome.total() + " users"
          : ERRORS_MESSAGE);
      stats = new JsonObject()
          .put("total", outcome.total())
          .put("successful", outcome.successful())
          .put("failed", failedCount);
      if (outcome.options().onConflict() == BatchOptions.OnConflict.SKIP) {
        stats.put("skipped", outcome.skipped().size());
        body.put("skipped", ItemFailure.toJsonArray(outcome.skipped()));
      }
    }
    if (outcome.options().dryRun()) {
      body.put("dryRun", true);
      body.put("message", "Dry run: " + body.getString("message") + "; nothing was written");
    }
    if (outcome.options().atomic()) {
      body.put("atomic", true);
    }
    stats.put("duplicates", outcome.duplicates().size()).put("chunks", outcome.chunks());
    body.put("data", outcome.data()).put("failed", failed).put("stats", stats);
    if (body.containsKey("skipped")) {
      body.put("skipped", body.remove("skipped"));
    }
    if (outcome.operation().kind() == BatchOperation.Kind.LOOKUP) {
      body.put("missing", outcome.missing());
    }
    if (!outcome.duplicates().isEmpty()) {
      JsonArray duplicates = new JsonArray();
      outcome.duplicates().forEach(d -> duplicates.add(d.toJson()));
      body.put("duplicates", duplicates);
    }
    return new BatchResponse(statusOf(outcome, failedCount), body);
  }

  private static int statusOf(BatchOutcome outcome, int failedCount) {
    if (failedCount == 0) {
      return 200;
    }
    boolean nothingSucceeded = outcome.successful() == 0 && outcome.missing().isEmpty() && outcome.skipped().isEmpty();
    return nothingSucceeded ? 422 : 207;
  }
}
