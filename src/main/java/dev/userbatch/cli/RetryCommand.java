package dev.userbatch.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "retry",
    description =
        "Send again only the lines of FILE that failed in job ID (a CSV keeps its header), as a new "
            + "job with the same operation and options. The failed lines come from the failure file "
            + "beside FILE when it was written for job ID (always so for a retry's job), from the "
            + "service otherwise. The new failure file names lines of FILE.")
final class RetryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ApiOptions api;
  @Mixin FollowOptions follow;

  @Parameters(paramLabel = "ID", description = "The job whose failed lines are sent again")
  String id;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "FILE",
      description = "The file job ID was started from (fix its failed lines first)")
  Path file;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new ParameterException(spec.commandLine(), "cannot read " + file);
    }
    JobsClient client = api.client();
    JsonObject original = client.get(id);
    if (!JobFollower.FINAL.contains(original.getString("status"))) {
      err.println(
          "job " + id + " is still " + original.getString("status") + ": retry it once it ended");
      return ExitCodes.USAGE;
    }
    BitSet lines = new BitSet();
    int[] withoutLine = new int[1];
    Consumer<String> collect =
        failure -> {
          Integer line = new JsonObject(failure).getInteger("line");
          if (line == null || line < 1) {
            withoutLine[0]++;
          } else {
            lines.set(line);
          }
        };
    Path failureFile = follow.failuresFileFor(file);
    if (writtenFor(failureFile, id)) {
      // a retry's failures: their lines in the failure file are FILE's, the service's are not
      err.println("failed lines from " + failureFile + " (written for job " + id + ")");
      try (Stream<String> entries = Files.lines(failureFile, StandardCharsets.UTF_8)) {
        entries.filter(entry -> !entry.isBlank()).forEach(collect);
      }
    } else {
      client.failures(id, collect);
    }
    if (withoutLine[0] > 0) {
      err.printf("%,d failures name no line and are not sent again%n", withoutLine[0]);
    }
    if (lines.isEmpty()) {
      err.println("job " + id + " has no failed lines: nothing to retry");
      return ExitCodes.OK;
    }
    JobFormat format = JobFormat.valueOf(original.getString("format").toUpperCase(Locale.ROOT));
    Path retryFile =
        Files.createTempFile("user-batch-retry-", "." + format.name().toLowerCase(Locale.ROOT));
    try {
      FailedLines selected = FailedLines.copy(file, retryFile, lines, format == JobFormat.CSV);
      err.printf(
          "sending again %,d failed lines of %s (job %s, %s)%n",
          lines.cardinality(), file, id, original.getString("operation"));
      return new JobFollower(client, follow.display(err), spec.commandLine().getOut(), err)
          .run(
              retryFile,
              format,
              JobOptions.sameAs(original),
              null,
              failureFile,
              selected::remap,
              follow.detach);
    } finally {
      Files.deleteIfExists(retryFile);
    }
  }

  /** Whether {@code failureFile} is the one this client wrote for job {@code id}. */
  private static boolean writtenFor(Path failureFile, String id) throws IOException {
    if (!Files.isRegularFile(failureFile)) {
      return false;
    }
    try (BufferedReader in = Files.newBufferedReader(failureFile, StandardCharsets.UTF_8)) {
      String first = in.readLine();
      return first != null && id.equals(new JsonObject(first).getString(JobFollower.JOB));
    } catch (DecodeException e) {
      return false;
    }
  }
}
