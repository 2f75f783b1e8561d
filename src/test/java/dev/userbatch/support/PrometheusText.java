package dev.userbatch.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A parsed Prometheus text exposition: one sample per series line, comments skipped. */
public final class PrometheusText {
  /** One series: metric name, labels, value. */
  public record Sample(String name, Map<String, String> labels, double value) {
    public boolean has(Map<String, String> wanted) {
      return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
  }

  private final List<Sample> samples;

  private PrometheusText(List<Sample> samples) {
    this.samples = samples;
  }

  public static PrometheusText parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      samples.add(parseLine(line));
    }
    return new PrometheusText(samples);
  }

  private static Sample parseLine(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String key = line.substring(i, eq).trim();
        i = eq + 2; // skip ="
        StringBuilder value = new StringBuilder();
        while (line.charAt(i) != '"') {
          char c = line.charAt(i);
          if (c == '\\') {
            char next = line.charAt(++i);
            value.append(next == 'n' ? '\n' : next);
          } else {
            value.append(c);
          }
          i++;
        }
        i++; // closing quote
        labels.put(key, value.toString());
        if (line.charAt(i) == ',') {
          i++;
        }
      }
      i++; // closing brace
    }
    String[] rest = line.substring(i).trim().split(" ");
    return new Sample(name, labels, Double.parseDouble(rest[0]));
  }

  public List<Sample> samples() {
    return samples;
  }

  /** The value of the one series with that name and (at least) these labels; 0 when absent. */
  public double value(String name, Map<String, String> labels) {
    List<Sample> found =
        samples.stream().filter(s -> s.name().equals(name) && s.has(labels)).toList();
    if (found.size() > 1) {
      throw new AssertionError("more than one series " + name + labels + ": " + found);
    }
    return found.isEmpty() ? 0.0 : found.get(0).value();
  }

  public boolean hasSeries(String name, Map<String, String> labels) {
    return samples.stream().anyMatch(s -> s.name().equals(name) && s.has(labels));
  }

  public boolean hasMetricStartingWith(String prefix) {
    return samples.stream().anyMatch(s -> s.name().startsWith(prefix));
  }
}
