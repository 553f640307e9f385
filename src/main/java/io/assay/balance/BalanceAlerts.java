package io.assay.balance;

import io.assay.config.AssayConfig;
import io.assay.config.ExperimentDefinition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Alerts from flagged balance rows, grouped so that one problem raises one alert that says where it
 * is, and the detail stays in {@code balance_checks} and {@code covariate_balance}:
 *
 * <ul>
 *   <li>{@code srm} (error): one alert per slice group — overall; each strata attribute; each
 *       crossing; days; cumulative days; sources — led by the group's most significant slice, the
 *       other flagged slices of the group listed after it;
 *   <li>{@code arm_share} (error): one per arm, listing the days it held too much;
 *   <li>{@code exposure_share} (warning): one per experiment version, listing the days;
 *   <li>{@code covariate_imbalance} (warning): one per flagged covariate and arm.
 * </ul>
 */
final class BalanceAlerts {
  private BalanceAlerts() {}

  static List<BalanceAlert> of(
      ExperimentDefinition d,
      List<CheckRow> checks,
      List<CovariateRow> covariates,
      AssayConfig.Alerts alerts) {
    List<BalanceAlert> out = new ArrayList<>();
    out.addAll(srm(d, checks, alerts.srmPValue()));
    out.addAll(armShare(d, checks, alerts.exposureShareTolerance()));
    out.addAll(exposureShare(d, checks, alerts.exposureShareTolerance()));
    for (CovariateRow r : covariates) {
      if (r.flagged()) {
        boolean numeric = r.smd() != null;
        out.add(
            new BalanceAlert(
                d.key(),
                d.version().toString(),
                BalanceAlert.COVARIATE_IMBALANCE,
                BalanceAlert.WARNING,
                numeric ? Math.abs(r.smd()) : r.pValueAdjusted(),
                numeric ? alerts.smd() : alerts.srmPValue(),
                "covariate imbalance in "
                    + d.id()
                    + " "
                    + r.covariate()
                    + ", "
                    + r.arm()
                    + " vs "
                    + r.control()
                    + ": "
                    + r.message()
                    + "; see covariate_balance"));
      }
    }
    return out;
  }

  private static List<BalanceAlert> srm(
      ExperimentDefinition d, List<CheckRow> checks, double threshold) {
    Map<String, List<CheckRow>> groups = new LinkedHashMap<>();
    for (CheckRow r : checks) {
      if (r.check().equals(CheckRow.SRM) && r.flagged()) {
        groups
            .computeIfAbsent(r.slice().type() + "/" + r.slice().key(), k -> new ArrayList<>())
            .add(r);
      }
    }
    List<BalanceAlert> out = new ArrayList<>();
    for (List<CheckRow> group : groups.values()) {
      group.sort(Comparator.comparingDouble(CheckRow::pValueAdjusted));
      CheckRow worst = group.get(0);
      StringBuilder m =
          new StringBuilder("SRM in ")
              .append(d.id())
              .append(' ')
              .append(worst.slice().describe())
              .append(": ")
              .append(worst.message());
      if (group.size() > 1) {
        List<String> others = new ArrayList<>();
        for (CheckRow r : group.subList(1, group.size())) {
          others.add(
              r.slice().describe() + " (Holm-adjusted " + Formats.p(r.pValueAdjusted()) + ")");
        }
        m.append("; also flagged: ").append(String.join(", ", others));
      }
      m.append("; see balance_checks");
      out.add(
          new BalanceAlert(
              d.key(),
              d.version().toString(),
              CheckRow.SRM,
              BalanceAlert.ERROR,
              worst.pValueAdjusted(),
              threshold,
              m.toString()));
    }
    return out;
  }

  private static List<BalanceAlert> armShare(
      ExperimentDefinition d, List<CheckRow> checks, double tolerance) {
    Map<String, List<CheckRow>> byArm = new LinkedHashMap<>();
    for (CheckRow r : checks) {
      if (r.check().equals(CheckRow.ARM_SHARE) && r.flagged()) {
        byArm.computeIfAbsent(r.arm(), k -> new ArrayList<>()).add(r);
      }
    }
    List<BalanceAlert> out = new ArrayList<>();
    byArm.forEach(
        (arm, days) -> {
          CheckRow worst =
              days.stream().max(Comparator.comparingDouble(CheckRow::observedShare)).get();
          out.add(
              new BalanceAlert(
                  d.key(),
                  d.version().toString(),
                  CheckRow.ARM_SHARE,
                  BalanceAlert.ERROR,
                  worst.observedShare(),
                  worst.expectedShare() + tolerance,
                  arm
                      + " in "
                      + d.id()
                      + " holds more than its weight "
                      + Formats.percent(worst.expectedShare())
                      + " + tolerance "
                      + Formats.percent(tolerance)
                      + " of the units enrolled on "
                      + days(days)
                      + "; see balance_checks"));
        });
    return out;
  }

  private static List<BalanceAlert> exposureShare(
      ExperimentDefinition d, List<CheckRow> checks, double tolerance) {
    List<CheckRow> days = new ArrayList<>();
    for (CheckRow r : checks) {
      if (r.check().equals(CheckRow.EXPOSURE_SHARE) && r.flagged()) {
        days.add(r);
      }
    }
    if (days.isEmpty()) {
      return List.of();
    }
    CheckRow worst =
        days.stream()
            .max(Comparator.comparingDouble(r -> r.observedShare() - r.expectedShare()))
            .get();
    List<String> listed = new ArrayList<>();
    for (CheckRow r : days) {
      listed.add(
          r.slice().value()
              + " "
              + Formats.percent(r.observedShare())
              + " of eligible units vs "
              + Formats.percent(r.expectedShare())
              + " intended");
    }
    return List.of(
        new BalanceAlert(
            d.key(),
            d.version().toString(),
            CheckRow.EXPOSURE_SHARE,
            BalanceAlert.WARNING,
            worst.observedShare(),
            worst.expectedShare() + tolerance,
            d.id()
                + " logged more units than its traffic schedule intends (tolerance "
                + Formats.percent(tolerance)
                + ") on "
                + String.join(", ", listed)
                + "; see balance_checks and reconciliation_summary"));
  }

  private static String days(List<CheckRow> days) {
    List<String> out = new ArrayList<>();
    for (CheckRow r : days) {
      out.add(r.slice().value() + " (" + Formats.percent(r.observedShare()) + " of " + r.n() + ")");
    }
    return String.join(", ", out);
  }
}
