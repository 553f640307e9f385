package io.assay.cli;

import io.assay.batch.StratifiedAssignment;
import io.assay.config.Conf;
import io.assay.config.ConfigException;
import io.assay.config.ExperimentDefinition;
import io.assay.config.Location;
import io.assay.config.Problem;
import io.assay.config.Source;
import io.assay.io.Inputs;
import io.assay.io.SourceCheck;
import io.assay.io.SparkSessions;
import io.assay.io.Storage;
import io.assay.io.Tables;
import io.assay.pipeline.Definitions;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code assay assign}: stratified permuted-block assignment of a known population. */
@Command(
    name = "assign",
    mixinStandardHelpOptions = true,
    description = {
      "Assign a known population in permuted blocks within strata.",
      "Reads Parquet or Delta; deterministic for the experiment's salt. Writes a Delta table:",
      "experiment, version, unit_id,",
      "status (assigned | not_eligible | duplicate | invalid_unit), arm, stratum, block, slot.",
      "Re-running replaces that experiment version's rows."
    })
public final class AssignCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(AssignCommand.class);
  static final List<String> FORMATS = List.of("delta", "parquet");

  @Mixin ConfOption conf;
  @Spec CommandSpec spec;

  @Option(
      names = "--population",
      paramLabel = "PATH",
      description =
          "Population table (Parquet or Delta), a path or a Hadoop URI. Default: data.population"
              + " of assay.yaml.")
  Location population;

  @Option(
      names = "--experiment",
      required = true,
      paramLabel = "KEY[@VERSION]",
      description = "Experiment to assign (default version: the latest).")
  String experiment;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "PATH",
      description = "Output Delta table, a path or a Hadoop URI.")
  Location out;

  @Option(
      names = "--unit-column",
      defaultValue = "unit_id",
      paramLabel = "NAME",
      description = "Column holding the unit id (default: ${DEFAULT-VALUE}).")
  String unitColumn;

  @Option(
      names = "--format",
      paramLabel = "delta|parquet",
      description =
          "Population format, delta or parquet (default: detected; a _delta_log directory means"
              + " Delta).")
  String format;

  @Override
  public Integer call() {
    Conf c = Definitions.load(conf.dir());
    ExperimentDefinition d = c.resolve(experiment);
    Source pop = population(c);
    SparkSession spark = SparkSessions.getOrCreate("assay-assign", "local[*]", Map.of());
    if (population == null) {
      List<Problem> problems = SourceCheck.population(spark, c, pop);
      if (!problems.isEmpty()) {
        throw new ConfigException(problems, List.of());
      }
    }
    spark.sparkContext().setJobGroup("assign exp=" + d.id(), "stratified batch assignment", false);
    LOG.info("assign {}: reading population {}", d.id(), pop.describe());
    Dataset<Row> result =
        StratifiedAssignment.assign(Inputs.source(spark, pop), d, unitColumn, pop.describe());
    boolean exists = Tables.isDelta(spark, out.uri());
    var writer = result.write().format("delta");
    if (exists) {
      writer =
          writer
              .mode("overwrite")
              .option(
                  "replaceWhere",
                  "experiment = '" + d.key() + "' AND version = '" + d.version() + "'");
    } else {
      writer = writer.mode("errorifexists");
    }
    writer.save(out.uri());
    LOG.info("assign {}: wrote {}", d.id(), out);
    List<Row> summary =
        StratifiedAssignment.summary(
                spark
                    .read()
                    .format("delta")
                    .load(out.uri())
                    .filter("experiment = '" + d.key() + "' AND version = '" + d.version() + "'"))
            .collectAsList();
    PrintWriter o = spec.commandLine().getOut();
    o.printf("%s assigned from %s into %s%n", d.id(), pop.describe(), out);
    o.printf("%-40s %-14s %-16s %10s%n", "stratum", "status", "arm", "units");
    int shown = 0;
    for (Row r : summary) {
      if (shown++ == 200) {
        o.printf("... %d more rows (query the output table)%n", summary.size() - 200);
        break;
      }
      o.printf(
          "%-40s %-14s %-16s %10d%n",
          r.getString(0), r.getString(1), r.isNullAt(2) ? "-" : r.getString(2), r.getLong(3));
    }
    o.flush();
    return ExitCodes.OK;
  }

  /**
   * The population: {@code --population} (in {@code --format}, else detected), else {@code
   * data.population} (files in {@code --format} or their configured format, a table or a query).
   */
  private Source population(Conf c) {
    Source configured = c.assay().population();
    if (population == null && configured.isCatalog()) {
      if (format != null) {
        throw new UsageProblem(
            "--format applies to population files, and data.population is "
                + configured.describe()
                + "; leave --format out, or give the files with --population PATH");
      }
      return configured;
    }
    Location pop = population != null ? population : configured.fileLocation().orElseThrow();
    String fmt = format;
    if (fmt == null && population == null && configured instanceof Source.Files f) {
      fmt = f.format();
    }
    checkFormat(pop, format);
    return new Source.Files(pop, fmt);
  }

  /**
   * {@code --format} must name a format assign reads, and agree with the table: Spark would read a
   * Delta table's files as plain Parquet (old and removed rows included) or Parquet as CSV.
   */
  private static void checkFormat(Location pop, String format) {
    if (format == null) {
      return;
    }
    if (!FORMATS.contains(format)) {
      throw new UsageProblem(
          "--format '"
              + format
              + "' is not one of "
              + String.join(", ", FORMATS)
              + ": assign reads Parquet or Delta populations; convert the population to Parquet,"
              + " or leave --format out to detect the format");
    }
    Storage storage = Storage.beforeSpark();
    boolean delta = storage.isDirectory(pop.resolve("_delta_log"));
    if (format.equals("parquet") && delta) {
      throw new UsageProblem(
          "--format parquet, but "
              + pop
              + " is a Delta table (it has a _delta_log); pass --format delta or leave --format"
              + " out");
    }
    if (format.equals("delta") && !delta && storage.exists(pop)) {
      throw new UsageProblem(
          "--format delta, but "
              + pop
              + " is not a Delta table (no _delta_log); pass --format parquet or leave --format"
              + " out");
    }
  }
}
