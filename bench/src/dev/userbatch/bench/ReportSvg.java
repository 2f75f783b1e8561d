package dev.userbatch.bench;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * The checks as a picture: ratio checks as bars on a log axis with the target marked; the other
 * checks as badges below.
 */
final class ReportSvg {
  private static final String PASS = "#2e9d4a";
  private static final String FAIL = "#d64541";
  private static final String NOT_RUN = "#8a8a8a";

  private ReportSvg() {}

  static String render(JsonObject suite, List<Check> checks) {
    List<Check> ratios = checks.stream().filter(c -> Double.isFinite(c.target())).toList();
    List<Check> flags = checks.stream().filter(c -> !Double.isFinite(c.target())).toList();
    int left = 330;
    int chartW = 520;
    int rowH = 34;
    int top = 70;
    int width = left + chartW + 200;
    int height = top + ratios.size() * rowH + 50 + flags.size() * 26 + 30;
    double lo = Math.log10(0.1);
    double hi = Math.log10(100);
    DoubleUnaryOperator x =
        v -> left + (Math.log10(Math.max(0.1, Math.min(100, v))) - lo) / (hi - lo) * chartW;
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">%n",
            width, height, width, height));
    s.append(String.format("<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", width, height));
    s.append(
        String.format(
            "<text x=\"12\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
            esc(
                "user-batch-service benchmark: measured ratio vs target (issues 8 and 14; #14 marks issue 14)")));
    s.append(
        String.format(
            "<text x=\"12\" y=\"40\" fill=\"#555\">%s</text>%n",
            esc(
                "run "
                    + suite.getString("run", "?")
                    + ", "
                    + suite.getString("startedAt", "")
                    + ", "
                    + suite.getJsonObject("machine", new JsonObject()).getInteger("cores", 0)
                    + " cores; log scale; bar = measured ratio (medians), black line = target; green = PASS, red = FAIL, grey = NOT RUN")));
    int axisY = top + ratios.size() * rowH;
    for (double g : new double[] {0.1, 0.3, 1, 3, 10, 30, 100}) {
      double gx = x.applyAsDouble(g);
      s.append(
          String.format(
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e0e0e0\"/>%n",
              gx, top - 8, gx, axisY));
      s.append(
          String.format(
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>%n",
              gx, axisY + 16, g < 1 ? String.valueOf(g) : String.valueOf((int) g)));
    }
    s.append(
        String.format(
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">ratio</text>%n",
            left + chartW / 2, axisY + 32));
    for (int i = 0; i < ratios.size(); i++) {
      Check c = ratios.get(i);
      int y = top + i * rowH;
      s.append(
          String.format(
              "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
              left - 8, y + 15, esc(c.label())));
      if (Double.isFinite(c.ratio())) {
        double bx = x.applyAsDouble(c.ratio());
        s.append(
            String.format(
                "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"%s\" opacity=\"0.85\"/>%n",
                left, y + 2, Math.max(1, bx - left), color(c)));
        double textX = Math.min(Math.max(bx, x.applyAsDouble(c.target())) + 6, left + chartW + 6);
        s.append(
            String.format(
                "<text x=\"%.1f\" y=\"%d\">%s</text>%n",
                textX,
                y + 16,
                esc(
                    Format.number(c.ratio())
                        + " (target "
                        + Format.target(c.op(), c.target())
                        + ")")));
      } else {
        s.append(
            String.format(
                "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n",
                left + 4,
                y + 16,
                color(c),
                c.status() == Check.Status.NOT_RUN ? "not run" : "not measured"));
      }
      double tx = x.applyAsDouble(c.target());
      s.append(
          String.format(
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\" stroke-width=\"2\"/>%n",
              tx, y - 1, tx, y + 25));
    }
    int fy = axisY + 56;
    for (Check c : flags) {
      s.append(
          String.format(
              "<rect x=\"12\" y=\"%d\" width=\"44\" height=\"18\" rx=\"3\" fill=\"%s\"/>%n",
              fy - 13, color(c)));
      s.append(
          String.format(
              "<text x=\"34\" y=\"%d\" text-anchor=\"middle\" fill=\"#fff\" font-weight=\"bold\">%s</text>%n",
              fy, c.pass() ? "PASS" : "FAIL"));
      String text = c.label() + (c.detail() == null ? "" : ": " + c.detail());
      if (text.length() > 150) {
        text = text.substring(0, 147) + "...";
      }
      s.append(String.format("<text x=\"64\" y=\"%d\">%s</text>%n", fy, esc(text)));
      fy += 26;
    }
    s.append("</svg>\n");
    return s.toString();
  }

  private static String color(Check c) {
    return switch (c.status()) {
      case PASS -> PASS;
      case FAIL -> FAIL;
      case NOT_RUN -> NOT_RUN;
    };
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
