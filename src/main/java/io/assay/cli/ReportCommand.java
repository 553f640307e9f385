package io.assay.cli;

import io.assay.config.Conf;
import io.assay.config.Location;
import io.assay.io.RunContext;
import io.assay.pipeline.Definitions;
import io.assay.pipeline.NightlyPlan;
import io.assay.pipeline.NightlyRunner;
import io.assay.pipeline.Runs;
import io.assay.report.ReportJob;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code assay report}: HTML, JSON and Markdown reports and CSV exports for a date. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Render every experiment's results as of a date: HTML (self-contained), JSON and Markdown.",
      "Writes <output.root>/reports/<date>/ (index.html first) and CSV exports of the day's",
      "aggregate tables to <output.root>/exports/<date>/ for notebooks."
    })
public final class ReportCommand implements Callable<Integer> {
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
    SparkSession spark = StageSetup.spark("report", "date=" + d);
    StageSetup.checkCatalog(spark, ctx, null, false);
    NightlyPlan plan = NightlyPlan.stage(c, NightlyPlan.Stage.REPORT, d, d);
    ReportJob.Result r =
        Runs.record(spark, ctx, () -> NightlyRunner.runStage(spark, ctx, plan, null))
            .results(ReportJob.Result.class)
            .get(0);
    PrintWriter o = spec.commandLine().getOut();
    o.printf("report as of %s: %d experiment(s)%n", d, r.experiments().size());
    o.printf("  index   %s%n", r.reports().resolve("index.html"));
    o.printf("  exports %s%n", r.exports());
    o.flush();
    return ExitCodes.OK;
  }
}
