package io.tandem.bench.run;

import java.util.List;
import java.util.Locale;

/**
 * Hand-written SVG: latency percentiles (p50 … max) of several series on a logarithmic millisecond
 * axis, with optional dashed target lines.
 */
public final class Svg {
  private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
      "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};
  static final int WIDTH = 860;
  static final int HEIGHT = 480;
  static final int LEFT = 70;
  static final int RIGHT = 260;
  static final int TOP = 50;
  static final int BOTTOM = 50;

  private Svg() {}

  /** One line of the chart. */
  public record Series(String name, Latency.Summary summary) {}

  /** A horizontal target line. */
  public record TargetLine(String label, double ms) {}

  public static String percentileChart(String title, String subtitle, List<Series> series, List<TargetLine> targets) {
    int height = Math.max(HEIGHT, TOP + 36 * series.size() + 20);
    double lo = Double.MAX_VALUE;
    double hi = 0;
    for (Series s : series) {
      if (s.summary().count() == 0) continue;
      for (double v : s.summary().percentiles()) {
        lo = Math.min(lo, Math.max(v, 0.01));
        hi = Math.max(hi, v);
      }
    }
    for (TargetLine t : targets) {
      lo = Math.min(lo, t.ms());
      hi = Math.max(hi, t.ms());
    }
    if (hi == 0) {
      lo = 0.1;
      hi = 10;
    }
    double minExp = Math.floor(Math.log10(lo));
    double maxExp = Math.ceil(Math.log10(hi * 1.05));
    if (maxExp <= minExp) maxExp = minExp + 1;
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = height - TOP - BOTTOM;
    String[] labels = Latency.Summary.LABELS;
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
        WIDTH, height, WIDTH, height));
    b.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"16\" font-weight=\"bold\">%s</text>%n", LEFT, esc(title)));
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"40\" fill=\"#555\">%s</text>%n", LEFT, esc(subtitle)));
    // grid: decades and 2x/5x
    for (double e = minExp; e <= maxExp; e++) {
      for (int m : new int[] {1, 2, 5}) {
        double v = m * Math.pow(10, e);
        if (Math.log10(v) > maxExp + 1e-9) break;
        double y = y(v, minExp, maxExp, plotH);
        String stroke = m == 1 ? "#bbb" : "#eee";
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>%n", LEFT, y, LEFT + plotW, y, stroke));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#555\">%s</text>%n", LEFT - 6, y + 4, axis(v)));
      }
    }
    for (int i = 0; i < labels.length; i++) {
      double x = x(i, labels.length, plotW);
      b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>%n", x, TOP, x, TOP + plotH));
      b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, TOP + plotH + 18, labels[i]));
    }
    b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>%n", LEFT, TOP, plotW, plotH));
    b.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">latency (ms, log scale)</text>%n",
        TOP + plotH / 2, TOP + plotH / 2));
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">percentile</text>%n", LEFT + plotW / 2, height - 10));
    for (TargetLine t : targets) {
      double y = y(t.ms(), minExp, maxExp, plotH);
      b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#000\" stroke-dasharray=\"6 4\"/>%n", LEFT, y, LEFT + plotW, y));
      b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" fill=\"#000\">%s</text>%n", LEFT + 4, y - 4, esc(t.label())));
    }
    int legendY = TOP + 8;
    for (int s = 0; s < series.size(); s++) {
      Series ser = series.get(s);
      String color = COLORS[s % COLORS.length];
      // once the colors repeat, the line style tells the series apart
      String dash = s < COLORS.length ? "" : s < 2 * COLORS.length ? " stroke-dasharray=\"7 4\"" : " stroke-dasharray=\"2 3\"";
      if (ser.summary().count() > 0) {
        double[] v = ser.summary().percentiles();
        StringBuilder pts = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
          pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(i, v.length, plotW), y(Math.max(v[i], 0.01), minExp, maxExp, plotH)));
        }
        b.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>%n", pts.toString().trim(), color, dash));
        for (int i = 0; i < v.length; i++) {
          b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s %s: %s</title></circle>%n",
              x(i, v.length, plotW), y(Math.max(v[i], 0.01), minExp, maxExp, plotH), color, esc(ser.name()), labels[i], Latency.fmt(v[i])));
        }
      }
      int lx = LEFT + plotW + 14;
      b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"%s/>%n", lx, legendY, lx + 18, legendY, color, dash));
      b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", lx + 24, legendY + 4, esc(ser.name())));
      b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#555\" font-size=\"10\">p99 %s, n=%d</text>%n", lx + 24, legendY + 17,
          Latency.fmt(ser.summary().p99()), ser.summary().count()));
      legendY += 36;
    }
    b.append("</svg>\n");
    return b.toString();
  }

  static double x(int i, int n, int plotW) {
    return LEFT + (plotW * (i + 0.5)) / n;
  }

  static double y(double ms, double minExp, double maxExp, int plotH) {
    double f = (Math.log10(ms) - minExp) / (maxExp - minExp);
    return TOP + plotH - f * plotH;
  }

  private static String axis(double v) {
    if (v >= 1000) return String.format(Locale.ROOT, "%.0fs", v / 1000);
    if (v >= 1) return String.format(Locale.ROOT, "%.0f", v);
    return new java.math.BigDecimal(v).round(new java.math.MathContext(1)).stripTrailingZeros().toPlainString();
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
