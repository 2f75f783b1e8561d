package dev.userbatch.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The report's table: one row per figure, columns padded to the widest cell, a rule under the
 * header.
 */
final class ReportTable {
  private static final String[] HEADER = {
    "figure", "value (median [min-max])", "ceiling / reference", "ratio", "target", "result"
  };
  private final List<String[]> rows = new ArrayList<>();

  void row(
      String figure, String value, String ceiling, String ratio, String target, String result) {
    rows.add(new String[] {figure, value, ceiling, ratio, target, result});
  }

  /** A row for a check: its ratio, its target and its result. */
  void row(String figure, String value, String ceiling, Check check) {
    row(
        figure,
        value,
        ceiling,
        Format.number(check.ratio()),
        Format.target(check.op(), check.target()),
        check.result());
  }

  /** A line across the table that names the rows below it. */
  void section(String title) {
    rows.add(new String[] {title});
  }

  String render() {
    int[] width = new int[HEADER.length];
    List<String[]> all = new ArrayList<>();
    all.add(HEADER);
    all.addAll(rows);
    for (String[] r : all) {
      for (int i = 0; i < r.length && r.length > 1; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < all.size(); k++) {
      String[] r = all.get(k);
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        line.append(i == 0 ? "" : " | ").append(String.format("%-" + width[i] + "s", r[i]));
      }
      sb.append(line.toString().stripTrailing()).append('\n');
      if (k == 0) {
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < width.length; i++) {
          rule.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
        }
        sb.append(rule).append('\n');
      }
    }
    return sb.toString();
  }
}
