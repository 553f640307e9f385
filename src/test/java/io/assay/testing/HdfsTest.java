package io.assay.testing;

import static io.assay.testing.DatasetAssert.assertRows;
import static io.assay.testing.DatasetAssert.row;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The in-process HDFS ({@link Hdfs}) serves what assay needs of a Hadoop filesystem: Delta tables
 * written and read by the shared Spark session, and plain files through Hadoop's FileSystem API.
 */
@SparkTest
@Tag("servers")
class HdfsTest {
  static final String DDL = "unit_id STRING, arm STRING, value DOUBLE";

  @Test
  void aDeltaTableIsWrittenAndReadBackOnHdfs(SparkSession spark) throws IOException {
    Hdfs hdfs = Hdfs.get().apply(spark);
    String table = hdfs.dir("delta") + "/metric_results";
    Dataset<Row> rows =
        Fixtures.rows(spark, DDL, row("u1", "control", 1.5), row("u2", "treatment", 2.0));
    rows.write().format("delta").save(table);
    Fixtures.rows(spark, DDL, row("u3", "treatment", -0.25))
        .write()
        .format("delta")
        .mode("append")
        .save(table);

    assertRows(
        spark.read().format("delta").load(table),
        List.of(
            row("u1", "control", 1.5), row("u2", "treatment", 2.0), row("u3", "treatment", -0.25)));
    // Two commits, in the table's log on HDFS; the data files are on the cluster, not local disk.
    FileSystem fs = hdfs.fileSystem();
    assertTrue(fs.exists(new Path(table + "/_delta_log/00000000000000000001.json")));
    assertTrue(
        Arrays.stream(fs.listStatus(new Path(table)))
            .anyMatch(f -> f.getPath().getName().endsWith(".parquet")));
    assertEquals("hdfs", new Path(table).toUri().getScheme());
  }

  @Test
  void filesAreCreatedReadListedAndDeletedThroughTheFileSystemApi() throws IOException {
    Hdfs hdfs = Hdfs.get();
    assertEquals("127.0.0.1", hdfs.uri().getHost());
    FileSystem fs = hdfs.fileSystem();
    Path dir = new Path(hdfs.dir("files"));
    Path file = new Path(dir, "report.md");
    try (FSDataOutputStream out = fs.create(file, false)) {
      out.write("# Zoë's report\n".getBytes(StandardCharsets.UTF_8));
    }
    try (var in = fs.open(file)) {
      assertEquals("# Zoë's report\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    FileStatus[] listed = fs.listStatus(dir);
    assertEquals(1, listed.length);
    assertEquals("report.md", listed[0].getPath().getName());
    assertEquals(1, listed[0].getReplication(), "one DataNode, one replica");
    assertTrue(fs.delete(file, false));
    assertFalse(fs.exists(file));
    assertEquals(0, fs.listStatus(dir).length);
  }

  @Test
  void aLocalDirectoryTreeIsCopiedIn() throws IOException {
    Hdfs hdfs = Hdfs.get();
    java.nio.file.Path local = Fixtures.tempDir("hdfs-copy-");
    Files.createDirectories(local.resolve("logs/date=2026-11-02"));
    Files.writeString(local.resolve("logs/date=2026-11-02/part-0.json"), "{\"unit_id\":\"u1\"}\n");
    Files.writeString(local.resolve("population.csv"), "unit_id\nu1\n");

    String target = hdfs.copyFromLocal(local, hdfs.dir("copy") + "/world");

    FileSystem fs = hdfs.fileSystem();
    try (var in = fs.open(new Path(target + "/logs/date=2026-11-02/part-0.json"))) {
      assertArrayEquals(
          "{\"unit_id\":\"u1\"}\n".getBytes(StandardCharsets.UTF_8), in.readAllBytes());
    }
    assertTrue(fs.exists(new Path(target + "/population.csv")));
  }
}
