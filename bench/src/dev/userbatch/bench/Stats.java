package dev.userbatch.bench;

import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Medians and percentiles of samples; values rounded for the JSON. */
final class Stats {
  private Stats() {}

  static double median(List<Double> values) {
    return percentile(values, 50);
  }

  /** Nearest-rank percentile; the median of an even count is the mean of the middle two. */
  static double percentile(List<Double> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    if (p == 50 && sorted.size() % 2 == 0) {
      return (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  static double max(List<Double> values) {
    return values.isEmpty() ? Double.NaN : Collections.max(values);
  }

  static double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 1000.0) / 1000.0 : v;
  }

  /** The values, rounded, as a JSON array. */
  static JsonArray rounded(List<Double> values) {
    JsonArray array = new JsonArray();
    values.forEach(v -> array.add(round(v)));
    return array;
  }
}
