package io.assay.cli;

import io.assay.config.Conf;
import io.assay.config.ConfigException;
import io.assay.config.ExperimentDefinition;
import io.assay.config.Problem;
import io.assay.io.LocationCheck;
import io.assay.io.OutputCatalog;
import io.assay.io.SourceCheck;
import io.assay.io.SparkSessions;
import io.assay.io.Storage;
import io.assay.pipeline.Definitions;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code assay validate}: checks every definition; exit 0, or 2 with every problem listed. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check every definition and the lock file; exit 2 on any problem.",
      "Checks assay.yaml, metrics.yaml, experiments/KEY/VERSION.yaml and experiments.lock.",
      "Reports every problem at once (file, field, fix).",
      "Then checks that every configured location (data.root, data.logs, data.population,",
      "output.root, each metric source) can be reached through Hadoop's FileSystem with the",
      "spark.hadoop.* settings: an unknown scheme, host or bucket or denied access is an error",
      "naming the field and URI; a location that does not exist yet is a warning.",
      "Starts Spark only for sources given as table: or sql: and for output.database: a",
      "missing table, a query that does not analyze (nothing is executed), a missing unit,",
      "time or date column, or an output table name taken at another location is an error.",
      "Warnings (e.g. correlated GrowthBook v1 seeds) are printed but do not change the exit code."
    })
public final class ValidateCommand implements Callable<Integer> {
  @Mixin ConfOption conf;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    Conf c = Definitions.load(conf.dir());
    PrintWriter out = spec.commandLine().getOut();
    LocationCheck.Result reach =
        LocationCheck.check(
            Storage.beforeSpark(),
            c.dir().resolve("assay.yaml").toString(),
            c.assay(),
            c.dir().resolve("metrics.yaml").toString(),
            c.catalog().sources());
    List<Problem> warnings = new ArrayList<>(c.warnings());
    warnings.addAll(reach.warnings());
    List<Problem> errors = new ArrayList<>(reach.errors());
    if (SourceCheck.needsSession(c)) {
      // Only now: a configuration of paths alone is validated without starting Spark.
      SparkSession spark = SparkSessions.getOrCreate("assay-validate", "local[*]", Map.of());
      errors.addAll(SourceCheck.analyze(spark, c));
      errors.addAll(OutputCatalog.conflicts(spark, c, c.assay().outputRoot()));
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(errors, warnings);
    }
    for (Problem w : warnings) {
      spec.commandLine().getErr().println("warning: " + w.render());
    }
    out.printf(
        "OK: %s — %d experiment version(s), %d metric(s), %d source(s)%n",
        c.dir(),
        c.experiments().size(),
        c.catalog().metrics().size(),
        c.catalog().sources().size());
    for (ExperimentDefinition d : c.experiments()) {
      out.printf(
          "  %-32s %-14s %s → %s  arms %s%n",
          d.id(), d.hash().yaml, d.start(), d.end(), d.armKeys());
    }
    out.flush();
    return ExitCodes.OK;
  }
}
