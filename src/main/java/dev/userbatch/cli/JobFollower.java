package dev.userbatch.cli;

import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Uploads a file as a job, follows it to its end with the progress display, writes its failures to
 * the failure file and prints the summary: what {@code import} and {@code retry} share.
 */
final class JobFollower {
  static final Set<String> FINAL =
      Set.of("completed", "completed_with_errors", "failed", "cancelled");

  /** The field of a failure-file entry that names the job it failed in. */
  static final String JOB = "job";

  /** Reconnections to the event stream before giving up on a job that does not end. */
  private static final int MAX_RECONNECTS = 120;

  private final JobsClient client;
  private final ProgressDisplay progress;
  private final PrintWriter out;
  private final PrintWriter err;

  JobFollower(JobsClient client, ProgressDisplay progress, PrintWriter out, PrintWriter err) {
    this.client = client;
    this.progress = progress;
    this.out = out;
    this.err = err;
  }

  /**
   * Uploads {@code upload}; unless {@code detach}, follows the job and answers the exit code.
   * {@code remapFailure} rewrites each failure entry before it is written (a retry's line numbers
   * back to the original file's); each entry also names its job ({@value #JOB}), so that a retry of
   * a retry knows the lines are the original file's.
   */
  int run(
      Path upload,
      JobFormat format,
      Map<String, String> query,
      String idempotencyKey,
      Path failureFile,
      UnaryOperator<JsonObject> remapFailure,
      boolean detach)
      throws IOException, InterruptedException, ApiException {
    long size = Files.size(upload);
    JsonObject job =
        client.submit(
            upload, format, query, idempotencyKey, sent -> progress.uploading(sent, size));
    progress.uploading(size, size);
    String id = job.getString("id");
    err.printf(
        "job %s accepted: %,d items staged, %s%n",
        id,
        job.getJsonObject("counts", new JsonObject()).getLong("total", 0L),
        job.getString("status"));
    err.flush();
    if (detach) {
      out.println(id);
      out.flush();
      return ExitCodes.OK;
    }
    JsonObject last = follow(id);
    Path written = writeFailures(last, failureFile, remapFailure);
    out.print(JobSummary.of(last, written));
    out.flush();
    return exitCode(last);
  }

  /** The job's final record, following its event stream (and reconnecting if it breaks). */
  JsonObject follow(String id) throws IOException, InterruptedException, ApiException {
    JsonObject[] latest = new JsonObject[1];
    boolean[] ended = new boolean[1];
    for (int attempt = 0; attempt <= MAX_RECONNECTS; attempt++) {
      try {
        client.events(
            id,
            event -> {
              JsonObject record = new JsonObject(event.data());
              boolean end =
                  event.name().equals("end") || FINAL.contains(record.getString("status"));
              latest[0] = record;
              ended[0] |= end;
              progress.job(record, end);
            });
      } catch (IOException e) {
        err.println("event stream broken (" + e + "); reconnecting");
      }
      if (ended[0]) {
        return latest[0];
      }
      JsonObject now = client.get(id);
      if (FINAL.contains(now.getString("status"))) {
        progress.job(now, true);
        return now;
      }
      Thread.sleep(1000);
    }
    throw new IOException("job " + id + " did not end after " + MAX_RECONNECTS + " reconnections");
  }

  /** Writes the failure file when items failed; removes a stale one from an earlier run if none. */
  private Path writeFailures(JsonObject job, Path file, UnaryOperator<JsonObject> remap)
      throws IOException, InterruptedException, ApiException {
    long failed = job.getJsonObject("counts", new JsonObject()).getLong("failed", 0L);
    if (failed == 0) {
      if (Files.deleteIfExists(file)) {
        err.println("no failures: removed " + file + " of an earlier run");
      }
      return null;
    }
    Path partial = file.resolveSibling(file.getFileName() + ".part");
    long[] written = new long[1];
    try (BufferedWriter writer = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
      client.failures(
          job.getString("id"),
          line -> {
            try {
              writer.write(
                  remap.apply(new JsonObject(line)).put(JOB, job.getString("id")).encode());
              writer.write('\n');
              written[0]++;
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    err.printf("%,d failures written to %s%n", written[0], file);
    return file;
  }

  static int exitCode(JsonObject job) {
    String status = job.getString("status");
    long failed = job.getJsonObject("counts", new JsonObject()).getLong("failed", 0L);
    if ("failed".equals(status) || "cancelled".equals(status)) {
      return ExitCodes.JOB_NOT_COMPLETED;
    }
    return failed > 0 || "completed_with_errors".equals(status)
        ? ExitCodes.ITEMS_FAILED
        : ExitCodes.OK;
  }
}
