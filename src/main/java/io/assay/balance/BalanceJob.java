package io.assay.balance;

import static io.assay.io.ExposureLogs.DATE;
import static io.assay.io.ExposureLogs.EXPERIMENT;
import static io.assay.io.ExposureLogs.VERSION;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.assay.config.AssayConfig;
import io.assay.config.ExperimentDefinition;
import io.assay.io.Inputs;
import io.assay.io.OutputTables;
import io.assay.io.Outputs;
import io.assay.io.RunContext;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The balance stage as of a date {@code D}: sample-ratio mismatch per slice, covariate balance, and
 * arm and exposure shares per day, for every experiment version with enrolled units.
 *
 * <p>Reads: {@code enrollments} (units with {@code excluded = false} and {@code enrolled_date ≤ D})
 * once, in {@link BalanceAggregation}; {@code traffic_daily} rows up to {@code D} (one per date and
 * experiment version). Writes, each replacing exactly date {@code D} in one Delta commit: {@code
 * balance_checks}; {@code covariate_balance} (only the attribute rows; the metrics stage owns the
 * pre-period rows); {@code alerts} (only stage {@code balance}). Results are cumulative through
 * {@code D}, so rerunning a date replaces its rows and a backfill runs one date at a time.
 *
 * <p>Cost: one scan of enrollments with two shuffles of aggregated rows, and one small scan of
 * {@code traffic_daily}; the driver receives counts and sums only, and runs every statistic on
 * them. One experiment version's failure is recorded and the others still run.
 */
public final class BalanceJob {
  private static final Logger LOG = LoggerFactory.getLogger(BalanceJob.class);

  // Columns of traffic_daily read here (see docs/schema.md).
  private static final String ELIGIBLE_UNITS = "eligible_units";
  private static final String ASSIGNED_UNITS = "assigned_units";
  private static final String LOGGED_UNITS = "logged_units";
  private static final String INTENDED_TRAFFIC = "intended_traffic";

  /** One line per experiment version, for the command's output. */
  public record Summary(
      String experiment,
      long units,
      Double overallP,
      int slicesTested,
      int slicesSkipped,
      int slicesFlagged,
      int covariates,
      int covariatesFlagged,
      int shareDaysFlagged) {}

  /** An experiment version whose checks failed; its rows are not written. */
  public record Failure(String experiment, String error) {}

  /** What the job did. */
  public record Result(
      LocalDate asOf,
      List<Summary> experiments,
      List<Failure> failures,
      List<BalanceAlert> alerts) {}

  private BalanceJob() {}

  public static Result run(SparkSession spark, RunContext ctx, LocalDate asOf) {
    AssayConfig site = ctx.conf().assay();
    List<ExperimentDefinition> defs = new ArrayList<>(ctx.conf().experiments());
    defs.sort(Comparator.comparing(ExperimentDefinition::id));

    LOG.info("balance as of {}: counting slices and covariates (one pass over enrollments)", asOf);
    Dataset<Row> enrollments = Inputs.upstream(spark, ctx, OutputTables.ENROLLMENTS);
    Map<String, BalanceCounts> counts =
        defs.isEmpty()
            ? Map.of()
            : BalanceAggregation.collect(
                BalanceAggregation.plan(enrollments, defs, site.balance(), asOf));
    LOG.info("balance as of {}: reading traffic_daily", asOf);
    Map<String, List<ShareChecks.TrafficDay>> traffic = traffic(spark, ctx, asOf);

    LOG.info("balance as of {}: running checks for {} experiment version(s)", asOf, defs.size());
    List<ExperimentBalance> results = new ArrayList<>();
    List<Summary> summaries = new ArrayList<>();
    List<Failure> failures = new ArrayList<>();
    for (ExperimentDefinition d : defs) {
      BalanceCounts c = counts.get(d.id());
      List<ShareChecks.TrafficDay> days = traffic.getOrDefault(d.id(), List.of());
      if (c == null && days.isEmpty()) {
        LOG.info(
            "balance {} as of {}: no enrolled units or eligible traffic yet; skipped",
            d.id(),
            asOf);
        continue;
      }
      try {
        ExperimentBalance b = check(d, c == null ? empty() : c, days, site);
        results.add(b);
        Summary s = summary(d, b);
        summaries.add(s);
        LOG.info(
            "balance {} as of {}: units={} srm_overall_p={} slices tested={} skipped={} flagged={}"
                + " covariates={} flagged={} share_days_flagged={} alerts={}",
            d.id(),
            asOf,
            s.units(),
            s.overallP(),
            s.slicesTested(),
            s.slicesSkipped(),
            s.slicesFlagged(),
            s.covariates(),
            s.covariatesFlagged(),
            s.shareDaysFlagged(),
            b.alerts().size());
      } catch (RuntimeException e) {
        LOG.error("balance {} as of {} failed", d.id(), asOf, e);
        failures.add(new Failure(d.id(), e.toString()));
      }
    }

    LOG.info("balance as of {}: writing balance_checks, covariate_balance, alerts", asOf);
    Outputs.replaceDates(
        ctx,
        OutputTables.BALANCE_CHECKS,
        BalanceTables.checks(spark, asOf, results),
        asOf,
        asOf,
        null);
    Outputs.replaceDates(
        ctx,
        OutputTables.COVARIATE_BALANCE,
        BalanceTables.covariates(spark, asOf, results),
        asOf,
        asOf,
        BalanceTables.OWN_COVARIATE_ROWS);
    Outputs.replaceDates(
        ctx,
        OutputTables.ALERTS,
        BalanceTables.alerts(spark, asOf, results),
        asOf,
        asOf,
        "stage = '" + BalanceTables.STAGE + "'");
    List<BalanceAlert> alerts = new ArrayList<>();
    results.forEach(b -> alerts.addAll(b.alerts()));
    return new Result(asOf, summaries, failures, alerts);
  }

  /** Every check of one experiment version, on the driver. */
  static ExperimentBalance check(
      ExperimentDefinition d,
      BalanceCounts counts,
      List<ShareChecks.TrafficDay> traffic,
      AssayConfig site) {
    AssayConfig.Alerts a = site.alerts();
    List<CheckRow> checks = new ArrayList<>();
    checks.addAll(SrmCheck.run(d, counts.slices(), a.minExpectedCount(), a.srmPValue()));
    checks.addAll(ShareChecks.armShares(d, counts.slices(), a));
    checks.addAll(ShareChecks.exposureShares(traffic, a));
    List<CovariateRow> covariates = CovariateCheck.run(d, counts, a, site.balance().maxLevels());
    return new ExperimentBalance(d, checks, covariates, BalanceAlerts.of(d, checks, covariates, a));
  }

  private static Summary summary(ExperimentDefinition d, ExperimentBalance b) {
    long units = 0;
    Double overall = null;
    int tested = 0;
    int skipped = 0;
    int flagged = 0;
    int shareFlagged = 0;
    for (CheckRow r : b.checks()) {
      if (r.check().equals(CheckRow.SRM)) {
        if (r.slice().type() == SliceType.OVERALL) {
          units = r.n();
          overall = r.pValue();
        }
        tested += r.pValue() != null ? 1 : 0;
        skipped += r.skippedReason() != null ? 1 : 0;
        flagged += r.flagged() ? 1 : 0;
      } else {
        shareFlagged += r.flagged() ? 1 : 0;
      }
    }
    int covariatesFlagged = (int) b.covariates().stream().filter(CovariateRow::flagged).count();
    return new Summary(
        d.id(),
        units,
        overall,
        tested,
        skipped,
        flagged,
        b.covariates().size(),
        covariatesFlagged,
        shareFlagged);
  }

  /**
   * {@code traffic_daily} up to {@code asOf}, days with eligible units only, by {@code
   * key@version}.
   */
  private static Map<String, List<ShareChecks.TrafficDay>> traffic(
      SparkSession spark, RunContext ctx, LocalDate asOf) {
    String path = ctx.input(OutputTables.TRAFFIC_DAILY).toString();
    Map<String, List<ShareChecks.TrafficDay>> out = new HashMap<>();
    if (!Inputs.upstreamExists(spark, ctx, OutputTables.TRAFFIC_DAILY)) {
      LOG.warn("balance as of {}: no traffic_daily at {}; exposure shares not checked", asOf, path);
      return out;
    }
    List<Row> rows =
        Inputs.upstream(spark, ctx, OutputTables.TRAFFIC_DAILY)
            .filter(col(DATE).leq(lit(Date.valueOf(asOf))).and(col(ELIGIBLE_UNITS).gt(0)))
            .select(
                col(DATE),
                col(EXPERIMENT),
                col(VERSION),
                col(ELIGIBLE_UNITS),
                col(ASSIGNED_UNITS),
                col(LOGGED_UNITS),
                col(INTENDED_TRAFFIC))
            .orderBy(DATE)
            .collectAsList();
    for (Row r : rows) {
      out.computeIfAbsent(r.getString(1) + "@" + r.getString(2), k -> new ArrayList<>())
          .add(
              new ShareChecks.TrafficDay(
                  r.getDate(0).toLocalDate(),
                  r.getLong(3),
                  r.getLong(4),
                  r.getLong(5),
                  r.getDouble(6)));
    }
    return out;
  }

  private static BalanceCounts empty() {
    return new BalanceCounts(Map.of(), Map.of(), Map.of(), Map.of());
  }
}
