package dev.userbatch.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap of the big-create service: jstat samples of used heap (JSTAT_LOG), the before/after-GC
 * sizes of its GC log (GC_LOG), OutOfMemoryError and blocked-thread warnings in its log
 * (BIG_SERVICE_LOG), and whether it still answered afterwards (BIG_SERVICE_ALIVE).
 */
final class HeapSamples {
  private static final Pattern GC_SIZES =
      Pattern.compile(
          "(\\d+(?:\\.\\d+)?)([KMG])->(\\d+(?:\\.\\d+)?)([KMG])\\((\\d+(?:\\.\\d+)?)([KMG])\\)");

  private HeapSamples() {}

  static JsonObject read() throws IOException {
    JsonObject heap = new JsonObject();
    double jstatPeakKb = 0;
    int samples = 0;
    Path jstat = file("JSTAT_LOG");
    if (jstat != null) {
      List<String> header = null;
      for (String line : Files.readAllLines(jstat)) {
        String[] t = line.trim().split("\\s+");
        if (t.length > 3 && t[0].equals("S0C")) {
          header = List.of(t);
          continue;
        }
        if (header == null || t.length != header.size()) {
          continue;
        }
        try {
          double used = 0;
          for (String col : new String[] {"S0U", "S1U", "EU", "OU"}) {
            used += Double.parseDouble(t[header.indexOf(col)]);
          }
          jstatPeakKb = Math.max(jstatPeakKb, used);
          samples++;
        } catch (RuntimeException ignored) {
          // a partial line while the JVM exits
        }
      }
    }
    heap.put("jstatSamples", samples).put("jstatPeakMB", Stats.round(jstatPeakKb / 1024));
    double beforePeak = 0;
    double afterPeak = 0;
    double capacity = 0;
    int gcs = 0;
    int fullGcs = 0;
    Path gcLog = file("GC_LOG");
    if (gcLog != null) {
      for (String line : Files.readAllLines(gcLog)) {
        Matcher m = GC_SIZES.matcher(line);
        if (m.find()) {
          gcs++;
          if (line.contains("Pause Full")) {
            fullGcs++;
          }
          beforePeak = Math.max(beforePeak, mb(m.group(1), m.group(2)));
          afterPeak = Math.max(afterPeak, mb(m.group(3), m.group(4)));
          capacity = Math.max(capacity, mb(m.group(5), m.group(6)));
        }
      }
    }
    heap.put("gcEvents", gcs)
        .put("fullGcs", fullGcs)
        .put("gcBeforePeakMB", Stats.round(beforePeak))
        .put("gcAfterPeakMB", Stats.round(afterPeak))
        .put("capacityMB", Stats.round(capacity));
    heap.put("peakMB", Stats.round(Math.max(jstatPeakKb / 1024, beforePeak)));
    Path serviceLog = file("BIG_SERVICE_LOG");
    if (serviceLog != null) {
      String text = Files.readString(serviceLog);
      heap.put("outOfMemory", text.contains("OutOfMemoryError"));
      heap.put(
          "blockedWarnings",
          text.lines().filter(l -> l.contains(ServiceLog.BLOCKED_MARKER)).count());
    }
    String alive = Env.text("BIG_SERVICE_ALIVE", "");
    if (!alive.isEmpty()) {
      heap.put("serviceAliveAfter", alive.equals("1"));
    }
    return heap;
  }

  private static Path file(String variable) {
    String name = Env.text(variable, "");
    return !name.isEmpty() && Files.isRegularFile(Path.of(name)) ? Path.of(name) : null;
  }

  private static double mb(String value, String unit) {
    double v = Double.parseDouble(value);
    return switch (unit) {
      case "K" -> v / 1024;
      case "G" -> v * 1024;
      default -> v;
    };
  }
}
