package dev.userbatch.cli;

import java.nio.file.Path;
import java.util.Locale;

/** The two upload formats of a job, and which one a file name implies. */
enum JobFormat {
  CSV("text/csv"),
  NDJSON("application/x-ndjson");

  private final String mediaType;

  JobFormat(String mediaType) {
    this.mediaType = mediaType;
  }

  String mediaType() {
    return mediaType;
  }

  /** From the file's extension: .csv, or .ndjson / .jsonl; null when it says neither. */
  static JobFormat of(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".csv")) {
      return CSV;
    }
    if (name.endsWith(".ndjson") || name.endsWith(".jsonl")) {
      return NDJSON;
    }
    return null;
  }

  /** The failure file written beside {@code file}: users.csv → users.failures.ndjson. */
  static Path failureFileFor(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    return file.resolveSibling(stem + ".failures.ndjson");
  }
}
