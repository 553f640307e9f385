package io.assay.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.io.FileComparison;
import io.assay.io.TableComparison;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The check that a run somewhere else (on a cluster, on HDFS, on S3) wrote what the reference run
 * on local files wrote: every output table of the local root equal, row for row, in the other root
 * (the project's table comparison, decision 0006), and every JSON report and CSV export of a date
 * equal too (the file comparison that {@code reproduce} uses).
 */
public final class SameOutputs {
  private SameOutputs() {}

  /**
   * Every Delta table under {@code local} except {@code runs} (each run records itself) equals the
   * table of the same name under {@code other}, a Hadoop URI the session can read. Returns the
   * table names compared.
   */
  public static List<String> tables(SparkSession spark, Path local, String other) {
    return tables(spark, local, other, null, null);
  }

  /**
   * As {@link #tables(SparkSession, Path, String)} for runs over copies of one data set: the
   * columns that name the input file a row came from (quarantine's {@code file}) are compared
   * relative to the data root, {@code localData} and {@code otherData} (Hadoop URIs).
   */
  public static List<String> tables(
      SparkSession spark, Path local, String other, String localData, String otherData) {
    List<String> tables = tables(spark, local, other, localData, otherData, t -> true);
    assertTrue(
        tables.contains("metric_results") && tables.contains("enrollments"), tables.toString());
    return tables;
  }

  /**
   * As {@link #tables(SparkSession, Path, String, String, String)} for the tables whose names
   * {@code which} accepts (those a later command on the root rewrote).
   */
  public static List<String> tables(
      SparkSession spark,
      Path local,
      String other,
      String localData,
      String otherData,
      java.util.function.Predicate<String> which) {
    List<String> tables = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(local)) {
      dirs.filter(d -> Files.isDirectory(d.resolve("_delta_log")))
          .map(d -> d.getFileName().toString())
          .filter(n -> !n.equals("runs") && which.test(n))
          .sorted()
          .forEach(tables::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertTrue(!tables.isEmpty(), "no table to compare under " + local);
    for (String t : tables) {
      Dataset<Row> a =
          relative(
              spark.read().format("delta").load(local.resolve(t).toUri().toString()), localData);
      Dataset<Row> b = relative(spark.read().format("delta").load(other + "/" + t), otherData);
      // The comparison counts every row of either side without an equal partner (multiplicities
      // included), so equal row counts need no pass of their own; they name the failure.
      long differences = TableComparison.differences(a, b);
      if (differences != 0) {
        assertEquals(a.count(), b.count(), t + " row count");
        assertEquals(0, differences, t + " differs");
      }
    }
    return tables;
  }

  /** {@code t} with the data root {@code root} cut from its {@code file} column, if it has one. */
  private static Dataset<Row> relative(Dataset<Row> t, String root) {
    if (root == null || !List.of(t.columns()).contains("file")) {
      return t;
    }
    return t.withColumn(
        "file",
        org.apache.spark.sql.functions.expr(
            "replace(file, '" + root.replace("'", "\\'") + "/', 'DATA/')"));
  }

  /**
   * Every JSON report ({@code reports/<date>/}) and CSV export ({@code exports/<date>/}) of {@code
   * date} under {@code local} has an equal file under {@code other}, read through {@code fs}; every
   * other report file (HTML, Markdown) is there and not empty. Returns the files compared.
   */
  public static List<String> files(Path local, FileSystem fs, String other, String date) {
    List<String> compared = new ArrayList<>();
    for (String dir : List.of("reports/" + date, "exports/" + date)) {
      List<Path> files;
      try (Stream<Path> s = Files.list(local.resolve(dir))) {
        files = s.sorted().toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      assertTrue(!files.isEmpty(), local.resolve(dir) + " is empty");
      for (Path f : files) {
        String name = dir + "/" + f.getFileName();
        String there = read(fs, other + "/" + name);
        if (name.endsWith(".json") || name.endsWith(".csv")) {
          List<String> diff = FileComparison.differences(name, read(f), there, 5);
          assertTrue(diff.isEmpty(), name + " differs: " + diff);
        } else {
          assertTrue(!there.isBlank(), name + " is empty");
        }
        compared.add(name);
      }
    }
    return compared;
  }

  private static String read(Path f) {
    try {
      return Files.readString(f, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(FileSystem fs, String uri) {
    try (var in = fs.open(new org.apache.hadoop.fs.Path(uri))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + uri, e);
    }
  }
}
