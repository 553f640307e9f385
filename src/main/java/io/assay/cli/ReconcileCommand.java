package io.assay.cli;

import io.assay.config.Conf;
import io.assay.config.ExposureSource;
import io.assay.config.Location;
import io.assay.io.RunContext;
import io.assay.pipeline.Definitions;
import io.assay.pipeline.NightlyPlan;
import io.assay.pipeline.NightlyRunner;
import io.assay.pipeline.Runs;
import io.assay.reconcile.ReconcileJob;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code assay reconcile}: recompute every logged assignment and account for every row. */
@Command(
    name = "reconcile",
    mixinStandardHelpOptions = true,
    description = {
      "Recompute every logged assignment and classify it; quarantine bad rows; build enrollments.",
      "Writes quarantine, ingest_summary, reconciliation_summary, reconciliation_mismatches,",
      "enrollment_days, enrollments and alerts under the output root, replacing the dates run.",
      "Fails (exit 1) if input rows != accepted + duplicates + quarantined for any date.",
      "A JSON log's rows are its lines, ended by \\n (a CRLF's \\r belongs to the line end);",
      "a compressed or binary file under a text name fails the run (exit 1) naming the file,",
      "while *.json.gz and *.json.bz2 files are decompressed. See docs/bad-data.md."
    })
public final class ReconcileCommand implements Callable<Integer> {
  @Mixin ConfOption conf;
  @Mixin DateRange range;
  @Spec CommandSpec spec;

  @Mixin LogsOptions logsOptions;

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
    var from = range.from();
    var to = range.to();
    ExposureSource logs = logsOptions.source(c);
    RunContext ctx = StageSetup.context(spec, c, out);
    SparkSession spark = StageSetup.spark("reconcile", from + ".." + to);
    StageSetup.checkCatalog(spark, ctx, logs, false);
    NightlyPlan plan = NightlyPlan.stage(c, NightlyPlan.Stage.RECONCILE, from, to);
    ReconcileJob.Result r =
        Runs.record(spark, ctx, () -> NightlyRunner.runStage(spark, ctx, plan, logs))
            .results(ReconcileJob.Result.class)
            .get(0);
    PrintWriter o = spec.commandLine().getOut();
    o.printf("reconcile %s..%s  run %s  → %s%n", from, to, ctx.runId(), ctx.outputRoot());
    for (var d : r.dates()) {
      o.printf(
          "  %s  input %d = accepted %d + duplicates %d + quarantined %d%n",
          d.date(), d.input(), d.accepted(), d.duplicates(), d.quarantined());
      if (d.input() == 0) {
        // An empty partition is processed (zero exposures), but never silently.
        o.printf(
            "  WARNING %s: the log partition holds no rows; if the logs are late, rerun the date"
                + " when they have landed%n",
            d.date());
      }
    }
    for (var e : r.experiments()) {
      o.printf(
          "  %-28s accepted %9d  match rate %.4f%n",
          e.experiment() + "@" + e.version(),
          e.accepted(),
          e.accepted() == 0 ? 1.0 : (double) e.matched() / e.accepted());
    }
    for (var a : r.alerts()) {
      o.printf(
          "  ALERT %s %s@%s: mismatch rate %.4f > %.4f%n",
          a.date(), a.experiment(), a.version(), a.mismatchRate(), a.threshold());
    }
    o.flush();
    return failOnAlert && !r.alerts().isEmpty() ? ExitCodes.ALERT : ExitCodes.OK;
  }
}
