package io.assay.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Builders for small test Datasets with explicit schemas. */
public final class Fixtures {
  private Fixtures() {}

  /** A Dataset from rows given as value arrays, with a DDL schema such as {@code "a STRING"}. */
  public static Dataset<Row> rows(SparkSession spark, String ddl, Object[]... values) {
    StructType schema = StructType.fromDDL(ddl);
    List<Row> rows = Arrays.stream(values).map(RowFactory::create).toList();
    return spark.createDataFrame(rows, schema);
  }

  /** A Dataset parsed from JSON lines with an explicit DDL schema. */
  public static Dataset<Row> json(SparkSession spark, String ddl, String... lines) {
    Dataset<String> text = spark.createDataset(Arrays.asList(lines), Encoders.STRING());
    return spark.read().schema(ddl).json(text);
  }

  /** A fresh temporary directory under the build's tmp dir. */
  public static Path tempDir(String prefix) {
    try {
      Path base = Path.of(System.getProperty("java.io.tmpdir"));
      Files.createDirectories(base);
      return Files.createTempDirectory(base, prefix);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * A new database of the session's catalog named {@code prefix_N}, its files in a temporary
   * directory (not in the working directory's {@code spark-warehouse}).
   */
  public static String database(SparkSession spark, String prefix) {
    String name = prefix + "_" + DATABASES.incrementAndGet();
    spark.sql("CREATE DATABASE " + name + " LOCATION '" + tempDir("db-").toUri() + "'");
    return name;
  }

  private static final java.util.concurrent.atomic.AtomicInteger DATABASES =
      new java.util.concurrent.atomic.AtomicInteger();

  /** Copies a directory tree (a Delta table, say) to {@code to}, which must not exist. */
  public static void copyTree(Path from, Path to) {
    try (var walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot copy " + from + " to " + to, e);
    }
  }

  /** Deletes a directory tree (nothing when absent). */
  public static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot delete " + p, e);
    }
  }
}
