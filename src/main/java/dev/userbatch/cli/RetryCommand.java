package dev.userbatch.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Locale;
import java.util.concurrent.Callable;
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
            + "job with the same operation and options. The new failure file names lines of FILE.")
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
    client.failures(
        id,
        failure -> {
          Integer line = new JsonObject(failure).getInteger("line");
          if (line == null || line < 1) {
            withoutLine[0]++;
          } else {
            lines.set(line);
          }
        });
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
              follow.failuresFileFor(file),
              selected::remap,
              follow.detach);
    } finally {
      Files.deleteIfExists(retryFile);
    }
  }
}
