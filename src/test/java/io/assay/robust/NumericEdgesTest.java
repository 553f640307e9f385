package io.assay.robust;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.config.Conf;
import io.assay.config.ConfigLoader;
import io.assay.config.DefinitionLock;
import io.assay.io.RunContext;
import io.assay.metrics.AnalyzeJob;
import io.assay.report.ReportJob;
import io.assay.testing.Fixtures;
import io.assay.testing.SparkTest;
import io.assay.testing.TestConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Degenerate numbers end as error codes and readable sentences, never as NaN, Infinity or a stack
 * trace: an experiment with a one-unit arm, an arm without units, a metric that is 0 for every unit
 * and a metric whose values are so large that their squares overflow a double. The analysis
 * succeeds, {@code metric_results} carries the codes, and every rendered report (HTML, JSON,
 * Markdown) is scanned.
 */
@SparkTest
class NumericEdgesTest {
  static final LocalDate DATE = LocalDate.parse("2026-11-05");

  @Test
  void degenerateResultsCarryErrorCodesAndReportsStayReadable(SparkSession spark) throws Exception {
    Path dir = TestConf.copy();
    Files.delete(dir.resolve(DefinitionLock.FILE_NAME));
    try (var s = Files.list(dir.resolve("experiments"))) {
      for (Path e : (Iterable<Path>) s::iterator) {
        io.assay.testing.Fixtures.deleteTree(e);
      }
    }
    Path site = dir.resolve("assay.yaml");
    Files.writeString(
        site,
        Files.readString(site)
            .replace("root: ../data/demo ", "root: ../data ")
            .replace("min_cell_size: 50", "min_cell_size: 1"));
    TestConf.write(
        dir,
        "metrics.yaml",
        """
        sources:
          vals: {path: vals, format: delta, unit_column: unit_id, time_column: ts}
        metrics:
          normal: {kind: mean, source: vals, value: normal, window: "[0d, 7d)"}
          zero: {kind: mean, source: vals, value: zero, window: "[0d, 7d)"}
          huge: {kind: mean, source: vals, value: huge, window: "[0d, 7d)"}
          per_zero: {kind: ratio, numerator: {source: vals, value: normal}, denominator: {source: vals, value: zero}, window: "[0d, 7d)"}
        """);
    TestConf.write(
        dir,
        "experiments/edges/1.0.0.yaml",
        """
        key: edges
        version: 1.0.0
        owner: qa
        hypothesis: Degenerate data give error codes and readable sentences.
        salt: edges
        start: 2026-11-01T00:00:00Z
        end: 2026-11-15T00:00:00Z
        arms:
          - {key: control, weight: 0.25}
          - {key: one, weight: 0.25}
          - {key: none, weight: 0.25}
          - {key: many, weight: 0.25}
        control: control
        strata: [platform]
        metrics:
          primary: [normal]
          secondary: [zero, huge, per_zero]
        analysis: {cuped: false, min_units_per_arm: 2}
        """);
    Conf conf = ConfigLoader.load(dir);
    Path data = dir.getParent().resolve("data");
    Path out = dir.getParent().resolve("out");
    Timestamp enrolled = Timestamp.from(Instant.parse("2026-11-02T00:00:00Z"));
    Timestamp later = Timestamp.from(Instant.parse("2026-11-02T01:00:00Z"));
    List<Object[]> enrollments = new ArrayList<>();
    List<Object[]> vals = new ArrayList<>();
    Map<String, Integer> units = Map.of("control", 3, "one", 1, "many", 3);
    units.forEach(
        (arm, n) -> {
          for (int i = 0; i < n; i++) {
            String u = arm + "-" + i;
            enrollments.add(
                new Object[] {
                  "edges",
                  "1.0.0",
                  u,
                  arm,
                  enrolled,
                  false,
                  Map.of("platform", i % 2 == 0 ? "ios" : "web")
                });
            vals.add(new Object[] {u, later, 1.0 + i, 0.0, 1e200 * (1 + i)});
          }
        });
    Fixtures.rows(
            spark,
            "experiment STRING, version STRING, unit_key STRING, arm STRING, enrolled_ts TIMESTAMP,"
                + " excluded BOOLEAN, strata MAP<STRING,STRING>",
            enrollments.toArray(Object[][]::new))
        .write()
        .format("delta")
        .save(out.resolve("enrollments").toString());
    Fixtures.rows(
            spark,
            "unit_id STRING, ts TIMESTAMP, normal DOUBLE, zero DOUBLE, huge DOUBLE",
            vals.toArray(Object[][]::new))
        .write()
        .format("delta")
        .save(data.resolve("vals").toString());

    RunContext ctx =
        RunContext.of(conf, "edges", io.assay.config.Location.local(out), Optional.empty());
    List<AnalyzeJob.Summary> summaries = AnalyzeJob.run(spark, ctx, DATE);
    assertEquals(1, summaries.size());
    assertNull(summaries.get(0).error(), "the analysis must not fail: " + summaries);

    List<Row> results =
        spark
            .read()
            .format("delta")
            .load(out.resolve("metric_results").toString())
            .filter(col("segment_key").equalTo("all"))
            .collectAsList();
    assertEquals("too_few_units", error(results, "normal", "one"));
    assertEquals("empty_arm", error(results, "normal", "none"));
    assertNull(error(results, "normal", "many"));
    assertEquals("zero_variance", error(results, "zero", "many"));
    assertEquals("zero_denominator", error(results, "per_zero", "many"));
    assertTrue(error(results, "huge", "many") != null, "overflowing sums carry an error code");
    for (Row r : results) {
      for (int i = 0; i < r.size(); i++) {
        if (r.get(i) instanceof Double d) {
          assertTrue(Double.isFinite(d), r.schema().fields()[i].name() + " in " + r);
        }
      }
    }

    ReportJob.Result report = ReportJob.run(spark, ctx, DATE);
    List<Path> files;
    try (Stream<Path> s = Files.walk(report.reports().localPath())) {
      files = s.filter(Files::isRegularFile).toList();
    }
    assertTrue(files.size() >= 5, "" + files);
    for (Path f : files) {
      String text = Files.readString(f);
      for (String bad : List.of("NaN", "Infinity", "Exception", "\tat ", "null%")) {
        assertFalse(text.contains(bad), f.getFileName() + " contains '" + bad + "'");
      }
    }
    String html = Files.readString(report.reports().localPath().resolve("edges@1.0.0.html"));
    assertTrue(html.contains("not computable: too few units"), "a readable reason");
    assertTrue(html.contains("not computable: empty arm"), "a readable reason");
  }

  static String error(List<Row> results, String metric, String arm) {
    Row row =
        results.stream()
            .filter(r -> r.getAs("metric").equals(metric) && r.getAs("arm").equals(arm))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no result for " + metric + " " + arm));
    return row.getAs("error");
  }
}
