package io.assay.io;

import io.assay.config.Location;
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
   * <p>Columns that the rows have and the table lacks are added to the table (Delta's {@code
   * mergeSchema}; earlier rows read them as null): a newer assay that adds a column to an output
   * table can write into an output root that an older one created.
   *
   * @param extraPredicate further narrows the replaced slice (null for none); every written row
   *     must satisfy it, which Delta checks
   */
  public static void replaceDates(
      Dataset<Row> rows, Location path, LocalDate from, LocalDate to, String extraPredicate) {
    OutputLock.assertHeld();
    String predicate =
        "date >= DATE'"
            + from
            + "' AND date <= DATE'"
            + to
            + "'"
            + (extraPredicate == null ? "" : " AND (" + extraPredicate + ")");
    var w =
        rows.write()
            .format("delta")
            .mode("overwrite")
            .option("replaceWhere", predicate)
            .option("mergeSchema", "true");
    if (!Tables.isDelta(rows.sparkSession(), path.uri())) {
      w = w.partitionBy("date");
    }
    w.save(path.uri());
  }

  /**
   * Turns on deletion vectors: DELETE, UPDATE and MERGE then mark replaced rows in a small side
   * file instead of rewriting every data file they touch. It upgrades the table protocol (reader 3,
   * writer 7), which Delta Lake 2.3+ and Spark-based readers support.
   */
  public static void enableDeletionVectors(SparkSession spark, Location path) {
    OutputLock.assertHeld();
    spark.sql(
        "ALTER TABLE delta.`"
            + path.uri().replace("`", "``")
            + "` SET TBLPROPERTIES ('delta.enableDeletionVectors' = true)");
  }

  /**
   * Creates {@code target} as a shallow clone of {@code source} at {@code version}: a new Delta
   * table whose log references the source's data files (nothing is copied), and whose later writes
   * go to the target only.
   */
  public static void shallowClone(
      SparkSession spark, Location source, long version, Location target) {
    OutputLock.assertHeld();
    spark.sql(
        "CREATE TABLE delta.`"
            + target.uri().replace("`", "``")
            + "` SHALLOW CLONE delta.`"
            + source.uri().replace("`", "``")
            + "` VERSION AS OF "
            + version);
  }

  /** Replaces the whole table in one commit. */
  public static void overwrite(Dataset<Row> rows, Location path, List<String> partitionBy) {
    OutputLock.assertHeld();
    var w = rows.write().format("delta").mode("overwrite").option("overwriteSchema", "true");
    if (!partitionBy.isEmpty()) {
      w = w.partitionBy(partitionBy.toArray(String[]::new));
    }
    w.save(path.uri());
  }
}
