package io.assay.robust;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.assay.config.Conf;
import io.assay.config.ConfigLoader;
import io.assay.config.DefinitionLock;
import io.assay.io.ExposureLogs;
import io.assay.io.RunContext;
import io.assay.metrics.MetricStats;
import io.assay.metrics.UnitMetrics;
import io.assay.reconcile.Ingest;
import io.assay.reconcile.ReconcileJob;
import io.assay.testing.Fixtures;
import io.assay.testing.SparkTest;
import io.assay.testing.TestConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bad-row corpora of {@code src/test/resources/bad-rows/}: every row of an exposure log ends
 * exactly where its case says (accepted, duplicate, or quarantined with the stated reason and
 * detail), the per-date counts add up, and the job never fails on a row. See docs/bad-data.md.
 */
@SparkTest
class BadRowsTest {
  static final LocalDate DATE = LocalDate.parse("2026-11-02");
  static Conf conf;

  @BeforeAll
  static void conf() throws Exception {
    Path dir = TestConf.copy();
    Files.delete(dir.resolve(DefinitionLock.FILE_NAME));
    conf = ConfigLoader.load(dir);
  }

  @Test
  void everyJsonLineEndsWhereItsCaseSays(SparkSession spark) throws Exception {
    List<BadRows.Case> cases = BadRows.read("exposures.cases");
    assertTrue(cases.size() >= 30, "the corpus holds at least 30 cases");
    Path logs = Fixtures.tempDir("bad-rows-logs-");
    writePartition(logs, DATE, cases.stream().map(BadRows.Case::text).toArray(String[]::new));
    Path out = Fixtures.tempDir("bad-rows-out-");

    ReconcileJob.Result r =
        ReconcileJob.run(
            spark,
            RunContext.of(
                conf, "bad-rows", io.assay.config.Location.local(out), Optional.of("bad-rows-key")),
            io.assay.config.Location.local(logs),
            "json",
            DATE,
            DATE);

    assertOutcomes(spark, cases, r, out);
  }

  /**
   * The late-arrival lookback: a valid copy of an event in an earlier partition makes every copy in
   * scope a duplicate; an invalid (quarantinable) earlier copy does not; within scope the first
   * valid copy (smallest raw text) is kept.
   */
  @Test
  void onlyAValidLookbackCopyMakesALaterCopyADuplicate(SparkSession spark) throws Exception {
    LocalDate before = DATE.minusDays(1);
    Path logs = Fixtures.tempDir("bad-rows-lookback-");
    writePartition(
        logs,
        before,
        event("x1", "2026-11-01T10:00:00Z", "control"),
        event("x2", "not a time", "control"),
        event("x4", "2026-11-01T10:00:00Z", ""));
    writePartition(
        logs,
        DATE,
        event("x1", "2026-11-02T10:00:00Z", "control"),
        event("x2", "2026-11-02T10:00:00Z", "control"),
        event("x3", "2026-11-02T10:00:01Z", "big_button"),
        event("x3", "2026-11-02T10:00:00Z", "big_button"),
        event("x4", "2026-11-02T10:00:00Z", "control"));
    RunContext ctx =
        RunContext.of(
            conf, "lookback", io.assay.config.Location.local(logs), Optional.of("bad-rows-key"));
    List<Row> rows =
        Ingest.classify(
                ExposureLogs.read(
                    spark,
                    ctx,
                    io.assay.config.Location.local(logs),
                    "json",
                    List.of(before, DATE)),
                conf.experiments(),
                List.of(DATE),
                List.of(before))
            .select(col("event_id"), col("ts"), col(Ingest.DISPOSITION))
            .orderBy("event_id", "ts")
            .collectAsList();
    assertEquals(
        List.of(
            "x1 2026-11-02T10:00:00Z duplicate",
            "x2 2026-11-02T10:00:00Z accepted",
            "x3 2026-11-02T10:00:00Z accepted",
            "x3 2026-11-02T10:00:01Z duplicate",
            "x4 2026-11-02T10:00:00Z accepted"),
        rows.stream().map(r -> r.get(0) + " " + r.get(1) + " " + r.get(2)).toList());
  }

  /** Writes one JSON-lines log partition: each line as given, newline-terminated. */
  private static void writePartition(Path logs, LocalDate date, String... lines) throws Exception {
    Path part = ExposureLogs.partition(io.assay.config.Location.local(logs), date).localPath();
    Files.createDirectories(part);
    Files.writeString(part.resolve("part-0.json"), String.join("\n", lines) + "\n");
  }

  private static String event(String id, String ts, String arm) {
    return "{\"event_id\":\""
        + id
        + "\",\"ts\":\""
        + ts
        + "\",\"unit_id\":\"u-"
        + id
        + "\",\"experiment\":\"checkout_button\",\"version\":\"1.0.0\",\"arm\":\""
        + arm
        + "\",\"attributes\":{\"country\":\"US\",\"platform\":\"ios\"},\"source\":\"t\"}";
  }

  @Test
  void everyTypedParquetRowEndsWhereItsCaseSays(SparkSession spark) throws Exception {
    List<BadRows.Case> cases = BadRows.read("exposures-typed.cases");
    String ddl = header("exposures-typed.cases", "# schema:");
    Path logs = Fixtures.tempDir("bad-rows-parquet-");
    Fixtures.json(spark, ddl, cases.stream().map(BadRows.Case::text).toArray(String[]::new))
        .write()
        .parquet(logs.resolve("date=" + DATE).toString());
    RunContext ctx =
        RunContext.of(
            conf, "bad-rows", io.assay.config.Location.local(logs), Optional.of("bad-rows-key"));
    List<Row> rows =
        Ingest.classify(
                ExposureLogs.read(
                    spark, ctx, io.assay.config.Location.local(logs), "parquet", List.of(DATE)),
                conf.experiments(),
                List.of(DATE),
                List.of())
            .select("raw", Ingest.DISPOSITION, Ingest.REASON, Ingest.DETAIL, ExposureLogs.FILE)
            .collectAsList();
    assertEquals(cases.size(), rows.size(), "every row has exactly one disposition");
    for (Row r : rows) {
      assertTrue(r.getString(4).endsWith(".parquet"), "each row names its file: " + r);
    }
    Map<String, List<String>> byId = new TreeMap<>();
    for (Row r : rows) {
      String id = new BadRows.Case("", "", r.getString(0)).eventId("t");
      String outcome =
          r.isNullAt(2)
              ? r.getString(1)
              : "quarantined:" + r.getString(2) + (r.isNullAt(3) ? "" : ":" + r.getString(3));
      byId.computeIfAbsent(String.valueOf(id), k -> new java.util.ArrayList<>()).add(outcome);
    }
    Map<String, List<String>> expected = new TreeMap<>();
    for (BadRows.Case c : cases) {
      expected
          .computeIfAbsent(String.valueOf(c.eventId("t")), k -> new java.util.ArrayList<>())
          .add(c.expected());
    }
    expected.values().forEach(java.util.Collections::sort);
    byId.values().forEach(java.util.Collections::sort);
    assertEquals(expected, byId);
  }

  @Test
  void metricSourceRowsAddUpOrAreDroppedAndCounted(SparkSession spark) throws Exception {
    List<BadRows.Case> cases = BadRows.read("metric-rows.cases");
    Path dir = TestConf.copy();
    Files.delete(dir.resolve(DefinitionLock.FILE_NAME));
    try (var s = Files.list(dir.resolve("experiments"))) {
      for (Path e : (Iterable<Path>) s::iterator) {
        io.assay.testing.Fixtures.deleteTree(e);
      }
    }
    Path site = dir.resolve("assay.yaml");
    Files.writeString(
        site, Files.readString(site).replace("root: ../data/demo ", "root: ../data "));
    TestConf.write(
        dir,
        "metrics.yaml",
        """
        sources:
          typed: {path: typed, format: delta, unit_column: unit_id, time_column: ts}
          text: {path: text, format: parquet, unit_column: unit_id, time_column: ts}
        metrics:
          typed_sum: {kind: mean, source: typed, value: value, window: "[0d, 7d)"}
          text_sum: {kind: mean, source: text, value: value, window: "[0d, 7d)"}
        """);
    TestConf.write(
        dir,
        "experiments/bad_rows/1.0.0.yaml",
        """
        key: bad_rows
        version: 1.0.0
        owner: qa
        hypothesis: Bad metric rows never reach a sum.
        salt: bad_rows
        start: 2026-11-01T00:00:00Z
        end: 2026-11-15T00:00:00Z
        arms:
          - {key: a, weight: 0.5}
          - {key: b, weight: 0.5}
        control: a
        metrics:
          primary: [typed_sum]
          secondary: [text_sum]
        """);
    Conf c = ConfigLoader.load(dir);
    Path data = dir.getParent().resolve("data");
    String[] lines = cases.stream().map(BadRows.Case::text).toArray(String[]::new);
    Fixtures.json(spark, "unit_id STRING, ts TIMESTAMP, value DOUBLE", lines)
        .write()
        .format("delta")
        .save(data.resolve("typed").toString());
    Fixtures.json(spark, "unit_id STRING, ts STRING, value STRING", lines)
        .write()
        .parquet(data.resolve("text").toString());

    Timestamp enrolledTs = Timestamp.from(Instant.parse("2026-11-02T00:00:00Z"));
    List<String> units = List.of("m1", "m2", "josé-用户");
    Object[][] enrolled =
        units.stream()
            .map(u -> new Object[] {"bad_rows", "1.0.0", u, "a", enrolledTs, null})
            .toArray(Object[][]::new);
    Dataset<Row> enrollments =
        Fixtures.rows(
            spark,
            "experiment STRING, version STRING, unit_key STRING, arm STRING, enrolled_ts TIMESTAMP,"
                + " strata MAP<STRING,STRING>",
            enrolled);
    io.assay.metrics.UnitValues values =
        UnitMetrics.compute(
            spark,
            RunContext.of(
                c,
                "bad-rows",
                io.assay.config.Location.local(dir.getParent().resolve("out")),
                Optional.empty()),
            c.experiments(),
            enrollments,
            Instant.parse("2026-11-06T00:00:00Z"),
            new Instant[] {enrolledTs.toInstant(), enrolledTs.toInstant()});

    Map<String, Double> sums = new TreeMap<>();
    Map<String, Long> dropped = new TreeMap<>();
    units.forEach(u -> sums.put(u, 0.0));
    units.forEach(u -> dropped.put(u, 0L));
    for (BadRows.Case k : cases) {
      String[] e = k.expected().split(":", 2);
      if (e[0].equals("sum")) {
        sums.merge(
            e[1], new ObjectMapper().readTree(k.text()).get("value").asDouble(), Double::sum);
      } else if (e[0].equals("dropped")) {
        dropped.merge(e[1], 1L, Long::sum);
      }
    }
    for (Row r :
        values.perMetric().collectAsList()) { // three units: a test fixture, not unit-level data
      String unit = r.getAs("unit_key");
      String metric = r.getAs(UnitMetrics.METRIC);
      double y = r.<Double>getAs(UnitMetrics.Y);
      assertTrue(Double.isFinite(y), metric + " " + unit + ": " + y);
      assertEquals(sums.get(unit), y, Math.abs(sums.get(unit)) * 1e-12, metric + " " + unit);
      assertEquals(dropped.get(unit), r.<Long>getAs(UnitMetrics.DROPPED), metric + " " + unit);
    }
    long totalDropped = dropped.values().stream().mapToLong(Long::longValue).sum();
    List<Row> stats =
        MetricStats.sufficientStats(values)
            .filter(col("segment_key").equalTo("all"))
            .collectAsList();
    assertEquals(2, stats.size());
    for (Row r : stats) {
      assertEquals(totalDropped, r.<Long>getAs("dropped_values"), r.toString());
      assertTrue(Double.isFinite(r.<Double>getAs("sum_y2")), r.toString());
    }
  }

  private static String header(String file, String prefix) throws java.io.IOException {
    return Files.readAllLines(BadRows.DIR.resolve(file)).stream()
        .filter(l -> l.startsWith(prefix))
        .map(l -> l.substring(prefix.length()).strip())
        .findFirst()
        .orElseThrow();
  }

  static void assertOutcomes(
      SparkSession spark, List<BadRows.Case> cases, ReconcileJob.Result r, Path out) {
    Map<String, Long> expected = new TreeMap<>();
    for (BadRows.Case c : cases) {
      String[] e = c.expected().split(":");
      expected.merge(e[0].equals("quarantined") ? "quarantined:" + e[1] : e[0], 1L, Long::sum);
    }
    ReconcileJob.DateCounts d = r.dates().get(0);
    assertEquals(cases.size(), d.input(), "input rows");
    assertTrue(d.balanced(), "input = accepted + duplicates + quarantined: " + d);
    assertEquals(expected.getOrDefault("accepted", 0L), d.accepted(), "accepted");
    assertEquals(expected.getOrDefault("duplicate", 0L), d.duplicates(), "duplicates");

    List<Row> quarantine =
        spark.read().format("delta").load(out.resolve("quarantine").toString()).collectAsList();
    Map<String, Long> byReason = new TreeMap<>();
    quarantine.forEach(q -> byReason.merge("quarantined:" + q.getAs("reason"), 1L, Long::sum));
    Map<String, Long> expectedReasons = new TreeMap<>(expected);
    expectedReasons.remove("accepted");
    expectedReasons.remove("duplicate");
    assertEquals(expectedReasons, byReason, "quarantined rows by reason");

    // Each quarantined case with a readable event id is found with its reason and detail (an
    // unparseable record may have none: those are checked by the counts above).
    for (BadRows.Case c : cases) {
      String id = c.eventId();
      if (!c.expected().startsWith("quarantined:")
          || c.expected().startsWith("quarantined:unparseable")
          || id == null) {
        continue;
      }
      String[] e = c.expected().split(":");
      List<Row> mine =
          quarantine.stream()
              .filter(
                  q -> q.getAs("event_id") != null && q.<String>getAs("event_id").startsWith(id))
              .toList();
      assertEquals(1, mine.size(), c.why() + ": one quarantine row for " + id);
      assertEquals(e[1], mine.get(0).getAs("reason"), c.why());
      if (e.length > 2) {
        assertEquals(e[2], mine.get(0).getAs("detail"), c.why());
      }
    }
    assertTrue(
        spark
            .read()
            .format("delta")
            .load(out.resolve("quarantine").toString())
            .filter(col("raw").isNull())
            .isEmpty(),
        "every quarantined row keeps its (redacted) raw text");
    for (Row q : quarantine) {
      String file = q.getAs("file");
      assertTrue(
          file != null
              && file.startsWith("file:")
              && file.endsWith("/date=" + DATE + "/part-0.json"),
          "every quarantined row names its source file: " + q);
    }
  }

  /**
   * A line is the text up to a newline (or to the end of the file): the rows read are the lines a
   * user counts with {@code wc -l}, plus a last line without a newline. A carriage return never
   * ends a line on its own; right before a newline (CRLF) it belongs to the line end.
   */
  @Test
  void aLineEndsAtANewlineOnly(SparkSession spark) throws Exception {
    Path logs = Fixtures.tempDir("bad-rows-lines-");
    Path part = ExposureLogs.partition(io.assay.config.Location.local(logs), DATE).localPath();
    Files.createDirectories(part);
    String text =
        event("n1", "2026-11-02T10:00:00Z", "control")
            + "\r\n"
            + event("n2", "2026-11-02T10:00:00Z", "control").replace("u-n2", "u-\rn2")
            + "\n"
            + event("n3", "2026-11-02T10:00:00Z", "control")
            + "\r"
            + event("n4", "2026-11-02T10:00:00Z", "control")
            + "\r\n"
            + event("n5", "2026-11-02T10:00:00Z", "control"); // the last line, no newline
    Files.writeString(part.resolve("part-0.json"), text);
    long newlines = text.chars().filter(c -> c == '\n').count();
    RunContext ctx =
        RunContext.of(conf, "lines", io.assay.config.Location.local(logs), Optional.empty());
    List<Row> rows =
        Ingest.classify(
                ExposureLogs.read(
                    spark, ctx, io.assay.config.Location.local(logs), "json", List.of(DATE)),
                conf.experiments(),
                List.of(DATE),
                List.of())
            .select(col("raw"), col(Ingest.DISPOSITION), col(Ingest.REASON))
            .orderBy("raw")
            .collectAsList();
    assertEquals(newlines + 1, rows.size(), "the newline-ended lines and the last line");
    assertEquals(
        List.of(
            "n1 accepted null",
            "n2 quarantined unparseable",
            "n3 quarantined unparseable",
            "n5 accepted null"),
        rows.stream()
            .map(r -> r.getString(0).substring(13, 15) + " " + r.get(1) + " " + r.get(2))
            .toList());
    assertFalse(rows.get(0).getString(0).endsWith("\r"), "the CRLF's CR is not part of the row");
    assertTrue(rows.get(1).getString(0).contains("u-\rn2"), "the record is whole");
  }
}
