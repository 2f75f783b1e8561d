package dev.userbatch.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** How a job record reads in a terminal: the summary of one job, and the jobs list. */
final class JobSummary {
  private JobSummary() {}

  /** The table printed at the end of an import, and by {@code status}. */
  static String of(JsonObject job, Path failureFile) {
    JsonObject counts = job.getJsonObject("counts", new JsonObject());
    TextTable table = new TextTable(false, false);
    table.row("job", job.getString("id"));
    table.row("operation", job.getString("operation") + " (" + job.getString("format") + ")");
    table.row("status", job.getString("status"));
    for (String count : new String[] {"total", "processed", "succeeded", "failed", "skipped"}) {
      table.row(count, number(counts.getLong(count, 0L)));
    }
    Duration took = duration(job);
    if (took != null) {
      table.row("duration", String.format(Locale.ROOT, "%.1f s", took.toMillis() / 1000.0));
      long processed = counts.getLong("processed", 0L);
      if (took.toMillis() > 0) {
        table.row(
            "rate",
            String.format(Locale.ROOT, "%,.0f items/s", processed * 1000.0 / took.toMillis()));
      }
    }
    JsonObject byCode = job.getJsonObject("failuresByCode", new JsonObject());
    for (Map.Entry<String, Object> entry : byCode) {
      table.row("  " + entry.getKey(), number(((Number) entry.getValue()).longValue()));
    }
    if (job.getString("error") != null) {
      table.row("error", job.getString("error"));
    }
    if (failureFile != null) {
      table.row("failure file", failureFile.toString());
    }
    return table.render();
  }

  /** One row per job, newest first as the service lists them. */
  static String list(JsonArray jobs) {
    TextTable table = new TextTable(false, false, false, true, true, true, false, true);
    table.row("ID", "STATUS", "OPERATION", "PROCESSED", "TOTAL", "FAILED", "CREATED", "DURATION");
    for (Object each : jobs) {
      JsonObject job = (JsonObject) each;
      JsonObject counts = job.getJsonObject("counts", new JsonObject());
      Duration took = duration(job);
      table.row(
          job.getString("id"),
          job.getString("status"),
          job.getString("operation"),
          number(counts.getLong("processed", 0L)),
          number(counts.getLong("total", 0L)),
          number(counts.getLong("failed", 0L)),
          job.getString("createdAt"),
          took == null ? "" : String.format(Locale.ROOT, "%.1f s", took.toMillis() / 1000.0));
    }
    return table.render();
  }

  static String failuresByCode(JsonObject job) {
    return job.getJsonObject("failuresByCode", new JsonObject()).stream()
        .map(e -> e.getKey() + " " + e.getValue())
        .collect(Collectors.joining(", "));
  }

  private static String number(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** From startedAt to finishedAt (or to now while it runs); null before it started. */
  private static Duration duration(JsonObject job) {
    try {
      String started = job.getString("startedAt");
      if (started == null) {
        return null;
      }
      String finished = job.getString("finishedAt");
      return Duration.between(
          Instant.parse(started), finished == null ? Instant.now() : Instant.parse(finished));
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
