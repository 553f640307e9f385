package io.assay.balance;

import java.util.Locale;

/** Number formats shared by the balance messages, so every message reads alike. */
final class Formats {
  private Formats() {}

  /** A share as a percentage with one decimal: {@code 45.1%}. */
  static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * share);
  }

  /** A p-value with two significant digits: {@code 2.2e-05}, {@code 0.037}. */
  static String p(double p) {
    return String.format(Locale.ROOT, "%.2g", p);
  }

  /** A statistic with two decimals. */
  static String number(double x) {
    return String.format(Locale.ROOT, "%.2f", x);
  }
}
