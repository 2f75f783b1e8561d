package dev.userbatch.bench;

import io.vertx.core.json.JsonObject;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The measured figures of one process, by id: samples with min/median/max, and how many repetitions
 * failed (a failed request's time is not a sample, and the report lets no check pass on a figure
 * with failures).
 */
final class Figures {
  private final JsonObject figures = new JsonObject();
  private final Map<String, Integer> failed = new HashMap<>();

  void failed(String id) {
    failed.merge(id, 1, Integer::sum);
  }

  /**
   * Adds the time of a request that did all it should, else counts a failure of figure {@code id}.
   */
  void sample(List<Double> samples, Checked request, String id) {
    if (request.ok()) {
      samples.add(request.ms());
    } else {
      failed(id);
    }
  }

  void put(String id, String label, String unit, List<Double> samples) {
    JsonObject figure =
        new JsonObject()
            .put("label", label)
            .put("unit", unit)
            .put("samples", Stats.rounded(samples));
    if (!samples.isEmpty()) {
      figure
          .put("min", Stats.round(Collections.min(samples)))
          .put("median", Stats.round(Stats.median(samples)))
          .put("max", Stats.round(Collections.max(samples)));
    }
    figures.put(id, figure.put("failed", failed.getOrDefault(id, 0)));
  }

  JsonObject json() {
    return figures;
  }
}
