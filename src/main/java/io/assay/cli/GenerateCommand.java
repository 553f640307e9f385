package io.assay.cli;

import io.assay.config.Conf;
import io.assay.generate.WorldGenerator;
import io.assay.generate.WorldSpec;
import io.assay.io.SparkSessions;
import io.assay.pipeline.Definitions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code assay generate}: a synthetic experiment world with known truth. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Generate a synthetic experiment world with known truth, for the experiments in conf/.",
      "Writes DIR/logs (exposure logs by date, faults included), the metric sources of",
      "metrics.yaml (orders, sessions, page_views, crashes), DIR/population and DIR/truth.json",
      "(true effects, injected faults with exact counts, the expected reconciliation).",
      "Deterministic: the same seed gives the same files. See docs/generator.md."
    })
public final class GenerateCommand implements Callable<Integer> {
  @Mixin ConfOption conf;
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "World directory.")
  Path out;

  @Option(names = "--units", required = true, paramLabel = "N", description = "Number of units.")
  long units;

  @Option(
      names = "--days",
      defaultValue = "14",
      paramLabel = "D",
      description =
          "Days with exposures, from the earliest experiment start (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(
      names = "--seed",
      defaultValue = "1",
      paramLabel = "S",
      description = "Seed of every draw (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--faults",
      defaultValue = "default",
      paramLabel = "default|none",
      description =
          "Inject the default faults, or none for a clean world (default: ${DEFAULT-VALUE}).")
  WorldSpec.FaultMode faults;

  @Option(
      names = "--format",
      defaultValue = "json",
      paramLabel = "json|parquet",
      description = "Exposure log format (default: ${DEFAULT-VALUE}).")
  WorldSpec.LogFormat format;

  @Option(
      names = "--overwrite",
      description = "Replace the outputs of an earlier world in DIR (other files are kept).")
  boolean overwrite;

  @Override
  public Integer call() {
    Conf c = Definitions.load(conf.dir());
    WorldSpec world;
    try {
      world = new WorldSpec(out, units, days, seed, faults, format);
    } catch (IllegalArgumentException e) {
      throw new UsageProblem(e.getMessage());
    }
    SparkSession spark = SparkSessions.getOrCreate("assay-generate", "local[*]", Map.of());
    WorldGenerator generator = new WorldGenerator(spark, c, world);
    List<Path> existing = generator.existingOutputs();
    if (!existing.isEmpty()) {
      if (!overwrite) {
        throw new UsageProblem(
            out
                + " already holds a world ("
                + existing.get(0).getFileName()
                + ", …);"
                + " pass --overwrite to replace it");
      }
      generator.deleteOutputs();
    }
    WorldGenerator.Result r = generator.generate();
    PrintWriter o = spec.commandLine().getOut();
    o.printf("world written to %s (%d units, %d days, seed %d)%n", out, units, days, seed);
    o.printf("  %-12s %,d lines%n", WorldGenerator.LOGS, r.logLines());
    r.rows().forEach((name, n) -> o.printf("  %-12s %,d rows%n", name, n));
    o.printf(
        "  %-12s true effects, faults and the expected reconciliation%n", WorldGenerator.TRUTH);
    o.flush();
    return ExitCodes.OK;
  }
}
