package io.assay.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settings a session gets: task slots of a local master, and the spark-defaults file applied to
 * embedded runs. The settings are built by a pure function, so the shared test session is never
 * touched.
 */
class SparkSessionsTest {
  @TempDir Path tmp;

  @Test
  void localMastersGiveTheirTaskSlots() {
    assertEquals(1, SparkSessions.localCores("local"));
    assertEquals(3, SparkSessions.localCores("local[3]"));
    assertEquals(2, SparkSessions.localCores("local[2,4]"));
    assertEquals(1, SparkSessions.localCores("local[0]"));
    assertEquals(Runtime.getRuntime().availableProcessors(), SparkSessions.localCores("local[*]"));
    assertEquals(1, SparkSessions.localCores("spark://127.0.0.1:7077"));
  }

  @Test
  void theFileNamedByAssaySparkDefaultsReachesAnEmbeddedSession() throws Exception {
    Path file = tmp.resolve("my-defaults.conf");
    Files.writeString(
        file,
        "# S3 settings for embedded and submitted runs\n"
            + "spark.hadoop.fs.s3a.endpoint   http://127.0.0.1:9000\n"
            + "spark.hadoop.fs.s3a.path.style.access=true\n"
            + "spark.sql.shuffle.partitions 3\n"
            + "spark.sql.session.timeZone America/New_York\n");
    SparkConf c =
        SparkSessions.sparkConf(
            "t", "local[1]", Map.of(), Map.of("ASSAY_SPARK_DEFAULTS", file.toString()));
    assertEquals("http://127.0.0.1:9000", c.get("spark.hadoop.fs.s3a.endpoint"));
    assertEquals("true", c.get("spark.hadoop.fs.s3a.path.style.access"));
    assertEquals("3", c.get("spark.sql.shuffle.partitions"), "the file wins over assay's default");
    assertEquals("UTC", c.get("spark.sql.session.timeZone"), "outputs are always in UTC");
    assertEquals("local[1]", c.get("spark.master"));
    // and the Hadoop configuration of work before the session sees the spark.hadoop.* settings
    assertEquals(
        "http://127.0.0.1:9000", Storage.hadoopConf(c).get("fs.s3a.endpoint"), "pre-Spark storage");
  }

  @Test
  void systemPropertiesWinOverTheFile() throws Exception {
    Path file = tmp.resolve("d.conf");
    Files.writeString(file, "spark.assay.test.setting from-file\nspark.assay.test.other file\n");
    System.setProperty("spark.assay.test.setting", "from-D");
    try {
      SparkConf c =
          SparkSessions.sparkConf(
              "t", "local[1]", Map.of(), Map.of("ASSAY_SPARK_DEFAULTS", file.toString()));
      assertEquals("from-D", c.get("spark.assay.test.setting"));
      assertEquals("file", c.get("spark.assay.test.other"));
    } finally {
      System.clearProperty("spark.assay.test.setting");
    }
  }

  @Test
  void theProjectDefaultsUnderAssayHomeApplyWhenNoFileIsNamed() throws Exception {
    Path conf = Files.createDirectories(tmp.resolve("home/conf/spark"));
    Files.writeString(conf.resolve("spark-defaults.conf"), "spark.assay.test.home yes\n");
    SparkConf c =
        SparkSessions.sparkConf(
            "t", "local[1]", Map.of(), Map.of("ASSAY_HOME", tmp.resolve("home").toString()));
    assertEquals("yes", c.get("spark.assay.test.home"));
    SparkConf none = SparkSessions.sparkConf("t", "local[1]", Map.of(), Map.of());
    assertFalse(none.contains("spark.assay.test.home"));
  }

  @Test
  void aMissingNamedFileIsAConfigurationError() {
    Path missing = tmp.resolve("nope.conf");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                SparkSessions.sparkConf(
                    "t", "local[1]", Map.of(), Map.of("ASSAY_SPARK_DEFAULTS", missing.toString())));
    String m = e.errors().get(0).render();
    assertTrue(m.contains(missing.toString()) && m.contains("ASSAY_SPARK_DEFAULTS"), m);
  }
}
