package dev.userbatch.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "import",
    description =
        "Stream FILE (CSV with a header row, or NDJSON) into an import job, show its progress, "
            + "write its failures beside FILE and print a summary.")
final class ImportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ApiOptions api;
  @Mixin JobOptions job;
  @Mixin FollowOptions follow;

  @Parameters(paramLabel = "FILE", description = "users.csv or users.ndjson")
  Path file;

  @Option(
      names = "--format",
      paramLabel = "csv|ndjson",
      description = "Format of FILE (default: from its extension, .csv or .ndjson/.jsonl)")
  JobFormat format;

  @Option(
      names = "--idempotency-key",
      paramLabel = "KEY",
      description = "Send again with the same key: the service answers the same job, not a new one")
  String idempotencyKey;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new ParameterException(spec.commandLine(), "cannot read " + file);
    }
    JobFormat chosen = format != null ? format : JobFormat.of(file);
    if (chosen == null) {
      throw new ParameterException(
          spec.commandLine(), "cannot tell the format of " + file + ": give --format csv|ndjson");
    }
    return new JobFollower(
            api.client(), follow.display(spec.commandLine().getErr()),
            spec.commandLine().getOut(), spec.commandLine().getErr())
        .run(
            file,
            chosen,
            job.query(),
            idempotencyKey,
            follow.failuresFileFor(file),
            UnaryOperator.identity(),
            follow.detach);
  }
}
