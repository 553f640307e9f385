package io.assay.cli;

import io.assay.config.Conf;
import io.assay.config.ExposureSource;
import io.assay.config.Location;
import io.assay.io.RunContext;
import io.assay.pipeline.Definitions;
import io.assay.pipeline.NightlyPlan;
import io.assay.pipeline.NightlyRunner;
import io.assay.pipeline.Runs;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code assay nightly}: reconcile → balance → analyze → report for a date or a backfill range. */
@Command(
    name = "nightly",
    mixinStandardHelpOptions = true,
    description = {
      "Run every stage for a date (or --from/--to for a backfill): reconcile, balance, analyze, report.",
      "Builds the plan first (--dry-run prints it). A date whose logs have not landed is a logged",
      "skip. One experiment's failure does not stop the others. Exit 0 ok, 1 failure, 2 bad",
      "configuration, 3 alerts with --fail-on-alert."
    })
public final class NightlyCommand implements Callable<Integer> {
  @Mixin ConfOption conf;
  @Mixin DateRange range;
  @Spec CommandSpec spec;

  @Mixin LogsOptions logsOptions;

  @Option(
      names = "--out",
      paramLabel = "ROOT",
      description = "Output root, a path or a Hadoop URI (default: output.root).")
  Location out;

  @Option(names = "--dry-run", description = "Print the plan and exit without running it.")
  boolean dryRun;

  @Option(names = "--fail-on-alert", description = "Exit 3 when an alert was raised.")
  boolean failOnAlert;

  @Override
  public Integer call() {
    Conf c = Definitions.load(conf.dir());
    ExposureSource logs = logsOptions.source(c);
    // Log files are planned before Spark starts; a catalog source needs the session to tell
    // which dates have rows.
    SparkSession early =
        logs.source().isCatalog()
            ? StageSetup.spark("nightly", range.from() + ".." + range.to())
            : null;
    if (early != null) {
      StageSetup.checkSources(early, c, logs, false);
    }
    NightlyPlan plan = NightlyPlan.of(c, logs, range.from(), range.to(), early);
    PrintWriter o = spec.commandLine().getOut();
    if (dryRun) {
      o.print(plan.render());
      o.flush();
      return ExitCodes.OK;
    }
    RunContext ctx = StageSetup.context(spec, c, out);
    SparkSession spark = StageSetup.spark("nightly", range.from() + ".." + range.to());
    // Catalog logs were checked before planning; log files need no check.
    StageSetup.checkCatalog(spark, ctx, null, true);
    NightlyRunner.Outcome r =
        Runs.record(
            spark,
            ctx,
            () -> NightlyRunner.run(spark, ctx, plan, logs),
            NightlyRunner.Outcome::failureReason);
    o.printf(
        "nightly %s..%s  run %s  → %s%n", range.from(), range.to(), ctx.runId(), ctx.outputRoot());
    r.lines().forEach(l -> o.println("  " + l));
    if (r.lastReport() != null) {
      o.printf("reports: %s%n", r.lastReport());
    }
    o.flush();
    if (r.failed()) {
      return ExitCodes.FAILURE;
    }
    return failOnAlert && r.alerted() ? ExitCodes.ALERT : ExitCodes.OK;
  }
}
