package dev.userbatch.batch;

import dev.userbatch.user.User;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.UUID;

/**
 * The one place that shapes a batch outcome into the documented response: {@code success}, {@code
 * message}, {@code data}, {@code failed[{item, error}]}, {@code stats} — plus additions ({@code
 * index}/{@code code} on failures, {@code missing}, {@code duplicates}) — and its HTTP status. The
 * users become JSON here, once.
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
    if (outcome.operation().kind() == Operation.Kind.LOOKUP) {
      int found = outcome.successful();
      int requested = outcome.total();
      body.put(
          "message",
          success ? "Found " + found + " out of " + requested + " users" : ERRORS_MESSAGE);
      stats =
          new JsonObject()
              .put("requested", requested)
              .put("found", found)
              .put("missing", outcome.missing().size())
              .put("failed", failedCount);
    } else {
      body.put(
          "message",
          success
              ? "Successfully "
                  + outcome.operation().pastTense()
                  + " "
                  + outcome.successful()
                  + " out of "
                  + outcome.total()
                  + " users"
              : ERRORS_MESSAGE);
      stats =
          new JsonObject()
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
    body.put("data", users(outcome)).put("failed", failed).put("stats", stats);
    if (body.containsKey("skipped")) {
      body.put("skipped", body.remove("skipped"));
    }
    if (outcome.operation().kind() == Operation.Kind.LOOKUP) {
      JsonArray missing = new JsonArray(new ArrayList<>(outcome.missing().size()));
      for (UUID id : outcome.missing()) {
        missing.add(id.toString());
      }
      body.put("missing", missing);
    }
    if (!outcome.duplicates().isEmpty()) {
      JsonArray duplicates = new JsonArray();
      outcome.duplicates().forEach(d -> duplicates.add(d.toJson()));
      body.put("duplicates", duplicates);
    }
    return new BatchResponse(statusOf(outcome, failedCount), body);
  }

  private static JsonArray users(BatchOutcome outcome) {
    JsonArray users = new JsonArray(new ArrayList<>(outcome.data().size()));
    for (User user : outcome.data()) {
      users.add(user.toJson());
    }
    return users;
  }

  private static int statusOf(BatchOutcome outcome, int failedCount) {
    if (failedCount == 0) {
      return 200;
    }
    boolean nothingSucceeded =
        outcome.successful() == 0 && outcome.missing().isEmpty() && outcome.skipped().isEmpty();
    return nothingSucceeded ? 422 : 207;
  }
}
