package io.assay.io;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The one place that builds SparkSessions, so the CLI, the demo and the tests run with the same
 * settings. Under spark-submit the master and resources come from the submit; embedded runs get a
 * local master bound to the loopback interface.
 *
 * <p>Always set: Delta Lake's SQL extension and catalog, the session time zone UTC (dates in
 * outputs must not depend on the machine's zone), and, unless configured, Parquet timestamps as
 * INT64 microseconds.
 */
public final class SparkSessions {
  private static final Pattern LOCAL = Pattern.compile("local\\[(\\d+|\\*)(?:,\\d+)?]");

  private SparkSessions() {}

  /**
   * Returns the active session or creates one. {@code localMaster} is used only when no master was
   * configured (embedded runs); settings in {@code extra} apply unless already set.
   */
  public static SparkSession getOrCreate(
      String appName, String localMaster, Map<String, String> extra) {
    SparkConf conf = new SparkConf(true);
    boolean embedded = !conf.contains("spark.master");
    if (embedded) {
      conf.setMaster(localMaster);
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
      conf.setIfMissing("spark.ui.enabled", "false");
      conf.setIfMissing("spark.sql.shuffle.partitions", "8");
      // Delta rebuilds a table's snapshot with 50 tasks by default: on one machine that is ~1 s of
      // task overhead per table read or commit. One task per core took a nightly run of the
      // demo world from 183 s to 153 s (BENCHMARKS.md).
      conf.setIfMissing(
          "spark.databricks.delta.snapshotPartitions",
          String.valueOf(localCores(conf.get("spark.master"))));
    }
    conf.setIfMissing("spark.app.name", appName);
    conf.set("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    conf.set("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    conf.set("spark.sql.session.timeZone", "UTC");
    // Parquet timestamps as INT64 microseconds, not Spark's default INT96 (deprecated by Parquet).
    // INT96 values go through a 12-byte binary dictionary: in a JFR profile of reconcile, its
    // hashing and comparisons were about a quarter of the samples of the tasks writing
    // enrollment_days. Spark, Delta and current Parquet readers read both.
    conf.setIfMissing("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
    // Delta's auto-compaction and optimized writes reorder nothing we depend on, but keep files
    // few.
    conf.setIfMissing("spark.databricks.delta.schema.autoMerge.enabled", "false");
    for (Map.Entry<String, String> e : extra.entrySet()) {
      conf.setIfMissing(e.getKey(), e.getValue());
    }
    return SparkSession.builder().config(conf).getOrCreate();
  }

  /**
   * The task slots of a local master: {@code local} 1, {@code local[N]} and {@code local[N,F]} N,
   * {@code local[*]} the machine's cores.
   */
  static int localCores(String master) {
    Matcher m = LOCAL.matcher(master);
    if (!m.matches()) {
      return 1;
    }
    return m.group(1).equals("*")
        ? Runtime.getRuntime().availableProcessors()
        : Math.max(1, Integer.parseInt(m.group(1)));
  }
}
