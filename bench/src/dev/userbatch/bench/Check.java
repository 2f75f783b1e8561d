package dev.userbatch.bench;

import io.vertx.core.json.JsonObject;

/**
 * One target of an issue and how this run met it. A ratio check has a finite target (a ratio of
 * medians measured in the same run, or an absolute figure where the label says so); a flag check
 * has none. A check whose measurement did not run at all is NOT_RUN, which is not a pass.
 */
record Check(
    String id,
    int issue,
    String label,
    double ratio,
    String op,
    double target,
    Status status,
    String detail) {

  enum Status {
    PASS,
    FAIL,
    NOT_RUN
  }

  static Check ratio(
      String id, int issue, String label, double ratio, String op, double target, String detail) {
    boolean pass =
        Double.isFinite(ratio)
            && switch (op) {
              case "<=" -> ratio <= target;
              case "<" -> ratio < target;
              case ">=" -> ratio >= target;
              default -> throw new IllegalArgumentException(op);
            };
    return new Check(id, issue, label, ratio, op, target, pass ? Status.PASS : Status.FAIL, detail);
  }

  static Check flag(String id, int issue, String label, boolean pass, String detail) {
    return new Check(
        id, issue, label, Double.NaN, "=", Double.NaN, pass ? Status.PASS : Status.FAIL, detail);
  }

  boolean pass() {
    return status == Status.PASS;
  }

  /** The result column of the table. */
  String result() {
    return status == Status.NOT_RUN ? "NOT RUN" : status.name();
  }

  /**
   * A ratio check that also fails when {@code alsoRequired} does not hold (the ratio still shows).
   */
  Check requiring(boolean alsoRequired, String detail) {
    Status s = status == Status.PASS && !alsoRequired ? Status.FAIL : status;
    return new Check(id, issue, label, ratio, op, target, s, detail);
  }

  Check notRun(String why) {
    return new Check(id, issue, label, Double.NaN, op, target, Status.NOT_RUN, why);
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("issue", issue)
        .put("label", label)
        .put("ratio", Double.isFinite(ratio) ? Stats.round(ratio) : null)
        .put("target", Double.isFinite(target) ? Format.target(op, target) : "= true")
        .put("pass", pass())
        .put("status", status.name())
        .put("detail", detail);
  }
}
