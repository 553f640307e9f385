package io.assay.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Spark's Hive metastore ({@link Metastore}, embedded Derby in a temporary directory) from child
 * JVMs: one JVM creates a database and registers a Delta table at a location as an external table;
 * another JVM, later, reads it by name. The shared test session keeps the in-memory catalog though
 * spark-hive is on the test classpath.
 */
@SparkTest
@Tag("servers")
class MetastoreTest {
  @Test
  void aTableRegisteredByOneJvmIsReadByNameInAnother() throws Exception {
    Metastore metastore = Metastore.create();
    String location = metastore.dir.resolve("lake/metric_results").toUri().toString();

    Launcher.Result writer =
        metastore.sql(
            "CREATE DATABASE lake",
            "CREATE TABLE delta.`"
                + location
                + "` (unit_id STRING, arm STRING, value DOUBLE)"
                + " USING delta",
            "INSERT INTO delta.`"
                + location
                + "` VALUES ('u1', 'control', 1.5),"
                + " ('u2', 'treatment', 2.0)",
            "CREATE TABLE lake.metric_results USING delta LOCATION '" + location + "'");
    assertEquals(0, writer.exit(), writer.output());
    assertTrue(writer.stdout().startsWith("catalog=hive\n"), writer.output());

    Launcher.Result reader =
        metastore.sql(
            "SELECT unit_id, arm, value FROM lake.metric_results ORDER BY unit_id",
            "DESCRIBE TABLE EXTENDED lake.metric_results");
    assertEquals(0, reader.exit(), reader.output());
    String out = reader.stdout();
    assertTrue(out.contains("\nu1\tcontrol\t1.5\nu2\ttreatment\t2.0\n"), out);
    assertTrue(out.matches("(?s).*\nType\tEXTERNAL\t\n.*"), out);
    assertTrue(out.matches("(?s).*\nProvider\tdelta\t\n.*"), out);
    assertTrue(
        out.contains("\nLocation\tfile:" + metastore.dir.resolve("lake/metric_results")), out);
    assertTrue(Files.isDirectory(metastore.dir.resolve("metastore_db")));
    assertFalse(Files.exists(Launcher.ROOT.resolve("metastore_db")), "Derby stays in its dir");
    assertFalse(Files.exists(Launcher.ROOT.resolve("derby.log")), "Derby logs in its dir");
  }

  @Test
  void theSharedSessionKeepsTheInMemoryCatalog(SparkSession spark) {
    assertEquals("in-memory", spark.conf().get("spark.sql.catalogImplementation"));
    assertEquals(
        "org.apache.spark.sql.catalyst.catalog.InMemoryCatalog",
        spark.sharedState().externalCatalog().unwrapped().getClass().getName());
    assertFalse(Files.exists(Path.of("metastore_db")));
  }
}
