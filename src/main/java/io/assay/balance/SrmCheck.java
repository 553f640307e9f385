package io.assay.balance;

import io.assay.config.ExperimentDefinition;
import io.assay.stats.ChiSquareGoodnessOfFit;
import io.assay.stats.PValueAdjustment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sample-ratio mismatch over every slice of one experiment version, as of a date: a chi-square
 * goodness-of-fit test of the slice's arm counts against the configured weights ({@link
 * ChiSquareGoodnessOfFit}), then Holm's correction over the family of tested slices (overall,
 * strata, crossed strata, days, cumulative days, sources), so that a few dozen slices do not raise
 * alerts by chance; a slice is flagged when its Holm-adjusted p-value is below {@code
 * alerts.srm_p_value}. Slices with an expected count below {@code alerts.min_expected_count} are
 * skipped with the reason and take no part in the family.
 *
 * <p>Cumulative slices are derived here from the daily counts (a running sum per arm over the days
 * with enrollments), so Spark counts each unit once per day, not once per later day. The last
 * cumulative slice equals the overall one; both are kept (the cumulative series is complete, and
 * Holm stays valid under any dependence, at the cost of one more member in the family).
 *
 * <p>Pure Java on the driver, on aggregated counts.
 */
final class SrmCheck {
  private SrmCheck() {}

  /** Rows in slice order: overall, strata, crossed strata, days, cumulative days, sources. */
  static List<CheckRow> run(
      ExperimentDefinition d,
      Map<Slice, Map<String, Long>> counts,
      double minExpected,
      double threshold) {
    Map<Slice, Map<String, Long>> all = withCumulative(counts);
    List<Slice> slices = new ArrayList<>(all.keySet());
    slices.sort(ORDER);
    List<String> arms = d.armKeys();
    List<long[]> counted = new ArrayList<>();
    List<ChiSquareGoodnessOfFit> tests = new ArrayList<>();
    List<Double> p = new ArrayList<>();
    for (Slice s : slices) {
      long[] o = observed(arms, all.get(s));
      ChiSquareGoodnessOfFit t = ChiSquareGoodnessOfFit.test(o, d.weights(), minExpected);
      counted.add(o);
      tests.add(t);
      p.add(t.pValue());
    }
    List<Double> adjusted = PValueAdjustment.HOLM.adjust(p);
    List<CheckRow> rows = new ArrayList<>();
    for (int i = 0; i < slices.size(); i++) {
      ChiSquareGoodnessOfFit t = tests.get(i);
      Double adj = adjusted.get(i);
      Map<String, Long> observed = new LinkedHashMap<>();
      Map<String, Double> expected = new LinkedHashMap<>();
      for (int a = 0; a < arms.size(); a++) {
        observed.put(arms.get(a), counted.get(i)[a]);
        expected.put(arms.get(a), t.expected().get(a));
      }
      rows.add(
          new CheckRow(
              CheckRow.SRM,
              slices.get(i),
              null,
              t.n(),
              observed,
              expected,
              null,
              null,
              t.statistic(),
              t.df(),
              t.pValue(),
              adj,
              adj != null && adj < threshold,
              t.skipped() == null ? null : t.skipped().label(),
              message(t, observed, expected, adj, minExpected)));
    }
    return rows;
  }

  /** Arm shares against expectations, then the test: what an analyst reads first. */
  private static String shares(Map<String, Long> observed, Map<String, Double> expected, long n) {
    List<String> parts = new ArrayList<>();
    observed.forEach(
        (arm, o) ->
            parts.add(
                arm
                    + " "
                    + Formats.percent((double) o / n)
                    + " vs "
                    + Formats.percent(expected.get(arm) / n)
                    + " expected"));
    return String.join(", ", parts);
  }

  private static String message(
      ChiSquareGoodnessOfFit t,
      Map<String, Long> observed,
      Map<String, Double> expected,
      Double adjusted,
      double minExpected) {
    if (t.skipped() != null) {
      double smallest =
          expected.values().stream().filter(e -> e > 0).min(Double::compare).orElse(0.0);
      return "skipped: smallest expected count "
          + Formats.number(smallest)
          + " is below alerts.min_expected_count "
          + Formats.number(minExpected)
          + " (n = "
          + t.n()
          + ")";
    }
    return shares(observed, expected, t.n())
        + " (n = "
        + t.n()
        + ", X² = "
        + Formats.number(t.statistic())
        + ", p = "
        + Formats.p(t.pValue())
        + ", Holm-adjusted "
        + Formats.p(adjusted)
        + ")";
  }

  private static long[] observed(List<String> arms, Map<String, Long> byArm) {
    long[] out = new long[arms.size()];
    byArm.forEach(
        (arm, units) -> {
          int i = arms.indexOf(arm);
          if (i < 0) {
            // enrollments hold the arm recomputed from this (immutable) definition
            throw new IllegalStateException(
                "enrollments name an arm not in the definition: " + arm);
          }
          out[i] = units;
        });
    return out;
  }

  /** The counts plus one cumulative slice per day with enrollments. */
  private static Map<Slice, Map<String, Long>> withCumulative(
      Map<Slice, Map<String, Long>> counts) {
    Map<Slice, Map<String, Long>> out = new LinkedHashMap<>(counts);
    TreeMap<String, Map<String, Long>> days = new TreeMap<>();
    counts.forEach(
        (s, byArm) -> {
          if (s.type() == SliceType.DAY) {
            days.put(s.value(), byArm);
          }
        });
    Map<String, Long> running = new LinkedHashMap<>();
    days.forEach(
        (day, byArm) -> {
          byArm.forEach((arm, units) -> running.merge(arm, units, Long::sum));
          out.put(new Slice(SliceType.CUMULATIVE, null, day), new LinkedHashMap<>(running));
        });
    return out;
  }

  /** Slice type order, then key, then value (nulls first). */
  private static final Comparator<Slice> ORDER =
      Comparator.comparing(Slice::type)
          .thenComparing(Slice::key, Comparator.nullsFirst(Comparator.naturalOrder()))
          .thenComparing(Slice::value, Comparator.nullsFirst(Comparator.naturalOrder()));
}
