package io.assay.io;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Idempotent writes of output tables. Each write replaces exactly the slice it owns (a date range,
 * optionally narrowed by an extra predicate such as the stage), in one Delta commit, so a rerun
 * never duplicates rows and a crash leaves either the old or the new slice, never half of one.
 */
public final class DeltaTables {
  private DeltaTables() {}

  /**
   * Replaces the rows of {@code [from, to]} (by the {@code date} column) in the Delta table at
   * {@code path}, creating the table (partitioned by date) when it does not exist.
   *
   * @param extraPredicate further narrows the replaced slice (null for none); every written row
   *     must satisfy it, which Delta checks
   */
  public static void replaceDates(
      Dataset<Row> rows, Path path, LocalDate from, LocalDate to, String extraPredicate) {
    String predicate =
        "date >= DATE'"
            + from
            + "' AND date <= DATE'"
            + to
            + "'"
            + (extraPredicate == null ? "" : " AND (" + extraPredicate + ")");
    // mergeSchema: a newer assay may add a column to a table (e.g. quarantine.file); the rows of
    // earlier runs then read null in it instead of the run failing on the existing table.
    var w =
        rows.write()
            .format("delta")
            .mode("overwrite")
            .option("replaceWhere", predicate)
            .option("mergeSchema", "true");
    if (!Tables.isDelta(path.toString())) {
      w = w.partitionBy("date");
    }
    w.save(path.toString());
  }

  /**
   * Turns on deletion vectors: DELETE, UPDATE and MERGE then mark replaced rows in a small side
   * file instead of rewriting every data file they touch. It upgrades the table protocol (reader 3,
   * writer 7), which Delta Lake 2.3+ and Spark-based readers support.
   */
  public static void enableDeletionVectors(SparkSession spark, Path path) {
    spark.sql(
        "ALTER TABLE delta.`"
            + path.toString().replace("`", "``")
            + "` SET TBLPROPERTIES ('delta.enableDeletionVectors' = true)");
  }

  /** Replaces the whole table in one commit. */
  public static void overwrite(Dataset<Row> rows, Path path, List<String> partitionBy) {
    var w = rows.write().format("delta").mode("overwrite").option("overwriteSchema", "true");
    if (!partitionBy.isEmpty()) {
      w = w.partitionBy(partitionBy.toArray(String[]::new));
    }
    w.save(path.toString());
  }
}
