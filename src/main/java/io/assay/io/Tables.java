package io.assay.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reading tables by path, with the format given or detected (a {@code _delta_log} means Delta). */
public final class Tables {
  /** A commit or checkpoint file in {@code _delta_log}. */
  private static final Pattern COMMIT =
      Pattern.compile("\\d{20}\\.(json|checkpoint(\\..*)?\\.parquet)");

  private Tables() {}

  /**
   * True when {@code path} is a Delta table on the local file system: its {@code _delta_log} holds
   * at least one commit or checkpoint. A {@code _delta_log} without one is what a run killed while
   * creating the table leaves behind; Delta's first commit is atomic, so there is no table yet, and
   * the next write creates it afresh.
   */
  public static boolean isDelta(String path) {
    Path log = deltaLog(path);
    if (log == null || !Files.isDirectory(log)) {
      return false;
    }
    try (var files = Files.list(log)) {
      return files
          .map(f -> f.getFileName().toString())
          .anyMatch(n -> COMMIT.matcher(n).matches() || n.equals("_last_checkpoint"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + log, e);
    }
  }

  /**
   * True when {@code path} has a {@code _delta_log}, committed or not: the format to read it in.
   */
  public static boolean looksDelta(String path) {
    Path log = deltaLog(path);
    return log != null && Files.isDirectory(log);
  }

  private static Path deltaLog(String path) {
    if (path.contains("://") && !path.startsWith("file:")) {
      return null;
    }
    return Path.of(path.startsWith("file:") ? java.net.URI.create(path).getPath() : path)
        .resolve("_delta_log");
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
    String f = format != null ? format : (looksDelta(path) ? "delta" : "parquet");
    return spark.read().format(f).load(path);
  }
}
