package dev.userbatch.cli;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The operation and batch options of a new job: the query string of its upload. */
final class JobOptions {
  @Option(
      names = {"-o", "--operation"},
      paramLabel = "OP",
      defaultValue = "create",
      description =
          "create, update, last-login, soft-delete or restore (default: ${DEFAULT-VALUE})")
  String operation;

  @Option(names = "--chunk-size", paramLabel = "N", description = "Items per chunk (1-1000)")
  Integer chunkSize;

  @Option(
      names = "--max-concurrency",
      paramLabel = "N",
      description = "Chunks in flight at once (1-10)")
  Integer maxConcurrency;

  @Option(
      names = "--continue-on-error",
      paramLabel = "BOOL",
      arity = "1",
      description = "Go on after a failed chunk (default on the service: true)")
  Boolean continueOnError;

  @Option(
      names = "--on-conflict",
      paramLabel = "fail|skip",
      description = "create: an email in use fails the item (fail) or skips it (skip)")
  String onConflict;

  @Option(names = "--dry-run", description = "Check every item, write nothing")
  boolean dryRun;

  Map<String, String> query() {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("operation", operation);
    put(query, "chunkSize", chunkSize);
    put(query, "maxConcurrency", maxConcurrency);
    put(query, "continueOnError", continueOnError);
    put(query, "onConflict", onConflict);
    if (dryRun) {
      query.put("dryRun", "true");
    }
    return query;
  }

  /** The query that starts a job like {@code job} (a retry runs as its original did). */
  static Map<String, String> sameAs(JsonObject job) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("operation", job.getString("operation"));
    JsonObject options = job.getJsonObject("options", new JsonObject());
    for (String name :
        new String[] {"chunkSize", "maxConcurrency", "continueOnError", "onConflict", "dryRun"}) {
      put(query, name, options.getValue(name));
    }
    return query;
  }

  private static void put(Map<String, String> query, String name, Object value) {
    if (value != null) {
      query.put(name, String.valueOf(value));
    }
  }
}
