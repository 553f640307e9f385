package io.assay.cli;

import io.assay.config.Conf;
import io.assay.io.RunContext;
import io.assay.io.SparkSessions;
import io.assay.pipeline.PseudonymKey;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Model.CommandSpec;

/** What every Spark stage command does before its work: a run context and a session. */
final class StageSetup {
  private StageSetup() {}

  /** A new run's context: output root (option or conf), pseudonym key, the command line. */
  static RunContext context(CommandSpec spec, Conf conf, Path out) {
    return context(spec, conf, out, true);
  }

  /**
   * As {@link #context(CommandSpec, Conf, Path)}; stages that never see unit ids (balance, report)
   * pass {@code needsKey = false} and run without a pseudonymization key.
   */
  static RunContext context(CommandSpec spec, Conf conf, Path out, boolean needsKey) {
    var key =
        needsKey
            ? PseudonymKey.resolve(conf.assay().privacy(), System.getenv())
            : java.util.Optional.<String>empty();
    var args = spec.root().commandLine().getParseResult().originalArgs();
    return RunContext.start(
        conf, out != null ? out : conf.assay().outputRoot(), key, spec.name(), args);
  }

  /** The session, with this command's job group so the Spark UI names the stage. */
  static SparkSession spark(String stage, String description) {
    SparkSession spark = SparkSessions.getOrCreate("assay-" + stage, "local[*]", Map.of());
    spark.sparkContext().setJobGroup(stage + " " + description, "assay " + stage, false);
    return spark;
  }
}
