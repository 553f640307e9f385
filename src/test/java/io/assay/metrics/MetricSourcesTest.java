package io.assay.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.config.Conf;
import io.assay.config.ConfigLoader;
import io.assay.config.DefinitionLock;
import io.assay.config.Measure;
import io.assay.config.MetricSource;
import io.assay.io.RunContext;
import io.assay.testing.Fixtures;
import io.assay.testing.JobCounter;
import io.assay.testing.SparkTest;
import io.assay.testing.TestConf;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A metric source whose unit, time or value column (or filter) has a type the analysis cannot use
 * is named before anything is computed, with the column, the type found and the types expected;
 * every type it accepts is computed correctly.
 */
@SparkTest
class MetricSourcesTest {
  static Conf conf;
  static MetricSource orders;

  /** The parts on orders of conversion (binomial, filter) and revenue (mean, value, CUPED). */
  static List<UnitMetrics.Part> parts;

  @BeforeAll
  static void conf() throws Exception {
    Path dir = TestConf.copy();
    Files.delete(dir.resolve(DefinitionLock.FILE_NAME));
    conf = ConfigLoader.load(dir);
    orders = conf.catalog().sources().get("orders");
    parts =
        UnitMetrics.partsBySource(
                conf.catalog(), new LinkedHashSet<>(List.of("conversion", "revenue")))
            .get("orders");
  }

  static List<String> problems(SparkSession spark, String ddl) {
    Dataset<Row> empty = Fixtures.rows(spark, ddl);
    List<String> out = new ArrayList<>();
    int jobs = JobCounter.count(spark, () -> out.addAll(MetricSources.check(orders, empty, parts)));
    assertEquals(0, jobs, "checking reads schemas only");
    return out;
  }

  static void wrong(SparkSession spark, String ddl, String expected) {
    List<String> p = problems(spark, ddl);
    assertEquals(1, p.size(), ddl + ": " + p);
    assertTrue(p.get(0).contains(expected), ddl + ": " + p.get(0));
  }

  @Test
  void everyUnusableTypeIsNamedWithTheColumnTheTypeFoundAndTheTypesExpected(SparkSession spark) {
    String time = "ts TIMESTAMP";
    String rest = ", revenue DOUBLE, status STRING";
    for (String unit : List.of("BOOLEAN", "DOUBLE", "DECIMAL(12,2)", "STRUCT<id: STRING>")) {
      wrong(
          spark,
          "unit_id " + unit + ", " + time + rest,
          "column 'unit_id' (unit_column) is "
              + Fixtures.rows(spark, "x " + unit).schema().fields()[0].dataType().sql()
              + "; expected "
              + MetricSources.UNIT_TYPES
              + ": convert the column in the table, or name another one in"
              + " sources.orders.unit_column in metrics.yaml");
    }
    for (String ts : List.of("BOOLEAN", "BIGINT", "INT", "DOUBLE", "BINARY")) {
      wrong(
          spark,
          "unit_id STRING, ts " + ts + rest,
          "column 'ts' (time_column) is "
              + ts
              + "; expected TIMESTAMP, TIMESTAMP_NTZ, DATE or STRING (ISO-8601 text)");
    }
    for (String value :
        List.of(
            "STRUCT<x: DOUBLE>", "ARRAY<DOUBLE>", "MAP<STRING, DOUBLE>", "TIMESTAMP", "BINARY")) {
      wrong(
          spark,
          "unit_id STRING, ts TIMESTAMP, revenue " + value + ", status STRING",
          "metric 'revenue' value 'revenue' is "
              + Fixtures.rows(spark, "x " + value).schema().fields()[0].dataType().sql()
              + "; expected "
              + MetricSources.VALUE_TYPES
              + ": fix metrics.revenue.value in metrics.yaml");
    }
    // A column the expression names is missing.
    wrong(
        spark,
        "unit_id STRING, ts TIMESTAMP, status STRING",
        "metric 'revenue' value 'revenue' does not evaluate on this table: ");
    // Every problem at once, not only the first.
    assertEquals(
        3, problems(spark, "unit_id BOOLEAN, ts BOOLEAN, revenue BINARY, status STRING").size());
  }

  @Test
  void aFilterThatIsNotAConditionIsNamed(SparkSession spark) {
    var conversion = conf.catalog().metric("conversion").orElseThrow();
    UnitMetrics.Part part =
        new UnitMetrics.Part(
            conversion,
            0,
            UnitMetrics.Y,
            new Measure("orders", "1", Optional.of("status")),
            conversion.window());
    Dataset<Row> table = Fixtures.rows(spark, "unit_id STRING, ts TIMESTAMP, status STRING");
    List<String> p = MetricSources.check(orders, table, List.of(part));
    assertEquals(
        List.of(
            "metric 'conversion' filter 'status' is STRING; expected BOOLEAN: fix"
                + " metrics.conversion.filter in metrics.yaml (a condition, e.g. status ="
                + " 'paid')"),
        p);
  }

  @Test
  void everyAcceptedTypeIsNamedNothingAndComputes(SparkSession spark) {
    for (String ddl :
        List.of(
            "unit_id STRING, ts TIMESTAMP, revenue DOUBLE, status STRING",
            "unit_id INT, ts TIMESTAMP_NTZ, revenue DECIMAL(12,2), status STRING",
            "unit_id BIGINT, ts DATE, revenue BOOLEAN, status STRING",
            "unit_id SMALLINT, ts STRING, revenue STRING, status STRING",
            "unit_id TINYINT, ts TIMESTAMP, revenue INT, status STRING")) {
      assertEquals(List.of(), problems(spark, ddl), ddl);
    }
    // Unit 7 enrolled at 2026-11-02T12:00Z; a paid order in its window and one before it (the
    // CUPED pre-period), with the id, time and value in the accepted non-default types.
    Instant enrolled = Instant.parse("2026-11-02T12:00:00Z");
    Dataset<Row> units =
        Fixtures.rows(
            spark,
            "experiment STRING, version STRING, unit_key STRING, enrolled_ts TIMESTAMP",
            new Object[] {"checkout_button", "1.0.0", "7", Timestamp.from(enrolled)});
    Dataset<Row> ntz =
        Fixtures.rows(
            spark,
            "unit_id INT, ts TIMESTAMP_NTZ, revenue DECIMAL(12,2), status STRING",
            new Object[] {
              7, LocalDateTime.parse("2026-11-02T13:00:00"), new BigDecimal("10.25"), "paid"
            },
            new Object[] {
              7, LocalDateTime.parse("2026-11-01T13:00:00"), new BigDecimal("2.50"), "paid"
            });
    assertEquals(
        Map.of("revenue__y", 10.25, "revenue__p", 2.5, "conversion__y", 1.0),
        sums(spark, ntz, units, enrolled));
    Dataset<Row> dated =
        Fixtures.rows(
            spark,
            "unit_id BIGINT, ts DATE, revenue BOOLEAN, status STRING",
            new Object[] {7L, java.sql.Date.valueOf("2026-11-03"), true, "paid"},
            new Object[] {7L, java.sql.Date.valueOf("2026-11-01"), true, "paid"});
    assertEquals(
        Map.of("revenue__y", 1.0, "revenue__p", 1.0, "conversion__y", 1.0),
        sums(spark, dated, units, enrolled));
  }

  /** The unit's per-part sums from one pass over {@code table} (dropped-row counts left out). */
  static Map<String, Double> sums(
      SparkSession spark, Dataset<Row> table, Dataset<Row> units, Instant enrolled) {
    RunContext ctx =
        RunContext.of(
            conf, "t", io.assay.config.Location.local(Path.of("unused")), Optional.empty());
    Row r =
        UnitMetrics.sourcePass(
                ctx,
                orders,
                table,
                parts,
                units,
                Instant.parse("2026-11-20T00:00:00Z"),
                new Instant[] {enrolled, enrolled})
            .first();
    // Keyed metric__role: a part's column is named by its position, not its metric.
    Map<String, Double> out = new HashMap<>();
    Set<String> names = Set.of("revenue__y", "revenue__p", "conversion__y");
    for (UnitMetrics.Part p : parts) {
      String name = p.metric().name() + "__" + p.role();
      if (names.contains(name)) {
        out.put(name, ((Number) r.getAs(p.column())).doubleValue());
      }
    }
    return out;
  }
}
