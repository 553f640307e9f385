package io.assay.io;

import io.assay.config.Location;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reading tables by path or URI, with the format given or detected (a {@code _delta_log} means
 * Delta). Paths go to Spark as qualified URIs, so a cluster whose default file system is HDFS never
 * reads a local path as an HDFS one.
 */
public final class Tables {
  /** A commit or checkpoint file in {@code _delta_log}. */
  private static final Pattern COMMIT =
      Pattern.compile("\\d{20}\\.(json|checkpoint(\\..*)?\\.parquet)");

  private Tables() {}

  /**
   * True when {@code path} (a URI or a local path) is a Delta table: its {@code _delta_log} holds
   * at least one commit or checkpoint. A {@code _delta_log} without one is what a run killed while
   * creating the table leaves behind; Delta's first commit is atomic, so there is no table yet, and
   * the next write creates it afresh. One or two listings, no Spark job.
   */
  public static boolean isDelta(SparkSession spark, String path) {
    Storage storage = Storage.of(spark);
    Location log = location(path).resolve("_delta_log");
    if (!storage.isDirectory(log)) {
      return false;
    }
    return storage.list(log).stream()
        .map(Storage.Entry::name)
        .anyMatch(n -> COMMIT.matcher(n).matches() || n.equals("_last_checkpoint"));
  }

  /**
   * True when {@code path} has a {@code _delta_log}, committed or not: the format to read it in.
   */
  public static boolean looksDelta(SparkSession spark, String path) {
    return Storage.of(spark).isDirectory(location(path).resolve("_delta_log"));
  }

  /** A recorded or given path as a location: a URI, or a local path (relative: to the cwd). */
  public static Location location(String path) {
    return Location.parse(path, java.nio.file.Path.of(""));
  }

  /**
   * Reads a Parquet or Delta table. {@code format} may be {@code delta}, {@code parquet} or null to
   * detect; a missing path is an {@link InputProblem} naming it.
   */
  public static Dataset<Row> read(SparkSession spark, String path, String format) {
    Location loc = location(path);
    if (!Storage.of(spark).exists(loc)) {
      throw new InputProblem(path, "no such table or directory");
    }
    String f = format != null ? format : (looksDelta(spark, path) ? "delta" : "parquet");
    return spark.read().format(f).load(loc.uri());
  }
}
