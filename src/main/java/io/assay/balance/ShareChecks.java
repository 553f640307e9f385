package io.assay.balance;

import io.assay.config.AssayConfig;
import io.assay.config.ExperimentDefinition;
import io.assay.stats.ShareExcessTest;
import io.assay.stats.SkipReason;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Shares over time, per day, against what was intended:
 *
 * <ul>
 *   <li>{@code arm_share}: each arm's share of the units enrolled that day against its weight (a
 *       ramp scales every arm alike, so the weights hold at any traffic);
 *   <li>{@code exposure_share}: units logged that day as a share of the eligible units seen (from
 *       {@code traffic_daily}) against the traffic the ramp schedule intended.
 * </ul>
 *
 * <p>One rule for both: a share is flagged when it exceeds its intended value by more than {@code
 * alerts.exposure_share_tolerance} beyond chance — the one-sided {@link ShareExcessTest} of {@code
 * H0: share ≤ intended + tolerance} rejects at {@code alerts.srm_p_value}. A small day whose share
 * wobbles past the band is not flagged; a large one holding a real excess is. Days whose expected
 * count is below {@code alerts.min_expected_count} are skipped. When the band reaches 100% (or more
 * units were logged than were eligible, which reconciliation reports as mismatches) no test applies
 * and the share is flagged exactly when it is above the band.
 *
 * <p>Only an excess is flagged: a shortfall in one arm is an excess in another, and fewer logged
 * units than intended can mean units that never reached the experiment's surface (see {@code
 * traffic_daily}) rather than a fault.
 *
 * <p>Pure Java on the driver, on aggregated counts.
 */
final class ShareChecks {
  private ShareChecks() {}

  /** One row of {@code traffic_daily} for an experiment version. */
  record TrafficDay(LocalDate date, long eligible, long assigned, long logged, double intended) {}

  /** One row per day with enrollments and arm, in date then definition order. */
  static List<CheckRow> armShares(
      ExperimentDefinition d, Map<Slice, Map<String, Long>> counts, AssayConfig.Alerts alerts) {
    TreeMap<String, Map<String, Long>> days = new TreeMap<>();
    counts.forEach(
        (s, byArm) -> {
          if (s.type() == SliceType.DAY) {
            days.put(s.value(), byArm);
          }
        });
    double weightSum = 0;
    for (double w : d.weights()) {
      weightSum += w;
    }
    List<CheckRow> rows = new ArrayList<>();
    for (Map.Entry<String, Map<String, Long>> day : days.entrySet()) {
      long n = day.getValue().values().stream().mapToLong(Long::longValue).sum();
      for (int a = 0; a < d.arms().size(); a++) {
        String arm = d.arms().get(a).key();
        double weight = d.arms().get(a).weight() / weightSum;
        long x = day.getValue().getOrDefault(arm, 0L);
        Verdict v = Verdict.of(x, n, weight, alerts);
        String where =
            " of the "
                + n
                + " units enrolled on "
                + day.getKey()
                + ", weight "
                + Formats.percent(weight);
        rows.add(
            new CheckRow(
                CheckRow.ARM_SHARE,
                new Slice(SliceType.DAY, null, day.getKey()),
                arm,
                n,
                Map.of(arm, x),
                Map.of(arm, n * weight),
                (double) x / n,
                weight,
                v.z,
                null,
                v.p,
                null,
                v.flagged,
                v.skipped,
                arm + " holds " + Formats.percent((double) x / n) + where + v.describe(alerts)));
      }
    }
    return rows;
  }

  /** One row per day on which the experiment version had eligible units. */
  static List<CheckRow> exposureShares(List<TrafficDay> days, AssayConfig.Alerts alerts) {
    List<CheckRow> rows = new ArrayList<>();
    for (TrafficDay t : days) {
      Verdict v = Verdict.of(t.logged(), t.eligible(), t.intended(), alerts);
      Map<String, Long> observed = new LinkedHashMap<>();
      observed.put("logged_units", t.logged());
      observed.put("assigned_units", t.assigned());
      double share = (double) t.logged() / t.eligible();
      rows.add(
          new CheckRow(
              CheckRow.EXPOSURE_SHARE,
              new Slice(SliceType.DAY, null, t.date().toString()),
              null,
              t.eligible(),
              observed,
              null,
              share,
              t.intended(),
              v.z,
              null,
              v.p,
              null,
              v.flagged,
              v.skipped,
              t.logged()
                  + " of "
                  + t.eligible()
                  + " eligible units logged on "
                  + t.date()
                  + " ("
                  + Formats.percent(share)
                  + "), intended traffic "
                  + Formats.percent(t.intended())
                  + v.describe(alerts)));
    }
    return rows;
  }

  /** The outcome of the shared rule for {@code x} of {@code n} against an intended share. */
  private record Verdict(Double z, Double p, boolean flagged, String skipped) {
    static Verdict of(long x, long n, double intended, AssayConfig.Alerts alerts) {
      if (n * intended < alerts.minExpectedCount()) {
        return new Verdict(null, null, false, SkipReason.MIN_EXPECTED_COUNT.label());
      }
      double bound = intended + alerts.exposureShareTolerance();
      if (x > n || bound >= 1) {
        return new Verdict(null, null, (double) x / n > bound, null);
      }
      ShareExcessTest t = ShareExcessTest.test(x, n, bound);
      return new Verdict(t.z(), t.pValue(), t.pValue() < alerts.srmPValue(), null);
    }

    String describe(AssayConfig.Alerts alerts) {
      String band = " + tolerance " + Formats.percent(alerts.exposureShareTolerance());
      if (skipped != null) {
        return band + "; skipped: expected count below alerts.min_expected_count";
      }
      if (z == null) {
        return band + (flagged ? "; above the band" : "; within the band");
      }
      return band
          + (flagged ? "; above the band" : "; not significantly above the band")
          + " (z = "
          + Formats.number(z)
          + ", one-sided p = "
          + Formats.p(p)
          + ")";
    }
  }
}
