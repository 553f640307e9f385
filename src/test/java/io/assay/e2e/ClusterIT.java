package io.assay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.io.ClaimLock;
import io.assay.testing.GeneratedWorld;
import io.assay.testing.Launcher;
import io.assay.testing.S3;
import io.assay.testing.SameOutputs;
import io.assay.testing.SparkTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Spark standalone cluster on 127.0.0.1 — a master and a worker (its executors are JVMs
 * apart from the driver) started by {@code jobs/local-cluster.sh} from the project's own Maven jars
 * — runs the scheduler's sequence through {@code jobs/assay} with {@code SPARK_HOME} set (so {@code
 * org.apache.spark.deploy.SparkSubmit} submits the thin jar), with the world's data and the output
 * root on S3 (S3Proxy): the driver and the executors read and write through Hadoop's S3A connector,
 * whose jars the cluster's JVMs load from {@code SPARK_DIST_CLASSPATH} as a cluster's Spark has
 * them, and whose settings come from the spark-defaults file the launcher passes to spark-submit.
 * Every output table, JSON report and CSV export must equal the embedded {@code local[*]} run's on
 * local files.
 *
 * <p>Then two embedded {@code balance} runs of the last date (the S3A jars through {@code
 * ASSAY_JARS}, the same spark-defaults file through {@code ASSAY_SPARK_DEFAULTS}) are started
 * together on that {@code s3a://} root: one refuses with exit 1 naming the other, the other
 * rewrites the night's balance tables, and they are still exactly the local run's, so no row was
 * duplicated or lost. (One S3 world serves both checks, and the race runs the cheapest stage that
 * takes the lock and rewrites tables: the CI's time budget has no room for a second world or
 * nightly.)
 */
@SparkTest
class ClusterIT {
  static final Path SCRIPT = Launcher.ROOT.resolve("jobs/local-cluster.sh");
  static String port;

  /** The tables {@code balance} rewrites (alerts: its own stage's rows). */
  static final List<String> BALANCE = List.of("alerts", "balance_checks", "covariate_balance");

  @BeforeAll
  static void cluster() throws IOException {
    GeneratedWorld.get(); // the local run first, so the cluster has the machine to itself
    try (ServerSocket s = new ServerSocket(0)) {
      port = String.valueOf(s.getLocalPort());
    }
    Launcher.Result r =
        Launcher.run(
            List.of(SCRIPT.toString(), "start"),
            Map.of(
                "ASSAY_CLUSTER_PORT",
                port,
                "ASSAY_CLUSTER_JARS",
                S3.connectorJars(","),
                // One worker offering both cores: one executor JVM per application, apart from
                // the driver, as on any cluster. A second executor would add a JVM warming up the
                // same code on the same two cores (the CI's time budget), and cross-executor
                // shuffles are Spark's to test, not assay's.
                "ASSAY_CLUSTER_WORKERS",
                "1",
                "ASSAY_CLUSTER_WORKER_CORES",
                "2"),
            Duration.ofMinutes(3));
    assertEquals(0, r.exit(), r.output());
  }

  @AfterAll
  static void stop() {
    Launcher.run(
        List.of(SCRIPT.toString(), "stop"),
        Map.of("ASSAY_CLUSTER_PORT", port),
        Duration.ofMinutes(1));
  }

  @Test
  void onS3TheClusterWritesWhatLocalFilesGetAndTwoEmbeddedRunsTakeTurns(SparkSession spark)
      throws Exception {
    GeneratedWorld world = GeneratedWorld.get();
    S3 s3 = S3.get().apply(spark);
    String data = s3.dir("cluster-data");
    String out = s3.dir("cluster-out");
    world.copyData(data, s3::copyFromLocal);
    Path conf = world.confAt(data, out);
    String defaults = GeneratedWorld.sparkDefaults(s3.sparkProperties()).toString();
    world.runPipeline(
        conf,
        out,
        Map.of(
            "SPARK_HOME",
            Launcher.ROOT.resolve("target/spark-home").toString(),
            "SPARK_DIST_CLASSPATH",
            S3.connectorJars(":"),
            "ASSAY_SPARK_DEFAULTS",
            defaults,
            "ASSAY_SUBMIT_ARGS",
            "--master spark://127.0.0.1:"
                + port
                + " --conf spark.sql.shuffle.partitions=4"
                // What embedded runs choose on this machine (one task per core) instead of
                // Delta's 50: each table read or commit rebuilds a snapshot, and 50 tasks on two
                // cores is test time, not anything assay does.
                + " --conf spark.databricks.delta.snapshotPartitions=2"));
    assertTrue(
        Files.readString(Launcher.ROOT.resolve("target/spark-home/run/master.log"))
            .contains("Registering app"),
        "the run was submitted to the standalone master");
    String localData = "file:" + world.data.toAbsolutePath();
    SameOutputs.tables(spark, world.out, out, localData, data);
    SameOutputs.files(world.out, s3.fileSystem(), out, world.last().toString());

    Map<String, String> embedded =
        Map.of("ASSAY_SPARK_DEFAULTS", defaults, "ASSAY_JARS", S3.connectorJars(","));
    CompletableFuture<Launcher.Result> a =
        CompletableFuture.supplyAsync(() -> world.balance(conf, out, embedded));
    CompletableFuture<Launcher.Result> b =
        CompletableFuture.supplyAsync(() -> world.balance(conf, out, embedded));
    List<Launcher.Result> both = List.of(a.get(), b.get());
    String outputs = both.get(0).output() + "\n=====\n" + both.get(1).output();
    assertEquals(
        List.of(0, 1), both.stream().map(Launcher.Result::exit).sorted().toList(), outputs);
    Launcher.Result refused = both.stream().filter(r -> r.exit() == 1).findFirst().orElseThrow();
    assertTrue(
        refused.stderr().contains("another assay run is writing to this output root")
            && refused.stderr().contains("assay balance")
            && refused.stderr().contains("nothing was written"),
        refused.output());
    assertEquals(
        List.of("alerts", "balance_checks", "covariate_balance"),
        SameOutputs.tables(spark, world.out, out, localData, data, BALANCE::contains));
    var claims = new org.apache.hadoop.fs.Path(out + "/" + ClaimLock.DIR);
    var fs = s3.fileSystem();
    assertTrue(!fs.exists(claims) || fs.listStatus(claims).length == 0, "claims left behind");
  }
}
