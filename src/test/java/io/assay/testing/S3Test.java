package io.assay.testing;

import static io.assay.testing.DatasetAssert.assertRows;
import static io.assay.testing.DatasetAssert.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.UnknownStoreException;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * S3Proxy ({@link S3}) through Hadoop's S3A connector serves what assay needs of an object store:
 * Delta tables written and read by the shared Spark session, and plain objects through Hadoop's
 * FileSystem API; and every bucket name goes to the proxy on the loopback, none to AWS.
 */
@SparkTest
@Tag("servers")
class S3Test {
  static final String DDL = "unit_id STRING, arm STRING, value DOUBLE";

  @Test
  void aDeltaTableIsWrittenAndReadBackOnS3(SparkSession spark) throws IOException {
    S3 s3 = S3.get().apply(spark);
    String table = s3.dir("delta") + "/metric_results";
    Fixtures.rows(spark, DDL, row("u1", "control", 1.5), row("u2", "treatment", 2.0))
        .write()
        .format("delta")
        .save(table);
    Fixtures.rows(spark, DDL, row("u3", "treatment", -0.25))
        .write()
        .format("delta")
        .mode("append")
        .save(table);

    assertRows(
        spark.read().format("delta").load(table),
        List.of(
            row("u1", "control", 1.5), row("u2", "treatment", 2.0), row("u3", "treatment", -0.25)));
    FileSystem fs = s3.fileSystem();
    assertTrue(fs.exists(new Path(table + "/_delta_log/00000000000000000001.json")));
    assertTrue(
        Arrays.stream(fs.listStatus(new Path(table)))
            .anyMatch(f -> f.getPath().getName().endsWith(".parquet")));
  }

  @Test
  void objectsAreCreatedReadListedAndDeletedThroughTheFileSystemApi() throws IOException {
    S3 s3 = S3.get();
    assertEquals("127.0.0.1", s3.endpoint().getHost());
    FileSystem fs = s3.fileSystem();
    Path dir = new Path(s3.dir("files"));
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
    assertTrue(fs.delete(file, false));
    assertFalse(fs.exists(file));
    // An object store has no directories; S3Proxy's filesystem backend drops the prefix with its
    // last object, so the "directory" is gone or empty.
    assertFalse(fs.exists(dir) && fs.listStatus(dir).length > 0);
  }

  @Test
  void anotherBucketIsAskedOfTheProxyNotOfAws() throws IOException {
    S3 s3 = S3.get();
    var conf = new org.apache.hadoop.conf.Configuration();
    s3.hadoopProperties().forEach(conf::set);
    FileSystem other = FileSystem.get(URI.create("s3a://assay-no-such-bucket/"), conf);
    // The proxy answers 404 NoSuchBucket; AWS would refuse the test's keys (403), or be
    // unreachable.
    UnknownStoreException e =
        assertThrows(
            UnknownStoreException.class,
            () -> other.listStatus(new Path("s3a://assay-no-such-bucket/x")));
    assertTrue(e.getMessage().contains("NoSuchBucket"), e.getMessage());
  }
}
