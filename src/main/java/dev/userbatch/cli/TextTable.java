package dev.userbatch.cli;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table: columns padded to their widest cell, numbers right-aligned. */
final class TextTable {
  private final List<String[]> rows = new ArrayList<>();
  private final boolean[] rightAligned;

  TextTable(boolean... rightAligned) {
    this.rightAligned = rightAligned;
  }

  TextTable row(Object... cells) {
    String[] text = new String[rightAligned.length];
    for (int i = 0; i < text.length; i++) {
      text[i] = i < cells.length && cells[i] != null ? String.valueOf(cells[i]) : "";
    }
    rows.add(text);
    return this;
  }

  String render() {
    int[] widths = new int[rightAligned.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        String pad = " ".repeat(widths[i] - row[i].length());
        line.append(rightAligned[i] ? pad + row[i] : row[i] + pad);
        if (i < row.length - 1) {
          line.append("  ");
        }
      }
      out.append(line.toString().stripTrailing()).append(System.lineSeparator());
    }
    return out.toString();
  }
}
