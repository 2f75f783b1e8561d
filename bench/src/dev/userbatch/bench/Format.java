package dev.userbatch.bench;

/** Numbers as the report prints them: three significant digits or so, n/a for a missing figure. */
final class Format {
  private Format() {}

  static String number(double v) {
    if (!Double.isFinite(v)) {
      return "n/a";
    }
    if (Math.abs(v) >= 100) {
      return String.format("%.0f", v);
    }
    if (Math.abs(v) >= 10) {
      return String.format("%.1f", v);
    }
    return String.format("%.2f", v);
  }

  /** A target as written in the issue: 3, 0.85, 3.3. */
  static String target(String op, double target) {
    return op + " " + java.math.BigDecimal.valueOf(target).stripTrailingZeros().toPlainString();
  }
}
