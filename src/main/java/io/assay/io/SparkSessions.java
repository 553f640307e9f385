package io.assay.io;

import io.assay.config.ConfigException;
import io.assay.config.Problem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
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
    return SparkSession.builder()
        .config(sparkConf(appName, localMaster, extra, System.getenv()))
        .getOrCreate();
  }

  /**
   * The settings a session gets before it starts: system properties ({@code -D}, spark-submit's),
   * then, in embedded runs, the spark-defaults file, then the defaults below. Work that needs
   * {@code spark.hadoop.*} before the session exists (the output lock, validate) reads them here.
   */
  public static SparkConf sparkConf() {
    return sparkConf("assay", "local[*]", Map.of(), System.getenv());
  }

  /**
   * The settings of a session, as a pure function of the system properties and {@code env}.
   *
   * <p>Embedded runs read the spark-defaults file as spark-submit does with {@code
   * --properties-file} (so {@code spark.hadoop.fs.s3a.*} placed there works in both modes): the
   * file named by {@code ASSAY_SPARK_DEFAULTS}, else {@code $ASSAY_HOME/conf/spark/
   * spark-defaults.conf} when it exists (the file {@code jobs/assay} passes to spark-submit). Each
   * property is set only if missing, so {@code -D} settings win. Under spark-submit the file was
   * already applied by the submit.
   */
  static SparkConf sparkConf(
      String appName, String localMaster, Map<String, String> extra, Map<String, String> env) {
    SparkConf conf = new SparkConf(true);
    boolean embedded = !conf.contains("spark.master");
    if (embedded) {
      for (Map.Entry<String, String> e : defaults(env).entrySet()) {
        conf.setIfMissing(e.getKey(), e.getValue());
      }
    }
    embedded = !conf.contains("spark.master"); // the defaults file may name a master
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
    return conf;
  }

  /**
   * The properties of the spark-defaults file for {@code env} (empty when there is none), read as
   * spark-submit reads a properties file: Java properties, UTF-8, values trimmed.
   */
  static Map<String, String> defaults(Map<String, String> env) {
    String named = env.get("ASSAY_SPARK_DEFAULTS");
    java.nio.file.Path file;
    if (named != null && !named.isBlank()) {
      file = java.nio.file.Path.of(named);
      if (!java.nio.file.Files.isRegularFile(file)) {
        throw new ConfigException(
            List.of(
                new Problem(
                    file.toString(),
                    "",
                    "ASSAY_SPARK_DEFAULTS names a file that does not exist",
                    "point ASSAY_SPARK_DEFAULTS at a spark-defaults file, or unset it")),
            List.of());
      }
    } else {
      String home = env.get("ASSAY_HOME");
      if (home == null || home.isBlank()) {
        return Map.of();
      }
      file = java.nio.file.Path.of(home, "conf", "spark", "spark-defaults.conf");
      if (!java.nio.file.Files.isRegularFile(file)) {
        return Map.of();
      }
    }
    Properties p = new Properties();
    try (var r = java.nio.file.Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the spark-defaults file " + file, e);
    }
    Map<String, String> out = new TreeMap<>();
    for (String k : p.stringPropertyNames()) {
      out.put(k.strip(), p.getProperty(k).strip());
    }
    return out;
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
