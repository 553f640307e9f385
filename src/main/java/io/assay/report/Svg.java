package io.assay.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Inline SVG charts: no scripts, no external resources, so a report renders offline in any browser.
 * Each chart is a pure function of the values it shows.
 */
final class Svg {
  private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};

  private Svg() {}

  /** One row of a forest plot: a label, an estimate and an interval (relative lifts). */
  record Interval(String label, Double estimate, Double lo, Double hi, boolean highlight) {}

  /** A horizontal forest plot of relative lifts with their intervals, zero marked. */
  static String forest(List<Interval> rows) {
    List<Interval> drawn = rows.stream().filter(r -> r.estimate() != null).toList();
    if (drawn.isEmpty()) {
      return "<p class=\"muted\">No interval to plot.</p>";
    }
    double min = 0;
    double max = 0;
    for (Interval r : drawn) {
      min = Math.min(min, r.lo() == null ? r.estimate() : r.lo());
      max = Math.max(max, r.hi() == null ? r.estimate() : r.hi());
    }
    double pad = Math.max(1e-4, (max - min) * 0.08);
    min -= pad;
    max += pad;
    int left = 230;
    int width = 680;
    int plot = width - left - 20;
    int rowH = 26;
    int height = 30 + rowH * rows.size();
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "<svg class=\"chart\" role=\"img\" aria-label=\"relative lift with confidence intervals\""
                + " viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\">",
            width,
            height,
            width,
            height));
    double fmin = min;
    double fmax = max;
    java.util.function.DoubleUnaryOperator x = v -> left + (v - fmin) / (fmax - fmin) * plot;
    for (double t : ticks(min, max)) {
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"10\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>"
                  + "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s</text>",
              x.applyAsDouble(t),
              x.applyAsDouble(t),
              height - 18,
              x.applyAsDouble(t),
              height - 5,
              Format.pct(t)));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%.1f\" y1=\"8\" x2=\"%.1f\" y2=\"%d\" stroke=\"#555\" stroke-dasharray=\"3,3\"/>",
            x.applyAsDouble(0),
            x.applyAsDouble(0),
            height - 18));
    for (int i = 0; i < rows.size(); i++) {
      Interval r = rows.get(i);
      int y = 20 + i * rowH;
      b.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"end\">%s</text>",
              left - 8,
              y + 4,
              Format.html(r.label())));
      if (r.estimate() == null) {
        continue;
      }
      String color = r.highlight() ? "#d62728" : "#1f77b4";
      if (r.lo() != null && r.hi() != null) {
        b.append(
            String.format(
                Locale.ROOT,
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>",
                x.applyAsDouble(r.lo()),
                y,
                x.applyAsDouble(r.hi()),
                y,
                color));
      }
      b.append(
          String.format(
              Locale.ROOT,
              "<circle cx=\"%.1f\" cy=\"%d\" r=\"4\" fill=\"%s\"><title>%s %s</title></circle>",
              x.applyAsDouble(r.estimate()),
              y,
              color,
              Format.html(r.label()),
              Format.pct(r.estimate()) + " " + Format.interval(r.lo(), r.hi(), Format::pct)));
    }
    b.append("</svg>");
    return b.toString();
  }

  /** A point of a line series. */
  record Point(String x, Double y, Double lo, Double hi) {}

  /** A named series. */
  record Series(String name, List<Point> points) {}

  /**
   * Lines over dates with shaded interval bands, an optional reference line (e.g. 0 or an expected
   * share) and optional marked points.
   */
  static String lines(
      List<Series> series,
      Double reference,
      String yLabel,
      java.util.function.Function<Double, String> fmt) {
    List<String> xs = new ArrayList<>();
    double min = reference == null ? Double.POSITIVE_INFINITY : reference;
    double max = reference == null ? Double.NEGATIVE_INFINITY : reference;
    for (Series s : series) {
      for (Point p : s.points()) {
        if (!xs.contains(p.x())) {
          xs.add(p.x());
        }
        for (Double v : new Double[] {p.y(), p.lo(), p.hi()}) {
          if (v != null && Double.isFinite(v)) {
            min = Math.min(min, v);
            max = Math.max(max, v);
          }
        }
      }
    }
    xs.sort(null);
    if (xs.isEmpty() || !Double.isFinite(min)) {
      return "<p class=\"muted\">No data to plot yet.</p>";
    }
    double pad = Math.max(1e-4, (max - min) * 0.08);
    min -= pad;
    max += pad;
    int width = 680;
    int height = 240;
    int left = 60;
    int bottom = 40;
    int top = 15;
    int plotW = width - left - 20;
    int plotH = height - top - bottom;
    double fmin = min;
    double fmax = max;
    int n = xs.size();
    java.util.function.IntToDoubleFunction x =
        i -> left + (n == 1 ? plotW / 2.0 : i * plotW / (double) (n - 1));
    java.util.function.DoubleUnaryOperator y = v -> top + (fmax - v) / (fmax - fmin) * plotH;
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "<svg class=\"chart\" role=\"img\" aria-label=\"%s over time\" viewBox=\"0 0 %d %d\""
                + " width=\"%d\" height=\"%d\">",
            Format.html(yLabel),
            width,
            height,
            width,
            height));
    for (double t : ticks(min, max)) {
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                  + "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%s</text>",
              left,
              y.applyAsDouble(t),
              left + plotW,
              y.applyAsDouble(t),
              left - 4,
              y.applyAsDouble(t) + 3,
              fmt.apply(t)));
    }
    int step = Math.max(1, n / 7);
    for (int i = 0; i < n; i += step) {
      b.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%s</text>",
              x.applyAsDouble(i),
              height - bottom + 14,
              Format.html(xs.get(i).length() >= 10 ? xs.get(i).substring(5) : xs.get(i))));
    }
    if (reference != null) {
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#555\" stroke-dasharray=\"3,3\"/>",
              left,
              y.applyAsDouble(reference),
              left + plotW,
              y.applyAsDouble(reference)));
    }
    for (int s = 0; s < series.size(); s++) {
      String color = COLORS[s % COLORS.length];
      StringBuilder band = new StringBuilder();
      StringBuilder bandBack = new StringBuilder();
      StringBuilder line = new StringBuilder();
      for (Point p : series.get(s).points()) {
        int i = xs.indexOf(p.x());
        if (p.lo() != null && p.hi() != null) {
          band.append(
              String.format(
                  Locale.ROOT, "%.1f,%.1f ", x.applyAsDouble(i), y.applyAsDouble(p.hi())));
          bandBack.insert(
              0,
              String.format(
                  Locale.ROOT, "%.1f,%.1f ", x.applyAsDouble(i), y.applyAsDouble(p.lo())));
        }
        if (p.y() != null) {
          line.append(
              String.format(Locale.ROOT, "%.1f,%.1f ", x.applyAsDouble(i), y.applyAsDouble(p.y())));
        }
      }
      if (band.length() > 0) {
        b.append("<polygon points=\"")
            .append(band)
            .append(bandBack)
            .append("\" fill=\"")
            .append(color)
            .append("\" fill-opacity=\"0.15\" stroke=\"none\"/>");
      }
      if (line.length() > 0) {
        b.append("<polyline points=\"")
            .append(line)
            .append("\" fill=\"none\" stroke=\"")
            .append(color)
            .append("\" stroke-width=\"2\"/>");
      }
      for (Point p : series.get(s).points()) {
        if (p.y() != null) {
          int i = xs.indexOf(p.x());
          b.append(
              String.format(
                  Locale.ROOT,
                  "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"><title>%s %s</title></circle>",
                  x.applyAsDouble(i),
                  y.applyAsDouble(p.y()),
                  color,
                  Format.html(p.x()),
                  fmt.apply(p.y())));
        }
      }
      b.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"%s\">%s</text>",
              left + 6 + 130 * s,
              height - 6,
              color,
              Format.html(series.get(s).name())));
    }
    b.append("</svg>");
    return b.toString();
  }

  private static double[] ticks(double min, double max) {
    double span = max - min;
    double step = Math.pow(10, Math.floor(Math.log10(span / 4)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (span / (step * m) <= 6) {
        step *= m;
        break;
      }
    }
    List<Double> out = new ArrayList<>();
    for (double t = Math.ceil(min / step) * step; t <= max + 1e-12; t += step) {
      out.add(Math.abs(t) < step * 1e-9 ? 0.0 : t);
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
