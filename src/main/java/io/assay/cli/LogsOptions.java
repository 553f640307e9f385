package io.assay.cli;

import io.assay.config.Conf;
import io.assay.config.ExposureMapping;
import io.assay.config.ExposureSource;
import io.assay.config.Location;
import io.assay.config.Source;
import io.assay.io.LocationCheck;
import io.assay.io.Storage;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --logs PATH} and {@code --format FMT}: where the exposure logs are, and in what format.
 * Without {@code --logs}, {@code data.logs} of assay.yaml: files, a catalog table or a query.
 */
public final class LogsOptions {
  static final List<String> FORMATS = List.of("json", "parquet", "delta");

  @Option(
      names = "--logs",
      paramLabel = "PATH",
      description =
          "Exposure logs root, a path or a Hadoop URI (default: data.logs, which may also be a"
              + " catalog table or a query).")
  Location logs;

  @Option(
      names = "--format",
      paramLabel = "json|parquet|delta",
      description = "Log format (default: data.logs_format).")
  String format;

  /**
   * The logs: {@code --logs} (in {@code --format}, else the configured format, else JSON), else
   * {@code data.logs} (in {@code --format} when it is files). Usage problems: an unknown format, or
   * {@code --format} for logs that are a catalog table or a query. Log files that are not a local
   * path must be reachable (bucket, host, credentials), else a configuration error naming the
   * field, before anything runs.
   */
  public ExposureSource source(Conf c) {
    ExposureSource configured = c.assay().logs();
    if (format != null && !FORMATS.contains(format)) {
      throw new UsageProblem("--format '" + format + "' is not one of json, parquet, delta");
    }
    String fmt =
        format != null ? format : configured.format() != null ? configured.format() : "json";
    if (logs == null && configured.source().isCatalog()) {
      if (format != null) {
        throw new UsageProblem(
            "--format applies to log files, and data.logs is "
                + configured.source().describe()
                + "; leave --format out, or give the files with --logs PATH");
      }
      return configured;
    }
    Location root = logs != null ? logs : configured.source().fileLocation().orElseThrow();
    if (!root.isLocal()) {
      LocationCheck.requireReachable(
          Storage.beforeSpark(),
          logs != null ? "command line" : c.dir().resolve("assay.yaml").toString(),
          logs != null ? "--logs" : "data.logs",
          root);
    }
    // --logs moves the files; the mapping of data.logs.columns still says what their columns are.
    ExposureMapping columns = configured.columns();
    if (fmt.equals("json") && !columns.isIdentity()) {
      throw new UsageProblem(
          "data.logs.columns maps the columns of typed logs (Parquet, Delta, a table or a query),"
              + " and these logs are JSON files, read in assay's own shape; give --format parquet"
              + " or delta, or read JSON in another shape through a query (data.logs.sql)");
    }
    return new ExposureSource(
        new Source.Files(root, fmt), ExposureSource.PARTITION_COLUMN, columns);
  }
}
