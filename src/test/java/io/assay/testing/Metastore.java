package io.assay.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hive metastore for the catalog tests: Spark's built-in Hive client ({@code spark-hive}, Hive
 * 2.3) over an embedded Derby database in a temporary directory of its own, with the warehouse
 * beside it. Used from child JVMs, one at a time (embedded Derby admits one JVM): the shared test
 * session keeps Spark's in-memory catalog, so that no other test creates or locks a metastore.
 *
 * <p>A child JVM joins the metastore with {@link #jvmOptions()} ({@code -Dspark.*} options, which
 * the production session factory reads as spark-submit's {@code --conf} would); {@link #sql} runs
 * statements in one.
 */
public final class Metastore {
  /** The directory holding {@code metastore_db/}, {@code warehouse/} and {@code derby.log}. */
  public final Path dir;

  private Metastore(Path dir) {
    this.dir = dir;
  }

  /** A new, empty metastore (Derby creates its database on first connection). */
  public static Metastore create() {
    return new Metastore(Fixtures.tempDir("metastore-"));
  }

  /**
   * The Spark properties that put a session on this metastore: the Hive catalog, Derby's JDBC URL
   * (through {@code spark.hadoop.*} into the Hive configuration) and the warehouse directory.
   */
  public Map<String, String> sparkProperties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("spark.sql.catalogImplementation", "hive");
    p.put(
        "spark.hadoop.javax.jdo.option.ConnectionURL",
        "jdbc:derby:;databaseName=" + dir.resolve("metastore_db") + ";create=true");
    p.put("spark.sql.warehouse.dir", dir.resolve("warehouse").toUri().toString());
    return p;
  }

  /**
   * JVM options for a child JVM on this metastore: {@link #sparkProperties()} as {@code -D}
   * options, and Derby's log in {@link #dir} rather than the working directory.
   */
  public List<String> jvmOptions() {
    List<String> o = new ArrayList<>();
    sparkProperties().forEach((k, v) -> o.add("-D" + k + "=" + v));
    o.add("-Dderby.stream.error.file=" + dir.resolve("derby.log"));
    return o;
  }

  /**
   * Runs {@code statements} in a fresh child JVM on this metastore ({@link SqlMain}: a {@code --
   * statement} line, then its rows tab-separated).
   */
  public Launcher.Result sql(String... statements) {
    return run(SqlMain.class.getName(), List.of(statements));
  }

  /**
   * Runs {@code mainClass} with {@code args} in a fresh child JVM on this metastore (assay's own
   * {@code io.assay.cli.Main}, or {@link SqlMain}), with a small heap, no UI and few shuffle
   * partitions.
   */
  public Launcher.Result run(String mainClass, List<String> args) {
    List<String> options = new ArrayList<>(List.of("-Xmx1g"));
    options.addAll(Launcher.C1_ONLY);
    options.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    options.add("-Dspark.ui.enabled=false");
    options.add("-Dspark.sql.shuffle.partitions=2");
    options.addAll(jvmOptions());
    return Launcher.run(Jvm.command(options, mainClass, args), Map.of(), Duration.ofMinutes(5));
  }
}
