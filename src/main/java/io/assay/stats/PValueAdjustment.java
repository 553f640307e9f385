package io.assay.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Multiple-testing corrections, exactly as R's {@code p.adjust} (stats package, R 4.x). For {@code
 * m} p-values sorted ascending, {@code p_(1) ≤ … ≤ p_(m)}:
 *
 * <ul>
 *   <li>Bonferroni: {@code min(1, m·p_i)};
 *   <li>Holm (step-down, family-wise error): {@code p̃_(i) = min(1, max_{j ≤ i} (m − j +
 *       1)·p_(j))};
 *   <li>Benjamini–Hochberg (step-up, false discovery rate): {@code p̃_(i) = min(1, min_{j ≥ i}
 *       (m/j)·p_(j))}.
 * </ul>
 *
 * <p>The running max/min make the adjusted values monotone in the raw ones. Ties keep their input
 * order (R's {@code order} is stable). Null entries are "not available": they stay null and do not
 * count towards {@code m}, as in R where {@code p.adjust(p)} equals {@code p.adjust(p[!is.na(p)])}
 * at the non-NA positions.
 */
public enum PValueAdjustment {
  NONE("none"),
  BONFERRONI("bonferroni"),
  HOLM("holm"),
  BENJAMINI_HOCHBERG("bh");

  /** The spelling in requests and reports. */
  public final String label;

  PValueAdjustment(String label) {
    this.label = label;
  }

  /** The method spelled {@code none}, {@code bonferroni}, {@code holm} or {@code bh}. */
  public static PValueAdjustment parse(String s) {
    String k = s.trim().toLowerCase(Locale.ROOT);
    for (PValueAdjustment a : values()) {
      if (a.label.equals(k)) {
        return a;
      }
    }
    if (k.equals("fdr") || k.equals("benjamini-hochberg")) {
      return BENJAMINI_HOCHBERG;
    }
    throw new IllegalArgumentException(
        "unknown correction '" + s + "': expected none, bonferroni, holm or bh");
  }

  /** Adjusted p-values in the input order; nulls stay null. */
  public List<Double> adjust(List<Double> p) {
    List<Integer> present = new ArrayList<>();
    for (int i = 0; i < p.size(); i++) {
      Double v = p.get(i);
      if (v != null) {
        if (!(v >= 0 && v <= 1)) {
          throw new IllegalArgumentException("p-value " + i + " is not in [0, 1]: " + v);
        }
        present.add(i);
      }
    }
    double[] values = new double[present.size()];
    for (int k = 0; k < values.length; k++) {
      values[k] = p.get(present.get(k));
    }
    double[] adjusted = adjust(values);
    List<Double> out = new ArrayList<>(p);
    for (int k = 0; k < values.length; k++) {
      out.set(present.get(k), adjusted[k]);
    }
    return out;
  }

  /** Adjusted p-values in the input order, for {@code m = p.length}. */
  public double[] adjust(double[] p) {
    int m = p.length;
    if (m <= 1 || this == NONE) {
      return p.clone();
    }
    // Indices sorted ascending by p; stable, so ties keep their input order as in R.
    Integer[] order = new Integer[m];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
    double[] out = new double[m];
    switch (this) {
      case BONFERRONI -> {
        for (int i = 0; i < m; i++) {
          out[i] = Math.min(1.0, m * p[i]);
        }
      }
      case HOLM -> {
        double running = 0;
        for (int j = 0; j < m; j++) { // rank j + 1 ascending: multiplier m − j
          running = Math.max(running, (m - j) * p[order[j]]);
          out[order[j]] = Math.min(1.0, running);
        }
      }
      case BENJAMINI_HOCHBERG -> {
        double running = Double.POSITIVE_INFINITY;
        for (int j = m - 1; j >= 0; j--) { // from the largest: multiplier m / (j + 1)
          running = Math.min(running, (double) m / (j + 1) * p[order[j]]);
          out[order[j]] = Math.min(1.0, running);
        }
      }
      default -> throw new IllegalStateException();
    }
    return out;
  }
}
