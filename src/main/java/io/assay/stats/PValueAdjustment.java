package io.assay.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.IntToDoubleFunction;

/**
 * Multiple-testing corrections, exactly as R's {@code p.adjust} (stats package, R 4.x). For {@code
 * m} p-values sorted ascending, {@code p_(1) ≤ … ≤ p_(m)}:
 *
 * <ul>
 *   <li>Bonferroni: {@code min(1, m·p_i)};
 *   <li>Holm (step-down, family-wise error): {@code p̃_(i) = min(1, max_{j ≤ i} (m − j +
 *       1)·p_(j))};
 *   <li>Hochberg (step-up, family-wise error for independent or positively dependent tests): {@code
 *       p̃_(i) = min(1, min_{j ≥ i} (m − j + 1)·p_(j))};
 *   <li>Benjamini–Hochberg (step-up, false discovery rate): {@code p̃_(i) = min(1, min_{j ≥ i}
 *       (m/j)·p_(j))};
 *   <li>Benjamini–Yekutieli (step-up, false discovery rate under any dependence): {@code p̃_(i) =
 *       min(1, min_{j ≥ i} q·(m/j)·p_(j))}, {@code q = Σ_{k=1..m} 1/k}.
 * </ul>
 *
 * <p>The running max/min make the adjusted values monotone in the raw ones. Ties keep their input
 * order (R's {@code order} is stable); tied p-values get the same adjusted value either way. Null
 * entries are "not available": they stay null and do not count towards {@code m}, as in R where
 * {@code p.adjust(p)} equals {@code p.adjust(p[!is.na(p)])} at the non-NA positions.
 */
public enum PValueAdjustment {
  NONE("none"),
  BONFERRONI("bonferroni"),
  HOLM("holm"),
  HOCHBERG("hochberg"),
  BENJAMINI_HOCHBERG("bh"),
  BENJAMINI_YEKUTIELI("by");

  /** The accepted spellings, for messages. */
  public static final String NAMES =
      "none, bonferroni, holm, hochberg, bh (benjamini_hochberg) or by (benjamini_yekutieli)";

  /** The spelling in requests and reports. */
  public final String label;

  PValueAdjustment(String label) {
    this.label = label;
  }

  /**
   * The method spelled {@code none}, {@code bonferroni}, {@code holm}, {@code hochberg}, {@code bh}
   * or {@code by} (R's names, lower case); also {@code fdr}, {@code benjamini_hochberg} and {@code
   * benjamini_yekutieli} (with {@code _} or {@code -}).
   */
  public static PValueAdjustment parse(String s) {
    String k = s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    for (PValueAdjustment a : values()) {
      if (a.label.equals(k)) {
        return a;
      }
    }
    return switch (k) {
      case "fdr", "benjamini_hochberg" -> BENJAMINI_HOCHBERG;
      case "benjamini_yekutieli" -> BENJAMINI_YEKUTIELI;
      default -> throw new IllegalArgumentException("unknown correction '" + s + "': " + NAMES);
    };
  }

  /** The method's name in prose: {@code Holm}, {@code Benjamini–Hochberg}, … */
  public String title() {
    return switch (this) {
      case NONE -> "no";
      case BONFERRONI -> "Bonferroni";
      case HOLM -> "Holm";
      case HOCHBERG -> "Hochberg";
      case BENJAMINI_HOCHBERG -> "Benjamini–Hochberg";
      case BENJAMINI_YEKUTIELI -> "Benjamini–Yekutieli";
    };
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
      case HOCHBERG -> stepUp(p, order, out, j -> m - j);
      case BENJAMINI_HOCHBERG -> stepUp(p, order, out, j -> (double) m / (j + 1));
      case BENJAMINI_YEKUTIELI -> {
        double q = 0;
        for (int k = 1; k <= m; k++) {
          q += 1.0 / k;
        }
        double qm = q * m; // R: q * n/i * p[o], evaluated left to right
        stepUp(p, order, out, j -> qm / (j + 1));
      }
      default -> throw new IllegalStateException();
    }
    return out;
  }

  /**
   * A step-up adjustment: from the largest p-value down, the running minimum of {@code
   * multiplier(j)·p_(j+1)} (0-based ascending rank {@code j}), capped at 1.
   */
  private static void stepUp(
      double[] p, Integer[] order, double[] out, IntToDoubleFunction multiplier) {
    double running = Double.POSITIVE_INFINITY;
    for (int j = p.length - 1; j >= 0; j--) {
      running = Math.min(running, multiplier.applyAsDouble(j) * p[order[j]]);
      out[order[j]] = Math.min(1.0, running);
    }
  }
}
