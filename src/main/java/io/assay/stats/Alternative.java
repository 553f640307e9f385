package io.assay.stats;

import java.util.Locale;

/** The alternative hypothesis about {@code δ = treatment − control} (or the relative lift). */
public enum Alternative {
  /** {@code H1: δ ≠ 0}; the default. */
  TWO_SIDED("two-sided"),
  /** {@code H1: δ > 0}: the confidence interval is {@code [lower, +∞)}, its upper bound null. */
  GREATER("greater"),
  /** {@code H1: δ < 0}: the confidence interval is {@code (−∞, upper]}, its lower bound null. */
  LESS("less");

  /** The spelling in requests and reports. */
  public final String label;

  Alternative(String label) {
    this.label = label;
  }

  /** The number of tails the rejection region has: 2 for two-sided, else 1. */
  public int sides() {
    return this == TWO_SIDED ? 2 : 1;
  }

  /** The alternative spelled {@code two-sided}, {@code greater} or {@code less}. */
  public static Alternative parse(String s) {
    String k = s.trim().toLowerCase(Locale.ROOT);
    for (Alternative a : values()) {
      if (a.label.equals(k)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unknown alternative '" + s + "': expected two-sided, greater or less");
  }
}
