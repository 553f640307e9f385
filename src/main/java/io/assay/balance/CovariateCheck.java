package io.assay.balance;

import io.assay.config.AssayConfig;
import io.assay.config.ExperimentDefinition;
import io.assay.stats.ChiSquareIndependence;
import io.assay.stats.Comparison;
import io.assay.stats.Inference;
import io.assay.stats.PValueAdjustment;
import io.assay.stats.SampleMoments;
import io.assay.stats.StandardizedMeanDifference;
import io.assay.stats.WelchTTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Covariate balance of the attributes recorded at enrollment (pre-exposure by construction), each
 * treatment arm against control:
 *
 * <ul>
 *   <li><b>numeric</b> attributes (every value a plain decimal number, {@code
 *       io.assay.config.Condition#NUMBER}): the {@link StandardizedMeanDifference}, flagged when
 *       {@code |d| > alerts.smd}; Welch's t and its p-value are reported beside it, not used for
 *       the flag (with many units a negligible difference is "significant"; d is not);
 *   <li><b>categorical</b> attributes: Pearson's chi-square of independence of level × arm ({@link
 *       ChiSquareIndependence}, sparse levels pooled), Holm-adjusted over the version's categorical
 *       tests and flagged below {@code alerts.srm_p_value}: under randomization the level mix is
 *       independent of the arm exactly, as arm counts follow the weights, so the SRM threshold
 *       applies. Attributes with more than {@code balance.max_levels} values are skipped with the
 *       reason.
 * </ul>
 *
 * <p>Units without the attribute are left out of its row ({@code n_control}, {@code n_arm} say how
 * many have it). Pure Java on the driver, on aggregated counts and sums.
 */
final class CovariateCheck {
  private CovariateCheck() {}

  static List<CovariateRow> run(
      ExperimentDefinition d, BalanceCounts counts, AssayConfig.Alerts alerts, int maxLevels) {
    List<String> treatments = d.armKeys().stream().filter(a -> !a.equals(d.control())).toList();
    TreeSet<String> covariates = new TreeSet<>(counts.levels().keySet());
    // The categorical family first: Holm needs every p-value before any row is flagged.
    Map<String, ChiSquareIndependence> tests = new LinkedHashMap<>();
    for (String c : covariates) {
      for (String arm : treatments) {
        tests.put(
            c + '\0' + arm,
            independence(
                byLevel(counts.levels().get(c), d.control()),
                byLevel(counts.levels().get(c), arm),
                alerts.minExpectedCount()));
      }
    }
    List<Double> adjusted =
        PValueAdjustment.HOLM.adjust(tests.values().stream().map(t -> t.pValue()).toList());
    Map<String, Double> adjustedByKey = new LinkedHashMap<>();
    int i = 0;
    for (String key : tests.keySet()) {
      adjustedByKey.put(key, adjusted.get(i++));
    }

    covariates.addAll(counts.numeric().keySet());
    covariates.addAll(counts.tooManyLevels().keySet());
    List<CovariateRow> rows = new ArrayList<>();
    for (String c : covariates) {
      for (String arm : treatments) {
        if (counts.numeric().containsKey(c)) {
          rows.add(numeric(c, arm, d.control(), counts.numeric().get(c), alerts));
        } else if (counts.levels().containsKey(c)) {
          rows.add(
              categorical(
                  c,
                  arm,
                  d.control(),
                  byLevel(counts.levels().get(c), d.control()),
                  byLevel(counts.levels().get(c), arm),
                  tests.get(c + '\0' + arm),
                  adjustedByKey.get(c + '\0' + arm),
                  alerts.srmPValue()));
        } else {
          rows.add(tooManyLevels(c, arm, d.control(), counts.tooManyLevels().get(c), maxLevels));
        }
      }
    }
    return rows;
  }

  private static CovariateRow numeric(
      String covariate,
      String arm,
      String control,
      Map<String, BalanceCounts.Sums> byArm,
      AssayConfig.Alerts alerts) {
    BalanceCounts.Sums c = byArm.getOrDefault(control, new BalanceCounts.Sums(0, 0, 0));
    BalanceCounts.Sums t = byArm.getOrDefault(arm, new BalanceCounts.Sums(0, 0, 0));
    if (!c.finite() || !t.finite()) {
      return new CovariateRow(
          covariate,
          CovariateRow.NUMERIC,
          arm,
          control,
          c.n(),
          t.n(),
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          false,
          "non_finite_values",
          "skipped: values too large for sums of squares in double precision");
    }
    SampleMoments mc = c.moments();
    SampleMoments mt = t.moments();
    StandardizedMeanDifference smd = StandardizedMeanDifference.of(mt, mc);
    Comparison welch = WelchTTest.withDefaults().test(mc, mt);
    Inference a = welch.absolute();
    Double statistic = a.se() != null && a.se() > 0 ? a.effect() / a.se() : null;
    boolean flagged = smd.value() != null && Math.abs(smd.value()) > alerts.smd();
    String skipped = smd.error() == null ? null : smd.error().name().toLowerCase(Locale.ROOT);
    String message =
        skipped != null
            ? "skipped: " + skipped + " (" + mt.n() + " units vs " + mc.n() + " in control)"
            : "mean "
                + Formats.number(mt.mean())
                + " vs "
                + Formats.number(mc.mean())
                + " in control, SMD "
                + Formats.number(smd.value())
                + (flagged ? " beyond ±" : " within ±")
                + Formats.number(alerts.smd())
                + (a.pValue() == null ? "" : " (Welch p = " + Formats.p(a.pValue()) + ")");
    return new CovariateRow(
        covariate,
        CovariateRow.NUMERIC,
        arm,
        control,
        mc.n(),
        mt.n(),
        mc.n() >= 1 ? mc.mean() : null,
        mt.n() >= 1 ? mt.mean() : null,
        mc.n() >= 2 ? Math.sqrt(mc.variance()) : null,
        mt.n() >= 2 ? Math.sqrt(mt.variance()) : null,
        smd.value(),
        null,
        null,
        statistic,
        a.df(),
        a.pValue(),
        null,
        flagged,
        skipped,
        message);
  }

  private static ChiSquareIndependence independence(
      Map<String, Long> control, Map<String, Long> treated, double minExpected) {
    TreeSet<String> levels = new TreeSet<>(control.keySet());
    levels.addAll(treated.keySet());
    long[][] table = new long[2][levels.size()];
    int j = 0;
    for (String level : levels) {
      table[0][j] = control.getOrDefault(level, 0L);
      table[1][j] = treated.getOrDefault(level, 0L);
      j++;
    }
    return ChiSquareIndependence.test(table, minExpected);
  }

  private static CovariateRow categorical(
      String covariate,
      String arm,
      String control,
      Map<String, Long> levelsControl,
      Map<String, Long> levelsArm,
      ChiSquareIndependence t,
      Double adjusted,
      double threshold) {
    boolean flagged = adjusted != null && adjusted < threshold;
    long nc = levelsControl.values().stream().mapToLong(Long::longValue).sum();
    long nt = levelsArm.values().stream().mapToLong(Long::longValue).sum();
    TreeSet<String> union = new TreeSet<>(levelsControl.keySet());
    union.addAll(levelsArm.keySet());
    List<String> levels = new ArrayList<>(union);
    List<String> pooled = t.pooled().stream().map(levels::get).toList();
    String pooling =
        pooled.isEmpty()
            ? ""
            : "; sparse levels "
                + pooled
                + (t.pooledDropped() ? " pooled and left out (still sparse)" : " pooled");
    String message =
        t.skipped() != null
            ? "skipped: " + t.skipped().label() + pooling
            : "X² = "
                + Formats.number(t.statistic())
                + " on "
                + t.df()
                + " df, p = "
                + Formats.p(t.pValue())
                + ", Holm-adjusted "
                + Formats.p(adjusted)
                + (flagged ? " below " + Formats.p(threshold) : "")
                + largestDifference(covariate, levels, levelsControl, levelsArm, nc, nt)
                + pooling;
    return new CovariateRow(
        covariate,
        CovariateRow.CATEGORICAL,
        arm,
        control,
        nc,
        nt,
        null,
        null,
        null,
        null,
        null,
        levelsControl,
        levelsArm,
        t.statistic(),
        t.df() == null ? null : t.df().doubleValue(),
        t.pValue(),
        adjusted,
        flagged,
        t.skipped() == null ? null : t.skipped().label(),
        message);
  }

  private static CovariateRow tooManyLevels(
      String covariate, String arm, String control, BalanceCounts.Wide w, int maxLevels) {
    return new CovariateRow(
        covariate,
        CovariateRow.CATEGORICAL,
        arm,
        control,
        w.unitsByArm().getOrDefault(control, 0L),
        w.unitsByArm().getOrDefault(arm, 0L),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        false,
        "too_many_levels",
        "skipped: " + w.levels() + " distinct values, more than balance.max_levels " + maxLevels);
  }

  /** Where the level mix differs most: the level with the largest difference in share. */
  private static String largestDifference(
      String covariate,
      List<String> levels,
      Map<String, Long> control,
      Map<String, Long> arm,
      long nc,
      long nt) {
    String best = null;
    double gap = -1;
    for (String level : levels) {
      double g =
          Math.abs(
              (double) arm.getOrDefault(level, 0L) / nt
                  - (double) control.getOrDefault(level, 0L) / nc);
      if (g > gap) {
        gap = g;
        best = level;
      }
    }
    return "; largest difference "
        + covariate
        + "="
        + best
        + ": "
        + Formats.percent((double) arm.getOrDefault(best, 0L) / nt)
        + " vs "
        + Formats.percent((double) control.getOrDefault(best, 0L) / nc)
        + " in control";
  }

  private static Map<String, Long> byLevel(Map<String, Map<String, Long>> levels, String arm) {
    Map<String, Long> out = new TreeMap<>();
    levels.forEach(
        (level, byArm) -> {
          Long units = byArm.get(arm);
          if (units != null && units > 0) {
            out.put(level, units);
          }
        });
    return out;
  }
}
