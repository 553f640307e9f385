package io.assay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.io.TableComparison;
import io.assay.testing.Fixtures;
import io.assay.testing.GeneratedWorld;
import io.assay.testing.Launcher;
import io.assay.testing.SparkTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Spark standalone cluster on 127.0.0.1 — a master and two workers started by {@code
 * jobs/local-cluster.sh} from the project's own Maven jars — runs the scheduler's sequence through
 * {@code jobs/assay} with {@code SPARK_HOME} set (so {@code org.apache.spark.deploy.SparkSubmit}
 * submits the thin jar), and every output table must equal the embedded {@code local[*]} run's.
 */
@SparkTest
class ClusterIT {
  static final Path SCRIPT = Launcher.ROOT.resolve("jobs/local-cluster.sh");
  static String port;

  @BeforeAll
  static void cluster() throws IOException {
    GeneratedWorld.get(); // the local run first, so the cluster has the machine to itself
    try (ServerSocket s = new ServerSocket(0)) {
      port = String.valueOf(s.getLocalPort());
    }
    Launcher.Result r =
        Launcher.run(
            List.of(SCRIPT.toString(), "start"),
            Map.of("ASSAY_CLUSTER_PORT", port),
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
  void theClusterWritesExactlyWhatLocalSparkWrites(SparkSession spark) throws IOException {
    GeneratedWorld world = GeneratedWorld.get();
    Path root = Fixtures.tempDir("cluster-out-");
    world.runPipeline(
        root,
        Map.of(
            "SPARK_HOME",
            Launcher.ROOT.resolve("target/spark-home").toString(),
            "ASSAY_SUBMIT_ARGS",
            "--master spark://127.0.0.1:" + port + " --conf spark.sql.shuffle.partitions=4"));
    assertTrue(
        Files.readString(Launcher.ROOT.resolve("target/spark-home/run/master.log"))
            .contains("Registering app"),
        "the run was submitted to the standalone master");

    List<String> tables = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(world.out)) {
      dirs.filter(d -> Files.isDirectory(d.resolve("_delta_log")))
          .map(d -> d.getFileName().toString())
          .filter(n -> !n.equals("runs"))
          .sorted()
          .forEach(tables::add);
    }
    assertTrue(
        tables.contains("metric_results") && tables.contains("enrollments"), tables.toString());
    for (String t : tables) {
      Dataset<Row> local = spark.read().format("delta").load(world.out.resolve(t).toString());
      Dataset<Row> cluster = spark.read().format("delta").load(root.resolve(t).toString());
      assertEquals(local.count(), cluster.count(), t + " row count");
      assertEquals(0, TableComparison.differences(local, cluster), t + " differs");
    }
  }
}
