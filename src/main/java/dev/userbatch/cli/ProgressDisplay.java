package dev.userbatch.cli;

import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The progress of an upload and then of the job, on standard error. At a terminal ({@link
 * Mode#BAR}) one line is redrawn in place with a carriage return; otherwise ({@link Mode#LINES},
 * e.g. a CI log) a plain line is printed at most every {@code lineInterval}, and at the end: no
 * control characters in a file.
 */
final class ProgressDisplay {
  enum Mode {
    BAR,
    LINES,
    NONE;

    /** BAR when the process has a terminal (and TERM is not "dumb"), LINES otherwise. */
    static Mode auto() {
      return System.console() != null && !"dumb".equals(System.getenv("TERM")) ? BAR : LINES;
    }
  }

  private static final int BAR_WIDTH = 30;
  private static final long REDRAW_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private final PrintWriter err;
  private final Mode mode;
  private final LongSupplier nanoClock;
  private final long lineIntervalNanos;
  private final long startNanos;
  private long lastShown = Long.MIN_VALUE;
  private int lastWidth;
  private boolean uploaded;

  ProgressDisplay(PrintWriter err, Mode mode, LongSupplier nanoClock, long lineIntervalMillis) {
    this.err = err;
    this.mode = mode;
    this.nanoClock = nanoClock;
    this.lineIntervalNanos = TimeUnit.MILLISECONDS.toNanos(lineIntervalMillis);
    this.startNanos = nanoClock.getAsLong();
  }

  /** {@code sent} of {@code size} bytes of the file uploaded. */
  void uploading(long sent, long size) {
    boolean last = sent >= size;
    if (uploaded || !due(last)) {
      return;
    }
    double seconds = Math.max(1e-3, (nanoClock.getAsLong() - startNanos) / 1e9);
    double fraction = size == 0 ? 1 : (double) sent / size;
    show(
        String.format(
            Locale.ROOT,
            "uploading %s %5.1f %%  %s of %s  %s/s",
            bar(fraction),
            fraction * 100,
            bytes(sent),
            bytes(size),
            bytes((long) (sent / seconds))));
    if (last) {
      uploaded = true;
      endLine();
    }
  }

  /** A progress event of the job (its record); the final one is always shown. */
  void job(JsonObject record, boolean last) {
    if (!due(last)) {
      return;
    }
    show(describe(record));
    if (last) {
      endLine();
    }
  }

  /** "[####------] 40.0 % 4,000/10,000 items 1,250 items/s ETA 4s 3 failed". */
  static String describe(JsonObject record) {
    JsonObject counts = record.getJsonObject("counts", new JsonObject());
    long total = counts.getLong("total", 0L);
    long processed = counts.getLong("processed", 0L);
    long failed = counts.getLong("failed", 0L);
    double fraction = total == 0 ? 0 : Math.min(1, (double) processed / total);
    Number rate = record.getNumber("rate");
    Number eta = record.getNumber("etaSeconds");
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%s %5.1f %%  %,d/%,d items",
                bar(fraction),
                fraction * 100,
                processed,
                total));
    if (rate != null) {
      line.append(String.format(Locale.ROOT, "  %,.0f items/s", rate.doubleValue()));
    }
    if (eta != null) {
      line.append("  ETA ").append(duration(eta.longValue()));
    }
    if (failed > 0) {
      line.append(String.format(Locale.ROOT, "  %,d failed", failed));
    }
    line.append("  ").append(record.getString("status", ""));
    return line.toString();
  }

  static String bar(double fraction) {
    int filled = (int) Math.round(Math.max(0, Math.min(1, fraction)) * BAR_WIDTH);
    return "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "]";
  }

  /** 75 → "1m15s", 3725 → "1h02m", 9 → "9s". */
  static String duration(long seconds) {
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    if (n < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
    }
    if (n < 1024L * 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }
    return String.format(Locale.ROOT, "%.2f GiB", n / (1024.0 * 1024 * 1024));
  }

  private boolean due(boolean last) {
    if (mode == Mode.NONE) {
      return false;
    }
    long now = nanoClock.getAsLong();
    long interval = mode == Mode.BAR ? REDRAW_NANOS : lineIntervalNanos;
    if (!last && lastShown != Long.MIN_VALUE && now - lastShown < interval) {
      return false;
    }
    lastShown = now;
    return true;
  }

  private void show(String text) {
    if (mode == Mode.BAR) {
      // overwrite the previous line; spaces wipe what a longer one left
      err.print("\r" + text + " ".repeat(Math.max(0, lastWidth - text.length())));
      lastWidth = text.length();
    } else {
      err.println(text);
    }
    err.flush();
  }

  private void endLine() {
    if (mode == Mode.BAR) {
      err.println();
      lastWidth = 0;
    }
    lastShown = Long.MIN_VALUE;
  }
}
