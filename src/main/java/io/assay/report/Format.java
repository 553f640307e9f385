package io.assay.report;

import java.util.Locale;

/**
 * How numbers are shown, in one place so that HTML, Markdown and the tests that compare them with
 * the tables agree. Undefined values show as an en dash.
 */
public final class Format {
  public static final String NONE = "–";

  private Format() {}

  /** 4 significant digits, plain notation where reasonable. */
  public static String num(Double v) {
    if (v == null || !Double.isFinite(v)) {
      return NONE;
    }
    double a = Math.abs(v);
    if (a != 0 && (a < 1e-3 || a >= 1e7)) {
      return String.format(Locale.ROOT, "%.3e", v);
    }
    return String.format(Locale.ROOT, "%.4g", v)
        .replaceAll("(\\.\\d*?)0+$", "$1")
        .replaceAll("\\.$", "");
  }

  /** A share or lift as a signed percentage with 2 decimals, e.g. {@code +5.21%}. */
  public static String pct(Double v) {
    if (v == null || !Double.isFinite(v)) {
      return NONE;
    }
    return String.format(Locale.ROOT, "%+.2f%%", 100 * v);
  }

  /** An unsigned percentage with 1 decimal, e.g. {@code 98.7%}. */
  public static String share(Double v) {
    if (v == null || !Double.isFinite(v)) {
      return NONE;
    }
    return String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }

  /** A p-value: 4 significant digits, or {@code <0.0001}. */
  public static String p(Double v) {
    if (v == null || !Double.isFinite(v)) {
      return NONE;
    }
    return v < 1e-4 ? "<0.0001" : String.format(Locale.ROOT, "%.4f", v);
  }

  /** An interval {@code [lo, hi]} with the given formatter. */
  public static String interval(
      Double lo, Double hi, java.util.function.Function<Double, String> f) {
    return "[" + f.apply(lo) + ", " + f.apply(hi) + "]";
  }

  /** A count with thousands separators. */
  public static String count(Long v) {
    return v == null ? NONE : String.format(Locale.ROOT, "%,d", v);
  }

  /** Escapes text for HTML. */
  public static String html(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** Escapes a Markdown table cell. */
  public static String md(String s) {
    return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
  }
}
