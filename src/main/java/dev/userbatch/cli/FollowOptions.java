package dev.userbatch.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How {@code import} and {@code retry} show a job they started, and where failures go. */
final class FollowOptions {
  enum Progress {
    AUTO,
    BAR,
    LINES,
    NONE
  }

  @Option(
      names = "--progress",
      paramLabel = "MODE",
      defaultValue = "auto",
      description =
          "auto (a bar redrawn in place at a terminal, plain lines otherwise), bar, lines or none")
  Progress progress;

  @Option(
      names = "--progress-interval",
      paramLabel = "SECONDS",
      defaultValue = "5",
      description = "Seconds between two progress lines when not drawing a bar (default: 5)")
  double intervalSeconds;

  @Option(
      names = "--failures-file",
      paramLabel = "FILE",
      description =
          "Where failures are written (default: beside FILE, users.csv → users.failures.ndjson)")
  Path failuresFile;

  @Option(
      names = "--detach",
      description = "Print the job id once the upload is accepted, and do not wait for the job")
  boolean detach;

  ProgressDisplay display(PrintWriter err) {
    ProgressDisplay.Mode mode =
        switch (progress) {
          case AUTO -> ProgressDisplay.Mode.auto();
          case BAR -> ProgressDisplay.Mode.BAR;
          case LINES -> ProgressDisplay.Mode.LINES;
          case NONE -> ProgressDisplay.Mode.NONE;
        };
    return new ProgressDisplay(err, mode, System::nanoTime, (long) (intervalSeconds * 1000));
  }

  Path failuresFileFor(Path file) {
    return failuresFile != null ? failuresFile : JobFormat.failureFileFor(file);
  }
}
