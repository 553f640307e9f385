package io.assay.cli;

import io.assay.config.Conf;
import io.assay.config.ConfigLoader;
import io.assay.config.DefinitionLock;
import io.assay.generate.OutputFiles;
import io.assay.generate.ScaleConfiguration;
import io.assay.generate.WorldGenerator;
import io.assay.generate.WorldSpec;
import io.assay.io.SparkSessions;
import io.assay.pipeline.Definitions;
import java.io.PrintWriter;
import java.nio.file.Files;
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
  /** Where --experiments writes its configuration, under the world's directory. */
  static final String SCALE_CONF = "conf";

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
      names = "--experiments",
      paramLabel = "N",
      description = {
        "Instead of conf/'s experiments, write a synthetic configuration to DIR/conf with N",
        "concurrent A/A experiments in up to 5 namespace layers (each unit in one experiment per",
        "layer, so the log has the same rows for every N) and generate the world for it.",
        "--conf is not read then. See docs/generator.md."
      })
  Integer experiments;

  @Option(
      names = "--metrics",
      paramLabel = "M",
      description =
          "With --experiments: M synthetic metrics per source (4 sources; every experiment"
              + " lists all of them). Default: 10.")
  Integer metrics;

  @Option(
      names = "--conf-only",
      description =
          "With --experiments: write DIR/conf and stop (no data). The data of a world of the"
              + " same N and any M ≥ 9 is the same, so one world serves every M.")
  boolean confOnly;

  @Option(
      names = "--overwrite",
      description = "Replace the outputs of an earlier world in DIR (other files are kept).")
  boolean overwrite;

  /** The configuration to generate for: conf/, or the synthetic one written by --experiments. */
  private Path confDir() {
    if (experiments == null) {
      if (metrics != null) {
        throw new UsageProblem("--metrics needs --experiments (it sets the synthetic catalog)");
      }
      return conf.dir();
    }
    if (spec.commandLine().getParseResult().hasMatchedOption("--conf")) {
      throw new UsageProblem(
          "--conf and --experiments exclude each other: --experiments writes its own"
              + " configuration to DIR/conf");
    }
    Path dir = out.resolve(SCALE_CONF);
    if (Files.exists(dir) && !overwrite) {
      throw new UsageProblem(dir + " exists already; pass --overwrite to replace it");
    }
    try {
      OutputFiles.delete(dir);
      ScaleConfiguration.write(dir, experiments, metrics == null ? 10 : metrics);
    } catch (IllegalArgumentException e) {
      throw new UsageProblem(e.getMessage());
    }
    // Locked as written, so later commands validate the definitions against the lock.
    DefinitionLock.appendNew(
        dir, Definitions.load(dir, ConfigLoader.LockMode.ALLOW_NEW).experiments());
    return dir;
  }

  @Override
  public Integer call() {
    WorldSpec world;
    try {
      world = new WorldSpec(out, units, days, seed, faults, format);
    } catch (IllegalArgumentException e) {
      throw new UsageProblem(e.getMessage());
    }
    if (confOnly && experiments == null) {
      throw new UsageProblem("--conf-only needs --experiments");
    }
    Conf c = Definitions.load(confDir());
    if (confOnly) {
      spec.commandLine()
          .getOut()
          .printf(
              "configuration written to %s (%d experiments, %d metrics)%n",
              out.resolve(SCALE_CONF), c.keys().size(), c.catalog().all().size());
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
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
    if (experiments != null) {
      o.printf(
          "  %-12s %d experiments, %d metrics (run every command with --conf %s)%n",
          SCALE_CONF, c.keys().size(), c.catalog().all().size(), out.resolve(SCALE_CONF));
    }
    o.printf("  %-12s %,d lines%n", WorldGenerator.LOGS, r.logLines());
    r.rows().forEach((name, n) -> o.printf("  %-12s %,d rows%n", name, n));
    o.printf(
        "  %-12s true effects, faults and the expected reconciliation%n", WorldGenerator.TRUTH);
    o.flush();
    return ExitCodes.OK;
  }
}
