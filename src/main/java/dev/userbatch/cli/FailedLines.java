package dev.userbatch.cli;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;

/**
 * The lines of an uploaded file that failed, cut out into a new file to send again: the lines the
 * failure file names (1-based, as the service counts them: a CSV header is line 1), and a CSV's
 * header first. The file is read once, line by line.
 */
final class FailedLines {
  private final int[] originalLines;

  private FailedLines(int[] originalLines) {
    this.originalLines = originalLines;
  }

  /**
   * Writes to {@code target} the lines of {@code source} whose numbers are set in {@code lines},
   * after line 1 when {@code keepHeader}.
   */
  static FailedLines copy(Path source, Path target, BitSet lines, boolean keepHeader)
      throws IOException {
    int[] kept = new int[Math.max(16, lines.cardinality() + 1)];
    int count = 0;
    try (BufferedReader in = Files.newBufferedReader(source, StandardCharsets.UTF_8);
        BufferedWriter out = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
      int number = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        number++;
        if (lines.get(number) || (keepHeader && number == 1)) {
          out.write(line);
          out.write('\n');
          if (count == kept.length) {
            kept = Arrays.copyOf(kept, count * 2);
          }
          kept[count++] = number;
        }
      }
      int missing = lines.nextSetBit(number + 1);
      if (missing > 0) {
        throw new IOException(
            source
                + " has "
                + number
                + " lines, but the job failed line "
                + missing
                + ": is it the file the job was started from?");
      }
    }
    return new FailedLines(Arrays.copyOf(kept, count));
  }

  /** The line of the original file that line {@code line} (1-based) of the new file came from. */
  int originalLine(int line) {
    return line >= 1 && line <= originalLines.length ? originalLines[line - 1] : line;
  }

  int written() {
    return originalLines.length;
  }

  /** A failure entry of the retry's job, its {@code line} turned back into the original's. */
  JsonObject remap(JsonObject entry) {
    Integer line = entry.getInteger("line");
    if (line != null) {
      entry.put("line", originalLine(line));
    }
    return entry;
  }
}
