package io.assay.cli;

import io.assay.config.Conf;
import io.assay.config.Location;
import io.assay.io.RunContext;
import io.assay.metrics.AnalyzeJob;
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

/** {@code assay analyze}: metrics, effects, intervals, p-values, power and decisions. */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    description = {
      "Compute every experiment's metrics and statistics as of a date.",
      "Reads enrollments and each metric source once; writes metric_stats, metric_results and",
      "experiment_decisions for the date (replacing them on a rerun). Every metric source is",
      "checked first: an experiment reading a source that is missing, lacks a column or has a",
      "column of the wrong type fails, naming it (exit 1); the others are analysed."
    })
public final class AnalyzeCommand implements Callable<Integer> {
  @Mixin ConfOption conf;
  @Mixin AsOfDate asOf;
  @Spec CommandSpec spec;

  @Option(
      names = "--out",
      paramLabel = "ROOT",
      description = "Output root, a path or a Hadoop URI (default: output.root).")
  Location out;

  @Override
  public Integer call() {
    Conf c = Definitions.load(conf.dir());
    LocalDate d = asOf.value();
    RunContext ctx = StageSetup.context(spec, c, out);
    SparkSession spark = StageSetup.spark("analyze", "date=" + d);
    StageSetup.checkCatalog(spark, ctx, null, true);
    NightlyPlan plan = NightlyPlan.stage(c, NightlyPlan.Stage.ANALYZE, d, d);
    List<AnalyzeJob.Summary> summaries =
        Runs.record(
            spark,
            ctx,
            () ->
                NightlyRunner.runStage(spark, ctx, plan, null)
                    .results(NightlyRunner.Analyzed.class)
                    .get(0)
                    .experiments(),
            ss -> {
              List<String> failed = new ArrayList<>();
              for (var s : ss) {
                if (s.error() != null) {
                  failed.add("analyze " + s.experiment() + "@" + s.version() + ": " + s.error());
                }
              }
              return failed.isEmpty() ? null : String.join("\n", failed);
            });
    PrintWriter o = spec.commandLine().getOut();
    o.printf("analyze as of %s  run %s  → %s%n", d, ctx.runId(), ctx.outputRoot());
    boolean failed = false;
    for (var s : summaries) {
      if (s.error() != null) {
        failed = true;
        o.printf("  %-28s FAILED: %s%n", s.experiment() + "@" + s.version(), s.error());
        continue;
      }
      o.printf(
          "  %-28s units %9d  results %4d  %s%n",
          s.experiment() + "@" + s.version(),
          s.enrolledUnits(),
          s.results(),
          String.join(", ", s.decisions()));
    }
    o.flush();
    return failed ? ExitCodes.FAILURE : ExitCodes.OK;
  }
}
