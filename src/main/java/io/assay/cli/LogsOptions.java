package io.assay.cli;

import io.assay.config.Conf;
import io.assay.config.Location;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --logs PATH} and {@code --format FMT}: where the exposure logs are, and in what format.
 */
public final class LogsOptions {
  static final List<String> FORMATS = List.of("json", "parquet", "delta");

  @Option(
      names = "--logs",
      paramLabel = "PATH",
      description = "Exposure logs root, a path or a Hadoop URI (default: data.logs).")
  Location logs;

  @Option(
      names = "--format",
      paramLabel = "json|parquet|delta",
      description = "Log format (default: data.logs_format).")
  String format;

  /**
   * The logs root: {@code --logs}, else {@code data.logs}. One that is not a local path must be
   * reachable (bucket, host, credentials), else a configuration error naming the field, before
   * anything runs.
   */
  public Location root(Conf c) {
    Location root = logs != null ? logs : c.assay().logs();
    if (!root.isLocal()) {
      io.assay.io.LocationCheck.requireReachable(
          io.assay.io.Storage.beforeSpark(),
          logs != null ? "command line" : c.dir().resolve("assay.yaml").toString(),
          logs != null ? "--logs" : "data.logs",
          root);
    }
    return root;
  }

  /** The format: {@code --format}, else {@code data.logs_format}; a usage problem if unknown. */
  public String format(Conf c) {
    String fmt = format != null ? format : c.assay().logsFormat();
    if (!FORMATS.contains(fmt)) {
      throw new UsageProblem("--format '" + fmt + "' is not one of json, parquet, delta");
    }
    return fmt;
  }
}
