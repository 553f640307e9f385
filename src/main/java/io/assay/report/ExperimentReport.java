package io.assay.report;

import io.assay.config.ExperimentDefinition;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Everything one experiment's report shows, as plain values read from the output tables (every
 * number here is a copy of a table cell; the renderers only format). Built by {@link ReportData}.
 *
 * @param definition the experiment version
 * @param date the report's as-of date
 * @param decisions one per treatment arm
 * @param metrics whole-experiment results (segment {@code all}) in definition order
 * @param segments strata results (suppressed ones included, flagged)
 * @param series cumulative results by enrollment date, for the effect-over-time chart
 * @param srm SRM checks as of the date (overall first, then flagged slices)
 * @param srmDaily daily SRM checks, in date order
 * @param reconciliation exposures per category over all dates up to the report date
 * @param quarantine quarantined rows per reason over all dates up to the report date (rows that
 *     name this experiment version)
 * @param quarantineUnknownVersion quarantined rows per reason over the same dates that name this
 *     experiment's key with a version that is not defined (or none): they belong to no version's
 *     page, so every version's page shows them
 * @param unknownVersions the versions those rows name ({@code (none)} for a missing one), sorted
 * @param covariates covariate balance rows as of the date
 * @param run metadata of the run that wrote the results
 * @param increaseIsGood each metric's direction, from the catalog
 */
public record ExperimentReport(
    ExperimentDefinition definition,
    LocalDate date,
    List<Decision> decisions,
    List<MetricRow> metrics,
    List<MetricRow> segments,
    List<MetricRow> series,
    List<Check> srm,
    List<Check> srmDaily,
    Map<String, Long> reconciliation,
    Map<String, Long> quarantine,
    Map<String, Long> quarantineUnknownVersion,
    List<String> unknownVersions,
    List<Covariate> covariates,
    RunInfo run,
    Map<String, Boolean> increaseIsGood) {

  /** The decision for one treatment arm. */
  public record Decision(
      String arm,
      String decision,
      List<String> reasons,
      boolean srmFailed,
      boolean srmChecked,
      boolean reconciliationFailed,
      boolean plannedSampleReached,
      long enrolledUnits) {}

  /**
   * One {@code metric_results} row (the columns the report shows). {@code estimateControl} and
   * {@code estimateTreatment} are the arms' means as measured; with CUPED the comparison (effect,
   * interval, lift, p) is of the adjusted means {@code estimateControlAdjusted} and {@code
   * estimateTreatmentAdjusted} (null without CUPED).
   */
  public record MetricRow(
      String metric,
      String kind,
      String role,
      String segmentKey,
      String segmentValue,
      String arm,
      Long nControl,
      Long nTreatment,
      Double estimateControl,
      Double estimateTreatment,
      Double estimateControlAdjusted,
      Double estimateTreatmentAdjusted,
      Double effect,
      Double ciLower,
      Double ciUpper,
      Double pValue,
      Double pValueAdjusted,
      Double relativeEffect,
      Double relativeCiLower,
      Double relativeCiUpper,
      boolean cuped,
      Double varianceReduction,
      Double mdeRelative,
      Double achievedPower,
      Double requiredNControl,
      Double requiredNTreatment,
      Double daysLeft,
      Double chanceToBeatControl,
      String guardrailStatus,
      String error,
      boolean suppressed) {

    /**
     * Units needed per arm for the target MDE: the larger of the two arms' requirements (with an
     * unequal allocation the arms need different numbers), or null when none is known.
     */
    public Double requiredNPerArm() {
      if (requiredNControl == null) {
        return requiredNTreatment;
      }
      return requiredNTreatment == null
          ? requiredNControl
          : Math.max(requiredNControl, requiredNTreatment);
    }
  }

  /** One {@code balance_checks} row. */
  public record Check(
      String check,
      String sliceType,
      String sliceKey,
      String sliceValue,
      String arm,
      long n,
      Map<String, Long> observed,
      Double pValue,
      Double pValueAdjusted,
      boolean flagged,
      String skippedReason,
      String message) {

    /**
     * Where the slice is, in words ({@code stratum platform=android}, {@code source sdk-ios},
     * {@code units enrolled on 2026-11-03}): the words of the balance stage's alerts.
     */
    public String where() {
      return switch (sliceType) {
        case "overall" -> "overall";
        case "stratum" ->
            "stratum " + sliceKey + (sliceValue == null ? " absent" : "=" + sliceValue);
        case "crossed_stratum" ->
            "stratum ("
                + String.valueOf(sliceKey).replace(",", ", ")
                + ") = "
                + (sliceValue == null
                    ? "(some absent)"
                    : "(" + sliceValue.replace(",", ", ") + ")");
        case "day" -> "units enrolled on " + sliceValue;
        case "cumulative" -> "units enrolled through " + sliceValue;
        case "source" -> "source " + (sliceValue == null ? "(none)" : sliceValue);
        default ->
            sliceType
                + (sliceKey == null ? "" : " " + sliceKey)
                + (sliceValue == null ? "" : "=" + sliceValue);
      };
    }
  }

  /** One {@code covariate_balance} row. */
  public record Covariate(
      String covariate,
      String kind,
      String arm,
      Double smd,
      Double pValue,
      boolean flagged,
      String message) {}

  /** Where the numbers come from. */
  public record RunInfo(
      String runId,
      String appVersion,
      String gitCommit,
      String javaVersion,
      String sparkVersion,
      String deltaVersion,
      String startedAt,
      String definitionSha256) {
    /** The same run, with the hash of the definition the report is for. */
    public RunInfo withDefinition(String sha256) {
      return new RunInfo(
          runId, appVersion, gitCommit, javaVersion, sparkVersion, deltaVersion, startedAt, sha256);
    }
  }

  /** Share of accepted exposures that match the definition, or null without exposures. */
  public Double matchRate() {
    long total = 0;
    long match = 0;
    for (Map.Entry<String, Long> e : reconciliation.entrySet()) {
      if (!e.getKey().equals("multiple_arms")) {
        total += e.getValue();
      }
      if (e.getKey().equals("match")) {
        match = e.getValue();
      }
    }
    return total == 0 ? null : (double) match / total;
  }

  /** The overall SRM row, if the balance stage ran. */
  public Check srmOverall() {
    return srm.stream().filter(c -> c.sliceType().equals("overall")).findFirst().orElse(null);
  }

  /**
   * Every flagged SRM slice as of the date (the overall one and the days included), most
   * significant first: a mismatch in one stratum, day or source is a mismatch even when the whole
   * experiment looks fine.
   */
  public List<Check> srmFlagged() {
    return java.util.stream.Stream.concat(srm.stream(), srmDaily.stream())
        .filter(Check::flagged)
        .sorted(
            java.util.Comparator.comparing(
                (Check c) -> c.pValueAdjusted() == null ? 2.0 : c.pValueAdjusted()))
        .toList();
  }

  /** Quarantined rows naming this version, plus those naming an unknown version of the key. */
  public long quarantinedRows() {
    return quarantine.values().stream().mapToLong(Long::longValue).sum()
        + quarantineUnknownVersion.values().stream().mapToLong(Long::longValue).sum();
  }

  /** A one-word status for the index: the first arm's decision, or "no results". */
  public String status() {
    return decisions.isEmpty() ? "no results" : decisions.get(0).decision();
  }
}
