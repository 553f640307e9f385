package io.assay.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.assay.testing.Fixtures;
import io.assay.testing.GeneratedWorld;
import io.assay.testing.Hdfs;
import io.assay.testing.Launcher;
import io.assay.testing.S3;
import io.assay.testing.TestConf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The cost of running where the data lives (issue 20): the scheduler's sequence ({@code reconcile}
 * over a generated world's dates, then {@code nightly} on the last) through the launcher, with data
 * and outputs on local files, on HDFS (an in-process MiniDFSCluster) and on S3 (S3Proxy through
 * S3A), one after the other on one machine; wall-clock times, their ratios to local files, and the
 * files and Delta commits each output root holds. A benchmark, not a test: excluded from the suite
 * (tag {@code lake-bench}); run it with
 *
 * <pre>
 * mvn -B test -Dspotless.check.skip=true -Dtest=LakeBench -Dtest.excludedGroups= \
 *     -Dlake.units=200000 -Dlake.days=7
 * </pre>
 *
 * <p>It prints a table and writes {@code target/lake-bench.json}. Every server runs on the same
 * machine as Spark: S3Proxy's and the DataNode's CPU time is part of the figures.
 */
@Tag("lake-bench")
class LakeBench {
  @Test
  void reconcileAndNightlyOnLocalFilesHdfsAndS3() throws IOException {
    int units = Integer.getInteger("lake.units", 200_000);
    int days = Integer.getInteger("lake.days", 7);
    Path conf = TestConf.copy();
    Path data = Fixtures.tempDir("lake-bench-").resolve("world");
    Map<String, String> env = new HashMap<>(GeneratedWorld.ENV);
    env.put("ASSAY_JAVA_OPTS", "-Xmx4g"); // the jobs' own JVM, not the tests' C1-only one
    Launcher.Result gen =
        Launcher.assay(
            env,
            Duration.ofMinutes(60),
            "generate",
            "--out",
            data.toString(),
            "--units",
            String.valueOf(units),
            "--days",
            String.valueOf(days),
            "--seed",
            "1");
    assertEquals(0, gen.exit(), gen.output());
    List<String> dates;
    try (var s = Files.list(data.resolve("logs"))) {
      dates =
          s.map(p -> p.getFileName().toString())
              .filter(n -> n.startsWith("date="))
              .map(n -> n.substring(5))
              .sorted()
              .toList();
    }

    Hdfs hdfs = Hdfs.get();
    S3 s3 = S3.get();
    String jars = S3.connectorJars(",");
    Map<String, Map<String, Object>> results = new LinkedHashMap<>();
    for (String where : List.of("local", "hdfs", "s3")) {
      String dataRoot;
      String out;
      FileSystem fs;
      Map<String, String> runEnv = new HashMap<>(env);
      switch (where) {
        case "hdfs" -> {
          dataRoot = hdfs.dir("bench-data");
          out = hdfs.dir("bench-out");
          copy(data, dataRoot, hdfs::copyFromLocal);
          fs = hdfs.fileSystem();
          runEnv.put(
              "ASSAY_SPARK_DEFAULTS",
              GeneratedWorld.sparkDefaults(hdfs.sparkProperties()).toString());
        }
        case "s3" -> {
          dataRoot = s3.dir("bench-data");
          out = s3.dir("bench-out");
          copy(data, dataRoot, s3::copyFromLocal);
          fs = s3.fileSystem();
          runEnv.put(
              "ASSAY_SPARK_DEFAULTS",
              GeneratedWorld.sparkDefaults(s3.sparkProperties()).toString());
          runEnv.put("ASSAY_JARS", jars);
        }
        default -> {
          dataRoot = "file:" + data.toAbsolutePath();
          out = "file:" + Fixtures.tempDir("lake-bench-out-").toAbsolutePath();
          fs = FileSystem.getLocal(new org.apache.hadoop.conf.Configuration()).getRawFileSystem();
        }
      }
      Path c = TestConf.withRoots(TestConf.copyOf(conf), dataRoot, out);
      long t0 = System.nanoTime();
      Launcher.Result r =
          Launcher.assay(
              runEnv,
              Duration.ofMinutes(120),
              "reconcile",
              "--conf",
              c.toString(),
              "--from",
              dates.get(0),
              "--to",
              dates.get(dates.size() - 1));
      assertEquals(0, r.exit(), r.output());
      long t1 = System.nanoTime();
      r =
          Launcher.assay(
              runEnv,
              Duration.ofMinutes(120),
              "nightly",
              "--conf",
              c.toString(),
              "--date",
              dates.get(dates.size() - 1));
      assertEquals(0, r.exit(), r.output());
      long t2 = System.nanoTime();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("reconcile_s", (t1 - t0) / 1e9);
      m.put("nightly_s", (t2 - t1) / 1e9);
      m.putAll(census(fs, new org.apache.hadoop.fs.Path(out)));
      results.put(where, m);
      System.out.println("lake-bench " + where + ": " + m);
    }
    StringBuilder table = new StringBuilder();
    table.append(
        String.format(
            "lake-bench: %d units, %d days (%s)%n| where | reconcile s | × local | nightly s | ×"
                + " local | output files | data files | _delta_log files | bytes |%n",
            units, days, String.join("..", dates.get(0), dates.get(dates.size() - 1))));
    Map<String, Object> local = results.get("local");
    results.forEach(
        (where, m) ->
            table.append(
                String.format(
                    "| %s | %.1f | %.2f | %.1f | %.2f | %d | %d | %d | %d |%n",
                    where,
                    (double) m.get("reconcile_s"),
                    (double) m.get("reconcile_s") / (double) local.get("reconcile_s"),
                    (double) m.get("nightly_s"),
                    (double) m.get("nightly_s") / (double) local.get("nightly_s"),
                    (long) m.get("files"),
                    (long) m.get("data_files"),
                    (long) m.get("log_files"),
                    (long) m.get("bytes"))));
    System.out.print(table);
    Files.writeString(
        Path.of("target/lake-bench.json"),
        new com.fasterxml.jackson.databind.ObjectMapper()
            .writerWithDefaultPrettyPrinter()
            .writeValueAsString(Map.of("units", units, "days", days, "results", results)));
  }

  private static void copy(
      Path data, String target, java.util.function.BiFunction<Path, String, String> copier)
      throws IOException {
    try (var s = Files.list(data)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        copier.apply(p, target + "/" + p.getFileName());
      }
    }
  }

  /** Files under the output root: all, Parquet data files, Delta log files, and bytes. */
  private static Map<String, Object> census(FileSystem fs, org.apache.hadoop.fs.Path root)
      throws IOException {
    long files = 0;
    long data = 0;
    long log = 0;
    long bytes = 0;
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
    while (it.hasNext()) {
      LocatedFileStatus f = it.next();
      String p = f.getPath().toString();
      files++;
      bytes += f.getLen();
      if (p.contains("/_delta_log/")) {
        log++;
      } else if (p.endsWith(".parquet")) {
        data++;
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("files", files);
    m.put("data_files", data);
    m.put("log_files", log);
    m.put("bytes", bytes);
    return m;
  }
}
