package io.assay.metrics;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.config.Conf;
import io.assay.config.ConfigLoader;
import io.assay.config.DefinitionLock;
import io.assay.config.ExperimentDefinition;
import io.assay.testing.Fixtures;
import io.assay.testing.JobCounter;
import io.assay.testing.SparkTest;
import io.assay.testing.TestConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-unit metric values on tiny hand-made sources, every expected value counted by hand from the
 * rows below; and the one-scan-per-source property.
 */
@SparkTest
class UnitMetricsTest {
  static Conf conf;
  static ExperimentDefinition checkout;
  static final Instant ENROLLED = Instant.parse("2026-11-02T12:00:00Z");
  static final Instant AS_OF = Instant.parse("2026-11-20T00:00:00Z");

  @BeforeAll
  static void world(SparkSession spark) throws Exception {
    Path dir = TestConf.copy();
    Files.delete(dir.resolve(DefinitionLock.FILE_NAME));
    Path data = dir.getParent().resolve("data");
    Path site = dir.resolve("assay.yaml");
    Files.writeString(
        site, Files.readString(site).replace("root: ../data/demo ", "root: ../data "));
    conf = ConfigLoader.load(dir);
    checkout = conf.resolve("checkout_button");
    String ordersDdl = "unit_id STRING, ts TIMESTAMP, revenue DOUBLE, status STRING";
    Fixtures.rows(
            spark,
            ordersDdl,
            row("a", "2026-11-02T13:00:00Z", 10.0, "paid"), // +1h: in window
            row("a", "2026-11-02T14:00:00Z", 3.0, "refunded"), // filtered out
            row("a", "2026-11-10T13:00:00Z", 5.0, "paid"), // +8d: after the 7-day window
            row("a", "2026-11-01T12:00:00Z", 2.0, "paid"), // -1d: pre-period
            row("c", "2026-11-25T12:00:00Z", 7.0, "paid"), // after as-of
            row("zz", "2026-11-02T13:00:00Z", 100.0, "paid")) // not enrolled
        .write()
        .format("delta")
        .save(data.resolve("orders").toString());
    String sessionsDdl = "unit_id STRING, ts TIMESTAMP";
    Fixtures.rows(
            spark,
            sessionsDdl,
            row("a", "2026-11-03T00:00:00Z"),
            row("a", "2026-11-04T00:00:00Z"),
            row("a", "2026-11-09T11:59:59Z"), // just inside [0d, 7d)
            row("a", "2026-11-09T12:00:00Z"), // exactly 7d: outside (half-open)
            row("a", "2026-10-30T00:00:00Z")) // pre-period
        .write()
        .parquet(data.resolve("sessions").toString());
    Fixtures.rows(spark, sessionsDdl, row("b", "2026-11-05T00:00:00Z"))
        .write()
        .parquet(data.resolve("page_views").toString());
    Fixtures.rows(spark, sessionsDdl, row("b", "2026-11-05T00:00:00Z"))
        .write()
        .format("delta")
        .save(data.resolve("crashes").toString());
  }

  static Object[] row(Object... v) {
    Object[] out = v.clone();
    out[1] = java.sql.Timestamp.from(Instant.parse((String) v[1]));
    return out;
  }

  static Dataset<Row> enrolled(SparkSession spark) {
    return Fixtures.rows(
        spark,
        "experiment STRING, version STRING, unit_key STRING, arm STRING, enrolled_ts TIMESTAMP,"
            + " strata MAP<STRING,STRING>",
        new Object[] {
          "checkout_button", "1.0.0", "a", "control", ts(ENROLLED), Map.of("platform", "ios")
        },
        new Object[] {
          "checkout_button", "1.0.0", "b", "big_button", ts(ENROLLED), Map.of("platform", "web")
        },
        new Object[] {
          "checkout_button", "1.0.0", "c", "big_button", ts(ENROLLED), Map.of("platform", "web")
        });
  }

  static java.sql.Timestamp ts(Instant i) {
    return java.sql.Timestamp.from(i);
  }

  static UnitValues compute(SparkSession spark) {
    return UnitMetrics.compute(
        spark,
        io.assay.io.RunContext.of(
            conf,
            "t",
            io.assay.config.Location.local(java.nio.file.Path.of("unused")),
            Optional.empty()),
        List.of(checkout),
        enrolled(spark),
        AS_OF,
        new Instant[] {ENROLLED, ENROLLED});
  }

  @Test
  void valuesFollowWindowsFiltersAndKinds(SparkSession spark) {
    Map<String, Row> byKey = new HashMap<>();
    for (Row r : compute(spark).perMetric().collectAsList()) {
      byKey.put(r.getAs("unit_key") + "/" + r.getAs("metric"), r);
    }
    // 3 units × 5 metrics of checkout_button: every enrolled unit has every metric.
    assertEquals(15, byKey.size());
    check(byKey, "a/conversion", 1.0, null, null);
    check(byKey, "a/revenue", 10.0, null, 2.0); // pre-period: the 2.0 order of the day before
    check(byKey, "a/orders_per_user", 1.0, null, null);
    // 3 sessions in [0d, 7d); pre-period [-14d, 0d): the 2.0 order over the session of Oct 30
    check(byKey, "a/revenue_per_session", 10.0, 3.0, 2.0);
    assertEquals(1.0, byKey.get("a/revenue_per_session").<Double>getAs("q"), "a q");
    check(byKey, "a/crash_rate", 0.0, null, null);
    check(byKey, "b/crash_rate", 1.0, null, null);
    for (String m : List.of("conversion", "revenue", "orders_per_user")) {
      check(byKey, "b/" + m, 0.0, null, m.equals("revenue") ? 0.0 : null);
      check(byKey, "c/" + m, 0.0, null, m.equals("revenue") ? 0.0 : null); // events after as-of
    }
    check(byKey, "c/revenue_per_session", 0.0, 0.0, 0.0);
    assertEquals(0.0, byKey.get("c/revenue_per_session").<Double>getAs("q"), "c q");
    assertEquals("control", byKey.get("a/revenue").getAs("arm"));
  }

  private static void check(Map<String, Row> rows, String key, Double y, Double d, Double p) {
    Row r = rows.get(key);
    assertEquals(y, r.<Double>getAs("y"), key + " y");
    if (d == null) {
      assertNull(r.getAs("d"), key + " d");
    } else {
      assertEquals(d, r.<Double>getAs("d"), key + " d");
    }
    if (p == null) {
      assertNull(r.getAs("p"), key + " p");
    } else {
      assertEquals(p, r.<Double>getAs("p"), key + " p");
    }
  }

  @Test
  void eachSourceIsScannedOnceWhateverTheNumberOfMetrics(SparkSession spark) {
    // Plans print file locations cut to this many characters; CI's paths are longer than ours.
    spark.conf().set("spark.sql.maxMetadataStringLength", "100000");
    Dataset<Row> stats = MetricStats.sufficientStats(compute(spark));
    String plan = stats.queryExecution().executedPlan().toString();
    // checkout_button's metrics read orders, sessions and crashes, not page_views.
    for (String source : List.of("orders", "sessions", "page_views", "crashes")) {
      Matcher m =
          Pattern.compile("Location: \\w+\\(\\d+ paths\\)\\[file:[^\\]]*/data/" + source + "\\]")
              .matcher(plan);
      int scans = 0;
      while (m.find()) {
        scans++;
      }
      assertEquals(
          source.equals("page_views") ? 0 : 1,
          scans,
          source + " scanned " + scans + " times:\n" + plan);
    }
    // Fused: the job count does not depend on how many metrics read a source. Adaptive execution
    // and broadcast joins are switched off while counting: they choose plans from data sizes.
    spark.conf().set("spark.sql.adaptive.enabled", "false");
    spark.conf().set("spark.sql.autoBroadcastJoinThreshold", "-1");
    try {
      countJobs(spark, stats);
    } finally {
      spark.conf().set("spark.sql.adaptive.enabled", "true");
      spark.conf().unset("spark.sql.autoBroadcastJoinThreshold");
    }
    assertTrue(
        stats.filter(col("segment_key").equalTo("platform")).count() > 0, "strata segments exist");
  }

  private void countJobs(SparkSession spark, Dataset<Row> stats) {
    ExperimentDefinition fewer =
        new ExperimentDefinition(
            checkout.key(),
            checkout.version(),
            checkout.owner(),
            checkout.hypothesis(),
            checkout.unit(),
            checkout.salt(),
            checkout.hash(),
            checkout.namespace(),
            checkout.holdout(),
            checkout.traffic(),
            checkout.arms(),
            checkout.control(),
            checkout.start(),
            checkout.end(),
            checkout.eligibility(),
            checkout.strata(),
            new io.assay.config.MetricRefs(
                List.of("conversion"), List.of("revenue_per_session"), List.of("crash_rate")),
            checkout.analysis(),
            checkout.sourceFile(),
            checkout.sha256(),
            checkout.armsLoggedAs());
    Dataset<Row> fewerStats =
        MetricStats.sufficientStats(
            UnitMetrics.compute(
                spark,
                io.assay.io.RunContext.of(
                    conf,
                    "t",
                    io.assay.config.Location.local(java.nio.file.Path.of("unused")),
                    Optional.empty()),
                List.of(fewer),
                enrolled(spark),
                AS_OF,
                new Instant[] {ENROLLED, ENROLLED}));
    // Warm up first: Delta loads each table's snapshot with jobs of its own on first use.
    stats.collectAsList();
    fewerStats.collectAsList();
    int all = JobCounter.count(spark, () -> stats.collectAsList());
    int few = JobCounter.count(spark, () -> fewerStats.collectAsList());
    assertEquals(few, all, "jobs with 3 metrics vs 5 metrics on the same sources");
  }
}
