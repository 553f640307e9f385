package io.assay.cli;

import io.assay.config.Conf;
import io.assay.config.ConfigException;
import io.assay.config.ExposureSource;
import io.assay.config.Location;
import io.assay.config.Problem;
import io.assay.io.LocationCheck;
import io.assay.io.OutputCatalog;
import io.assay.io.OutputLock;
import io.assay.io.RunContext;
import io.assay.io.SourceCheck;
import io.assay.io.SparkSessions;
import io.assay.io.Storage;
import io.assay.pipeline.PseudonymKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Model.CommandSpec;

/** What every Spark stage command does before its work: a run context and a session. */
final class StageSetup {
  /**
   * Set by {@code assay reproduce} while it re-executes a recorded command: the scratch root that
   * holds clones of the original root's tables as they were when the run started (read and written
   * by the re-run), and the Delta versions to read every other Delta input at. The re-run's id is
   * set here when its context starts.
   */
  static final class Reproduction {
    final Map<String, Long> pins;
    final Location scratchRoot;
    volatile String runId;

    Reproduction(Map<String, Long> pins, Location scratchRoot) {
      this.pins = Map.copyOf(pins);
      this.scratchRoot = scratchRoot;
    }
  }

  private static final ThreadLocal<Reproduction> REPRODUCTION = new ThreadLocal<>();

  private StageSetup() {}

  static void reproduce(Reproduction r) {
    REPRODUCTION.set(r);
  }

  static void endReproduction() {
    REPRODUCTION.remove();
  }

  /**
   * A new run's context: output root (option or conf), pseudonym key, the command line. Takes the
   * output root's {@link OutputLock} (a second run on the root fails here, before Spark starts).
   */
  static RunContext context(CommandSpec spec, Conf conf, Location out) {
    return context(spec, conf, out, true);
  }

  /**
   * As {@link #context(CommandSpec, Conf, Location)}; stages that never see unit ids (balance,
   * report) pass {@code needsKey = false} and run without a pseudonymization key.
   */
  /**
   * The context of a run on a root with no key record yet, whose record {@link #checkCatalog}
   * writes (per thread: tests run commands in-process).
   */
  private static final ThreadLocal<RunContext> PENDING_KEY_RECORD = new ThreadLocal<>();

  static RunContext context(CommandSpec spec, Conf conf, Location out, boolean needsKey) {
    var key =
        needsKey
            ? PseudonymKey.resolve(conf.assay().privacy(), System.getenv())
            : java.util.Optional.<String>empty();
    var args = spec.root().commandLine().getParseResult().originalArgs();
    Reproduction r = REPRODUCTION.get();
    Location root = r != null ? r.scratchRoot : out != null ? out : conf.assay().outputRoot();
    if (r == null && !root.isLocal()) {
      // A missing bucket, refused credentials or an unknown scheme: exit 2 naming the field.
      LocationCheck.requireReachable(
          Storage.beforeSpark(),
          out != null ? "command line" : conf.dir().resolve("assay.yaml").toString(),
          out != null ? "--out" : "output.root",
          root);
    }
    // One writer per output root, held until the command ends (Main releases it).
    OutputLock.acquire(root, "assay " + String.join(" ", args));
    RunContext ctx = RunContext.start(conf, root, key, spec.name(), args);
    PENDING_KEY_RECORD.remove();
    // Another key than the root's stops the run here, before Spark; a first run's record is
    // written by checkCatalog, once the run is known to start, so a refused run writes nothing.
    if (needsKey && !PseudonymKey.verify(root, key)) {
      PENDING_KEY_RECORD.set(ctx);
    }
    if (r != null) {
      r.runId = ctx.runId();
      return ctx.reproducing(root, r.pins);
    }
    return ctx;
  }

  /**
   * Checks, on the command's session, the catalog sources the command reads ({@code logs}, null for
   * none; every source of metrics.yaml when {@code metrics}): a missing table, a query that does
   * not analyze or a missing column is a {@link ConfigException} naming the file and field (exit
   * 2), before the run starts. Sources given as paths cost nothing here.
   */
  static void checkSources(SparkSession spark, Conf conf, ExposureSource logs, boolean metrics) {
    fail(sourceProblems(spark, conf, logs, metrics));
  }

  /**
   * As {@link #checkSources}, and the names the run would register its tables under ({@code
   * output.database}) are free or its own: every problem at once, before the run starts (exit 2).
   * Then, on a root that has none yet, records the run's pseudonymization key ({@link
   * PseudonymKey#guard}): the first thing a run that starts writes.
   */
  static void checkCatalog(
      SparkSession spark, RunContext ctx, ExposureSource logs, boolean metrics) {
    List<Problem> problems = sourceProblems(spark, ctx.conf(), logs, metrics);
    problems.addAll(OutputCatalog.conflicts(spark, ctx.conf(), ctx.outputRoot()));
    fail(problems);
    RunContext first = PENDING_KEY_RECORD.get();
    PENDING_KEY_RECORD.remove();
    if (first != null) {
      PseudonymKey.guard(first.outputRoot(), first.pseudonymKey(), first.runId());
    }
  }

  private static List<Problem> sourceProblems(
      SparkSession spark, Conf conf, ExposureSource logs, boolean metrics) {
    List<Problem> problems = new ArrayList<>();
    if (logs != null) {
      problems.addAll(SourceCheck.logs(spark, conf, logs));
    }
    if (metrics) {
      problems.addAll(SourceCheck.metricSources(spark, conf));
    }
    return problems;
  }

  private static void fail(List<Problem> problems) {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems, List.of());
    }
  }

  /** The session, with this command's job group so the Spark UI names the stage. */
  static SparkSession spark(String stage, String description) {
    SparkSession spark = SparkSessions.getOrCreate("assay-" + stage, "local[*]", Map.of());
    spark.sparkContext().setJobGroup(stage + " " + description, "assay " + stage, false);
    return spark;
  }
}
