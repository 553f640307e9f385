package io.assay.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.testing.GeneratedWorld;
import io.assay.testing.Hdfs;
import io.assay.testing.Launcher;
import io.assay.testing.S3;
import io.assay.testing.SameOutputs;
import io.assay.testing.SparkTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's sequence ({@code reconcile} over the generated world's dates, then {@code
 * nightly} on the last) through the launcher, with the world's data and the output root on a real
 * HDFS (an in-process MiniDFSCluster), writes exactly what the same sequence wrote on local files:
 * every table, every JSON report and CSV export. The child runs get their client settings the way a
 * user gives them, as {@code spark.hadoop.*} lines of a spark-defaults file ({@code
 * ASSAY_SPARK_DEFAULTS}). The same check on S3, and two runs racing for one {@code s3a://} root,
 * are in {@link ClusterIT}. A missing bucket or refused credentials stop a command before Spark
 * starts (exit 2), naming the field and the URI, with nothing written.
 */
@SparkTest
@Tag("servers")
class LakeIT {
  @Test
  void onHdfsTheRunsWriteWhatTheyWriteOnLocalFiles(SparkSession spark) {
    GeneratedWorld world = GeneratedWorld.get();
    Hdfs hdfs = Hdfs.get().apply(spark);
    String data = hdfs.dir("lake-data");
    String out = hdfs.dir("lake-out");
    world.copyData(data, hdfs::copyFromLocal);
    Path conf = world.confAt(data, out);
    Map<String, String> env =
        Map.of(
            "ASSAY_SPARK_DEFAULTS",
            GeneratedWorld.sparkDefaults(hdfs.sparkProperties()).toString());

    world.runPipeline(conf, out, env);

    SameOutputs.tables(spark, world.out, out, "file:" + world.data.toAbsolutePath(), data);
    SameOutputs.files(world.out, hdfs.fileSystem(), out, world.last().toString());
  }

  @Test
  void aMissingBucketOrRefusedCredentialsStopBeforeSparkNamingTheFieldAndUri() throws Exception {
    GeneratedWorld world = GeneratedWorld.get();
    S3 s3 = S3.get();
    String jars = S3.connectorJars(",");
    Map<String, String> good =
        Map.of(
            "ASSAY_SPARK_DEFAULTS",
            GeneratedWorld.sparkDefaults(s3.sparkProperties()).toString(),
            "ASSAY_JARS",
            jars);
    Map<String, String> wrongSecret = new HashMap<>(s3.sparkProperties());
    wrongSecret.put("spark.hadoop.fs.s3a.secret.key", "not-the-secret");
    Map<String, String> refused = new HashMap<>(GeneratedWorld.ENV);
    refused.put("ASSAY_SPARK_DEFAULTS", GeneratedWorld.sparkDefaults(wrongSecret).toString());
    refused.put("ASSAY_JARS", jars);

    String noBucket = "s3a://assay-no-such-bucket/out";
    Path conf = world.confAt(s3.dir("unused-data"), noBucket);
    Launcher.Result validate =
        Launcher.assay(good, Duration.ofMinutes(2), "validate", "--conf", conf.toString());
    assertEquals(2, validate.exit(), validate.output());
    assertTrue(
        validate.stderr().contains("output.root") && validate.stderr().contains(noBucket),
        validate.output());

    String out = s3.dir("refused-out");
    String data = s3.dir("refused-data");
    Path conf2 = world.confAt(data, out);
    Launcher.Result nightly = world.nightly(conf2, out, refused);
    assertEquals(2, nightly.exit(), nightly.output());
    assertTrue(
        nightly.stderr().contains("data.logs")
            && nightly.stderr().contains(data + "/logs")
            && nightly.stderr().contains("permission denied"),
        nightly.output());
    Launcher.Result report =
        Launcher.assay(
            refused,
            Duration.ofMinutes(2),
            "report",
            "--conf",
            conf2.toString(),
            "--out",
            out,
            "--date",
            world.last().toString());
    assertEquals(2, report.exit(), report.output());
    assertTrue(
        report.stderr().contains("--out")
            && report.stderr().contains(out)
            && report.stderr().contains("permission denied"),
        report.output());
    assertTrue(!s3.fileSystem().exists(new org.apache.hadoop.fs.Path(out)), "nothing written");
  }
}
