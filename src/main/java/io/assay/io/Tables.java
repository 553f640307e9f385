package io.assay.io;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reading tables by path, with the format given or detected (a {@code _delta_log} means Delta). */
public final class Tables {
  private Tables() {}

  /** True when {@code path} is a Delta table on the local file system or a URI Spark resolves. */
  public static boolean isDelta(String path) {
    if (path.contains("://") && !path.startsWith("file:")) {
      return false;
    }
    Path p = Path.of(path.startsWith("file:") ? java.net.URI.create(path).getPath() : path);
    return Files.isDirectory(p.resolve("_delta_log"));
  }

  /**
   * Reads a Parquet or Delta table. {@code format} may be {@code delta}, {@code parquet} or null to
   * detect; a missing path is an {@link InputProblem} naming it.
   */
  public static Dataset<Row> read(SparkSession spark, String path, String format) {
    boolean local = !path.contains("://") || path.startsWith("file:");
    if (local && !Files.exists(Path.of(path.startsWith("file:") ? path.substring(5) : path))) {
      throw new InputProblem(path, "no such table or directory");
    }
    String f = format != null ? format : (isDelta(path) ? "delta" : "parquet");
    return spark.read().format(f).load(path);
  }
}
