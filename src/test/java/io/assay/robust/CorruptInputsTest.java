package io.assay.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.config.DefinitionLock;
import io.assay.testing.Commands;
import io.assay.testing.Commands.Ran;
import io.assay.testing.Fixtures;
import io.assay.testing.SparkTest;
import io.assay.testing.TestConf;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Inputs that cannot be used give a clear error naming the path (exit 1) or a documented, visible
 * handling — never a silent wrong number (docs/bad-data.md): a truncated Parquet log file, a
 * missing log partition, an empty log partition (processed as zero rows, with a warning line), a
 * metric source without its unit column, a metric source path that does not exist.
 */
@SparkTest
class CorruptInputsTest {
  static Path conf;
  static Path data;

  @BeforeAll
  static void conf() throws Exception {
    conf = TestConf.copy();
    Files.delete(conf.resolve(DefinitionLock.FILE_NAME));
    TestConf.withKeyFile(conf, "corrupt-inputs-key");
    Path site = conf.resolve("assay.yaml");
    Files.writeString(
        site, Files.readString(site).replace("root: ../data/demo ", "root: ../data "));
    data = conf.getParent().resolve("data");
  }

  static Ran cli(String... args) {
    return Commands.run(args);
  }

  static Ran reconcile(Path logs, String format, Path out) {
    return cli(
        "reconcile",
        "--conf",
        conf.toString(),
        "--date",
        "2026-11-02",
        "--logs",
        logs.toString(),
        "--format",
        format,
        "--out",
        out.toString());
  }

  @Test
  void aTruncatedParquetLogFileFailsNamingTheFile(SparkSession spark) throws Exception {
    Path logs = Fixtures.tempDir("truncated-");
    Path part = logs.resolve("date=2026-11-02");
    Fixtures.json(
            spark,
            "event_id STRING, ts TIMESTAMP, unit_id STRING, experiment STRING, version STRING,"
                + " arm STRING",
            "{\"event_id\":\"e1\",\"ts\":\"2026-11-02T10:00:00Z\",\"unit_id\":\"u1\","
                + "\"experiment\":\"checkout_button\",\"version\":\"1.0.0\",\"arm\":\"control\"}")
        .coalesce(1)
        .write()
        .parquet(part.toString());
    Path file;
    try (Stream<Path> s = Files.list(part)) {
      file = s.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() / 2);
    }
    Ran r = reconcile(logs, "parquet", Fixtures.tempDir("truncated-out-"));
    assertEquals(1, r.code(), r.text());
    assertTrue(r.text().contains(file.getFileName().toString()), "names the file: " + r.text());
  }

  /**
   * A JSON log file that is not text — a gzip stream under a {@code .json} name, other compressed
   * streams, a Parquet file among JSON lines — is not read as lines of junk: the run fails naming
   * each such file and what it is, with the fix, and writes nothing. Named {@code .json.gz}, the
   * gzip file is decompressed and every event in it counts.
   */
  @Test
  void aCompressedOrBinaryJsonLogFileFailsNamingItUnlessItsNameSaysGzip(SparkSession spark)
      throws Exception {
    Path logs = Fixtures.tempDir("binary-logs-");
    Path part = logs.resolve("date=2026-11-02");
    Files.createDirectories(part);
    String lines = line("e1") + "\n" + line("e2") + "\n" + line("e3") + "\n";
    Files.writeString(part.resolve("part-0.json"), line("e0") + "\n");
    try (var gz =
        new java.util.zip.GZIPOutputStream(Files.newOutputStream(part.resolve("part-1.json")))) {
      gz.write(lines.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    // zstd's frame magic, and Parquet's, each followed by binary bytes (a newline among them).
    Files.write(
        part.resolve("part-2.json"),
        new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x04, 0x58, 0x0a, (byte) 0x91, 0x00});
    Files.write(part.resolve("part-3.json"), new byte[] {'P', 'A', 'R', '1', 0x15, 0x04, 0x0a});
    Path out = Fixtures.tempDir("binary-out-");
    Ran r = reconcile(logs, "json", out);
    assertEquals(1, r.code(), r.text());
    for (String named :
        List.of(
            "part-1.json (gzip-compressed)",
            "part-2.json (zstd-compressed)",
            "part-3.json (a Parquet file)")) {
      assertTrue(r.text().contains(named), named + ": " + r.text());
    }
    assertTrue(r.text().contains("failed: file:" + part.resolve("part-1.json")), r.text());
    assertTrue(r.text().contains("give a gzip or bzip2 file the extension .gz"), r.text());
    assertTrue(!Files.exists(out.resolve("quarantine")), "nothing was written");

    Files.delete(part.resolve("part-2.json"));
    Files.delete(part.resolve("part-3.json"));
    Files.move(part.resolve("part-1.json"), part.resolve("part-1.json.gz"));
    var c = io.assay.config.ConfigLoader.load(conf);
    var ctx =
        io.assay.io.RunContext.of(
            c, "binary", io.assay.config.Location.local(out), java.util.Optional.empty());
    LocalDate date = LocalDate.parse("2026-11-02");
    List<Row> read =
        io.assay.reconcile.Ingest.classify(
                io.assay.io.ExposureLogs.read(
                    spark, ctx, io.assay.config.Location.local(logs), "json", List.of(date)),
                c.experiments(),
                List.of(date),
                List.of())
            .groupBy(io.assay.reconcile.Ingest.DISPOSITION)
            .count()
            .collectAsList();
    assertEquals("[[accepted,4]]", read.toString(), "the .json.gz file's three events count");
  }

  private static String line(String eventId) {
    return "{\"event_id\":\""
        + eventId
        + "\",\"ts\":\"2026-11-02T10:00:00Z\",\"unit_id\":\"u-"
        + eventId
        + "\",\"experiment\":\"checkout_button\",\"version\":\"1.0.0\",\"arm\":\"control\"}";
  }

  @Test
  void aMissingPartitionFailsNamingItAndAnEmptyOneIsZeroRowsWithAWarning(SparkSession spark)
      throws Exception {
    Path logs = Fixtures.tempDir("empty-");
    Ran missing = reconcile(logs, "json", Fixtures.tempDir("missing-out-"));
    assertEquals(1, missing.code(), missing.text());
    assertTrue(
        missing
            .text()
            .contains("failed: " + logs.resolve("date=2026-11-02") + ": log partition not found"),
        missing.text());

    Files.createDirectories(logs.resolve("date=2026-11-02"));
    Files.writeString(logs.resolve("date=2026-11-02/part-0.json"), "");
    Path out = Fixtures.tempDir("empty-out-");
    Ran empty = reconcile(logs, "json", out);
    assertEquals(0, empty.code(), empty.text());
    assertTrue(
        empty.text().contains("input 0 = accepted 0 + duplicates 0 + quarantined 0"), empty.text());
    assertTrue(
        empty.text().contains("WARNING 2026-11-02: the log partition holds no rows"), empty.text());
    Row summary =
        spark.read().format("delta").load(out.resolve("ingest_summary").toString()).first();
    assertEquals(0L, summary.<Long>getAs("input_rows"));
  }

  @Test
  void aMetricSourceWithoutItsUnitColumnOrPathFailsNamingIt(SparkSession spark) throws Exception {
    Path out = Fixtures.tempDir("metric-out-");
    Timestamp t = Timestamp.from(Instant.parse("2026-11-02T10:00:00Z"));
    Fixtures.rows(
            spark,
            "experiment STRING, version STRING, unit_key STRING, arm STRING, enrolled_ts TIMESTAMP,"
                + " excluded BOOLEAN, strata MAP<STRING,STRING>",
            new Object[] {"checkout_button", "1.0.0", "k1", "control", t, false, null},
            new Object[] {"checkout_button", "1.0.0", "k2", "big_button", t, false, null})
        .write()
        .format("delta")
        .save(out.resolve("enrollments").toString());
    String ev = ", ts TIMESTAMP";
    // orders without unit_id (renamed to "user"); the other sources as expected.
    Fixtures.rows(spark, "user STRING" + ev + ", revenue DOUBLE, status STRING")
        .write()
        .format("delta")
        .save(data.resolve("orders").toString());
    Fixtures.rows(spark, "unit_id STRING" + ev)
        .write()
        .parquet(data.resolve("sessions").toString());
    Fixtures.rows(spark, "unit_id STRING" + ev)
        .write()
        .parquet(data.resolve("page_views").toString());
    Fixtures.rows(spark, "unit_id STRING" + ev)
        .write()
        .format("delta")
        .save(data.resolve("crashes").toString());
    String[] analyze = {
      "analyze", "--conf", conf.toString(), "--date", "2026-11-05", "--out", out.toString()
    };
    Ran noUnit = cli(analyze);
    assertEquals(1, noUnit.code(), noUnit.text());
    assertTrue(
        noUnit
            .text()
            .contains(data.resolve("orders") + ": source 'orders' has no column 'unit_id'"),
        noUnit.text());
    assertTrue(noUnit.text().contains("fix sources.orders in metrics.yaml"), noUnit.text());
    assertTrue(!Files.exists(out.resolve("metric_results")), "nothing analysed, nothing written");

    io.assay.testing.Fixtures.deleteTree(data.resolve("orders"));
    Ran noPath = cli(analyze);
    assertEquals(1, noPath.code(), noPath.text());
    assertTrue(noPath.text().contains(data.resolve("orders").toString()), noPath.text());
    assertTrue(List.of(noPath.text().split("\n")).size() < 10, "a message, not a stack trace");
  }

  /**
   * page_views stores its time column as BOOLEAN. Before anything is computed, the experiments that
   * read page_views (recs_widget and search_ranking) fail with a message naming the source, its
   * path, the column, the type found and the types expected; checkout_button, which does not read
   * it, is analysed; the command exits 1.
   */
  @Test
  void aMetricSourceColumnOfTheWrongTypeFailsItsExperimentsByNameAndTheOthersRun(SparkSession spark)
      throws Exception {
    Path confDir = TestConf.copyOf(conf);
    Path dataDir = confDir.getParent().resolve("data");
    Path out = confDir.getParent().resolve("out");
    Timestamp t = Timestamp.from(Instant.parse("2026-11-02T10:00:00Z"));
    List<Object[]> enrolled = new java.util.ArrayList<>();
    for (String[] e :
        List.of(
            new String[] {"checkout_button", "control", "big_button"},
            new String[] {"recs_widget", "control", "widget"})) {
      for (int i = 0; i < 4; i++) {
        enrolled.add(new Object[] {e[0], "1.0.0", e[0] + i, e[1 + i % 2], t, false, null});
      }
    }
    Fixtures.rows(
            spark,
            "experiment STRING, version STRING, unit_key STRING, arm STRING, enrolled_ts TIMESTAMP,"
                + " excluded BOOLEAN, strata MAP<STRING,STRING>",
            enrolled.toArray(Object[][]::new))
        .write()
        .format("delta")
        .save(out.resolve("enrollments").toString());
    Fixtures.rows(spark, "unit_id STRING, ts TIMESTAMP, revenue DOUBLE, status STRING")
        .write()
        .format("delta")
        .save(dataDir.resolve("orders").toString());
    Fixtures.rows(spark, "unit_id STRING, ts TIMESTAMP")
        .write()
        .parquet(dataDir.resolve("sessions").toString());
    Fixtures.rows(spark, "unit_id STRING, ts BOOLEAN")
        .write()
        .parquet(dataDir.resolve("page_views").toString());
    Fixtures.rows(spark, "unit_id STRING, ts TIMESTAMP")
        .write()
        .format("delta")
        .save(dataDir.resolve("crashes").toString());
    Ran r = cli("analyze", "--conf", "" + confDir, "--date", "2026-11-05", "--out", out.toString());
    assertEquals(1, r.code(), r.text());
    String expected =
        dataDir.resolve("page_views")
            + ": source 'page_views' column 'ts' (time_column) is BOOLEAN; expected TIMESTAMP,"
            + " TIMESTAMP_NTZ, DATE or STRING (ISO-8601 text)";
    assertTrue(r.text().contains("recs_widget@1.0.0"), r.text());
    assertTrue(
        r.text().lines().anyMatch(l -> l.contains("recs_widget@1.0.0") && l.contains(expected)),
        r.text());
    assertTrue(
        r.text().lines().anyMatch(l -> l.contains("checkout_button@1.0.0") && l.contains("units")),
        "the experiment without the source is analysed: " + r.text());
    assertTrue(!r.text().contains("DATATYPE_MISMATCH"), r.text());
    List<String> analysed =
        spark
            .read()
            .format("delta")
            .load(out.resolve("metric_results").toString())
            .select("experiment")
            .distinct()
            .collectAsList()
            .stream()
            .map(x -> x.getString(0))
            .toList();
    assertEquals(List.of("checkout_button"), analysed);
  }
}
