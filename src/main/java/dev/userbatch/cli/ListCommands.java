package dev.userbatch.cli;

import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The commands that look at jobs or stop one: jobs, status, cancel, failures. */
final class ListCommands {
  private ListCommands() {}

  @Command(name = "jobs", description = "List jobs, newest first.")
  static final class Jobs implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ApiOptions api;

    @Option(names = "--limit", defaultValue = "20", description = "Jobs per page (default: 20)")
    int limit;

    @Option(names = "--before", paramLabel = "CURSOR", description = "The next page's cursor")
    String before;

    @Option(names = "--json", description = "Print the service's JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
      JsonObject page = api.client().list(limit, before);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(page.encode());
      } else {
        out.print(JobSummary.list(page.getJsonArray("jobs")));
        if (page.getString("next") != null) {
          spec.commandLine().getErr().println("more: --before " + page.getString("next"));
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "status", description = "Show one job: status, counts, failures by code.")
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ApiOptions api;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--json", description = "Print the job record as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
      JsonObject job = api.client().get(id);
      PrintWriter out = spec.commandLine().getOut();
      out.print(json ? job.encode() + System.lineSeparator() : JobSummary.of(job, null));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "cancel",
      description = "Cancel a job: chunks in flight finish, the rest become NOT_PROCESSED.")
  static final class Cancel implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ApiOptions api;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() throws Exception {
      JsonObject job = api.client().cancel(id);
      spec.commandLine().getErr().println("job " + id + ": cancel requested");
      spec.commandLine().getOut().print(JobSummary.of(job, null));
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "failures",
      description =
          "Write a job's failures (NDJSON: line, index, item with secrets redacted, code, error).")
  static final class Failures implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ApiOptions api;

    @Parameters(paramLabel = "ID")
    String id;

    @Option(
        names = "--output",
        paramLabel = "FILE",
        description = "Write to FILE instead of standard output")
    Path output;

    @Override
    public Integer call() throws Exception {
      long[] count = new long[1];
      try (Writer writer =
          output == null
              ? new NonClosing(spec.commandLine().getOut())
              : new BufferedWriter(Files.newBufferedWriter(output, StandardCharsets.UTF_8))) {
        api.client()
            .failures(
                id,
                line -> {
                  try {
                    writer.write(line);
                    writer.write('\n');
                    count[0]++;
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      spec.commandLine()
          .getErr()
          .printf("%,d failures%s%n", count[0], output == null ? "" : " written to " + output);
      return ExitCodes.OK;
    }
  }

  /** Standard output stays open after the command. */
  private static final class NonClosing extends java.io.FilterWriter {
    NonClosing(Writer out) {
      super(out);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
