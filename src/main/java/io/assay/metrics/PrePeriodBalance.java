package io.assay.metrics;

import io.assay.config.ExperimentDefinition;
import io.assay.config.MetricDefinition;
import io.assay.io.CovariateBalanceTable;
import io.assay.stats.SampleMoments;
import io.assay.stats.StandardizedMeanDifference;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Covariate balance of the pre-period metric values (the CUPED covariates): for each metric with a
 * pre-exposure window, the standardized mean difference of each treatment arm against control,
 * flagged above {@code alerts.smd}. Computed from the sufficient statistics the analysis already
 * has ({@code n, Σp, Σp²} per arm), so it costs no pass over the data.
 */
final class PrePeriodBalance {
  private PrePeriodBalance() {}

  static List<Row> rows(
      LocalDate date,
      ExperimentDefinition e,
      Map<String, MetricDefinition> metrics,
      List<MetricResults.Cell> cells,
      double threshold) {
    List<Row> out = new ArrayList<>();
    for (MetricResults.Cell cell : cells) {
      MetricDefinition m = metrics.get(cell.metric());
      if (!cell.segmentKey().equals("all") || m.cupedWindow().isEmpty()) {
        continue;
      }
      MetricResults.ArmStats control =
          cell.arms().stream().filter(a -> a.arm().equals(e.control())).findFirst().orElse(null);
      if (control == null) {
        continue;
      }
      SampleMoments c = pre(control);
      for (MetricResults.ArmStats a : cell.arms()) {
        if (a.arm().equals(e.control())) {
          continue;
        }
        SampleMoments t = pre(a);
        StandardizedMeanDifference smd = StandardizedMeanDifference.of(t, c);
        boolean flagged = smd.value() != null && Math.abs(smd.value()) > threshold;
        String covariate = m.name() + " " + m.cupedWindow().get();
        out.add(
            RowFactory.create(
                Date.valueOf(date),
                e.key(),
                e.version().toString(),
                covariate,
                CovariateBalanceTable.PRE_PERIOD_METRIC,
                a.arm(),
                e.control(),
                c.n(),
                t.n(),
                mean(c),
                mean(t),
                sd(c),
                sd(t),
                smd.value(),
                null,
                null,
                null,
                null,
                null,
                null,
                flagged,
                smd.error() == null ? null : smd.error().label(),
                flagged
                    ? String.format(
                        Locale.ROOT,
                        "pre-period %s differs between %s and %s before exposure: SMD %.3f (|SMD| >"
                            + " %.2f)",
                        covariate,
                        a.arm(),
                        e.control(),
                        smd.value(),
                        threshold)
                    : null));
      }
    }
    return out;
  }

  private static SampleMoments pre(MetricResults.ArmStats a) {
    return a.moments().pre();
  }

  private static Double mean(SampleMoments s) {
    return s.n() == 0 ? null : s.mean();
  }

  private static Double sd(SampleMoments s) {
    return s.n() < 2 ? null : Math.sqrt(s.variance());
  }
}
