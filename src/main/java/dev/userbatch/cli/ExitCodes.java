package dev.userbatch.cli;

/** The exit codes of the client commands, listed in {@code --help} (Cli) and the README. */
final class ExitCodes {
  /** Done; for an import, every item succeeded (or was skipped). */
  static final int OK = 0;

  /** The job finished, but at least one item failed: see the failure file. */
  static final int ITEMS_FAILED = 1;

  /** Bad command line (picocli's own code for a usage error). */
  static final int USAGE = 2;

  /** The job ended as {@code failed} or {@code cancelled}. */
  static final int JOB_NOT_COMPLETED = 3;

  /** The service refused the request (an error status: 4xx or 5xx). */
  static final int REFUSED = 4;

  /** The service could not be reached, or a local file could not be read or written. */
  static final int IO_ERROR = 5;

  private ExitCodes() {}
}
