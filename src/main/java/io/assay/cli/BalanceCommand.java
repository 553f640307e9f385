package io.assay.cli;

import io.assay.balance.BalanceAlert;
import io.assay.balance.BalanceJob;
import io.assay.config.Conf;
import io.assay.config.Location;
import io.assay.io.RunContext;
import io.assay.pipeline.Definitions;
import io.assay.pipeline.NightlyPlan;
import io.assay.pipeline.NightlyRunner;
import io.assay.pipeline.Runs;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code assay balance}: SRM, covariate balance and shares over time, as of each date. */
@Command(
    name = "balance",
    mixinStandardHelpOptions = true,
    description = {
      "Check that randomization is healthy, as of a date (cumulative through it): sample-ratio",
      "mismatch overall, per stratum, crossed stratum, day and source (Holm-corrected), covariate",
      "balance (SMD, chi-square), and each day's arm and exposure shares.",
      "Reads enrollments and traffic_daily (run reconcile first); writes balance_checks,",
      "covariate_balance and alerts, replacing the date. A range runs each date in turn."
    })
public final class BalanceCommand implements Callable<Integer> {
  @Mixin ConfOption conf;
  @Mixin DateRange range;
  @Spec CommandSpec spec;

  @Option(
      names = "--out",
      paramLabel = "ROOT",
      description = "Output root, a path or a Hadoop URI (default: output.root).")
  Location out;

  @Option(names = "--fail-on-alert", description = "Exit 3 when an alert was raised.")
  boolean failOnAlert;

  @Override
  public Integer call() {
    Conf c = Definitions.load(conf.dir());
    LocalDate from = range.from();
    LocalDate to = range.to();
    // Balance outputs are aggregates only: no unit id is read or written, so no pseudonym key.
    RunContext ctx = StageSetup.context(spec, c, out, false);
    SparkSession spark = StageSetup.spark("balance", from + ".." + to);
    StageSetup.checkCatalog(spark, ctx, null, false);
    PrintWriter o = spec.commandLine().getOut();
    NightlyPlan plan = NightlyPlan.stage(c, NightlyPlan.Stage.BALANCE, from, to);
    List<BalanceJob.Result> results =
        Runs.record(
            spark,
            ctx,
            () -> NightlyRunner.runStage(spark, ctx, plan, null).results(BalanceJob.Result.class),
            BalanceCommand::failureReason);
    boolean alerted = false;
    boolean failed = false;
    for (BalanceJob.Result r : results) {
      LocalDate d = r.asOf();
      o.printf("balance as of %s  run %s  → %s%n", d, ctx.runId(), ctx.outputRoot());
      for (BalanceJob.Summary s : r.experiments()) {
        o.printf(
            "  %-28s units %9d  SRM overall p %-8s slices %d tested, %d skipped, %d flagged;"
                + " covariates %d, %d flagged; share days flagged %d%n",
            s.experiment(),
            s.units(),
            s.overallP() == null ? "-" : String.format(java.util.Locale.ROOT, "%.2g", s.overallP()),
            s.slicesTested(),
            s.slicesSkipped(),
            s.slicesFlagged(),
            s.covariates(),
            s.covariatesFlagged(),
            s.shareDaysFlagged());
      }
      for (BalanceAlert a : r.alerts()) {
        o.printf("  ALERT %s %s %s: %s%n", d, a.severity(), a.check(), a.message());
      }
      for (BalanceJob.Failure f : r.failures()) {
        o.printf("  FAILED %s %s: %s%n", d, f.experiment(), f.error());
      }
      alerted |= !r.alerts().isEmpty();
      failed |= !r.failures().isEmpty();
    }
    o.flush();
    if (failed) {
      return ExitCodes.FAILURE;
    }
    return failOnAlert && alerted ? ExitCodes.ALERT : ExitCodes.OK;
  }

  /** Every experiment that failed, one per line; null when none did. */
  static String failureReason(List<BalanceJob.Result> results) {
    List<String> failed = new ArrayList<>();
    for (BalanceJob.Result r : results) {
      for (BalanceJob.Failure f : r.failures()) {
        failed.add("balance " + r.asOf() + " " + f.experiment() + ": " + f.error());
      }
    }
    return failed.isEmpty() ? null : String.join("\n", failed);
  }
}
