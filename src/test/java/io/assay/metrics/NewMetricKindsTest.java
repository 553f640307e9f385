package io.assay.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.config.Conf;
import io.assay.config.ConfigLoader;
import io.assay.config.DefinitionLock;
import io.assay.config.ExperimentDefinition;
import io.assay.config.MetricDefinition;
import io.assay.config.Quantile;
import io.assay.stats.Comparison;
import io.assay.stats.QuantileBuckets;
import io.assay.stats.QuantileSketch;
import io.assay.stats.QuantileTest;
import io.assay.stats.RatioCupedTest;
import io.assay.stats.RatioMoments;
import io.assay.stats.TestOptions;
import io.assay.testing.Fixtures;
import io.assay.testing.SparkTest;
import io.assay.testing.TestConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The metric kinds added by issue 22 through Spark, on one world. Ratio CUPED: the pre-period sums
 * of an average-order-value ratio ({@code metric_stats}) equal {@link RatioMoments#of} of the
 * per-unit values computed in plain Java, and the analysis equals {@link RatioCupedTest} on those.
 * Quantile metrics: the per-unit keys ({@link UnitMetrics}), the bucket state ({@link
 * MetricStats#quantileBuckets}) and the analysis ({@link AnalyzeJob#cells}, {@link
 * MetricResults#analyse}) on 400 units with random orders, each checked against the stats library's
 * reference builders ({@link QuantileSketch#ofEvents}, {@link QuantileSketch#ofUnitValues},
 * verified by hand in {@code QuantileSketchTest}) applied in plain Java to the same raw rows with
 * the metric's window and filter: an event-level median of the paid orders' values, and a
 * unit-level 90th percentile of the units' paid revenue (0 without orders).
 */
@SparkTest
class NewMetricKindsTest {
  static final Instant ENROLLED = Instant.parse("2026-11-02T12:00:00Z");
  static final Instant AS_OF = Instant.parse("2026-11-20T00:00:00Z");
  static final int UNITS = 400;
  static Conf conf;
  static ExperimentDefinition checkout;

  /** Per unit: its arm, platform and the values of its qualifying orders. */
  record Unit(String id, String arm, String platform, List<Double> paid, List<Double> pre) {}

  static final List<Unit> UNIT_ROWS = new ArrayList<>();
  static UnitValues values;

  @BeforeAll
  static void world(SparkSession spark) throws Exception {
    Path dir = TestConf.copy();
    Files.delete(dir.resolve(DefinitionLock.FILE_NAME));
    Path data = dir.getParent().resolve("data");
    TestConf.edit(dir.resolve("assay.yaml"), "root: ../data/demo ", "root: ../data ");
    Files.writeString(
        dir.resolve("metrics.yaml"),
        Files.readString(dir.resolve("metrics.yaml"))
            + """
              order_value_median:
                description: Median paid order value (event level)
                kind: quantile
                quantile: 0.5
                level: event
                source: orders
                value: revenue
                filter: "status = 'paid'"
                window: "[0d, 7d)"
              aov:
                description: Paid revenue per paid order, adjusted with the pre-period's
                kind: ratio
                numerator: {source: orders, value: revenue, filter: "status = 'paid'"}
                denominator: {source: orders, value: "1", filter: "status = 'paid'"}
                window: "[0d, 7d)"
                cuped_window: "[-14d, 0d)"
              revenue_p90:
                description: 90th percentile of paid revenue per unit (unit level)
                kind: quantile
                quantile: 0.9
                level: unit
                accuracy: 0.01
                source: orders
                value: revenue
                filter: "status = 'paid'"
                window: "[0d, 7d)"
            """);
    TestConf.edit(
        dir.resolve("experiments/checkout_button/1.0.0.yaml"),
        "secondary: [revenue, orders_per_user, revenue_per_session]",
        "secondary: [revenue, order_value_median, revenue_p90, aov]");
    conf = ConfigLoader.load(dir);
    checkout = conf.resolve("checkout_button");

    Random rnd = new Random(20261207);
    List<Object[]> orders = new ArrayList<>();
    for (int i = 0; i < UNITS; i++) {
      String id = "u" + i;
      String arm = i % 2 == 0 ? "control" : "big_button";
      double lift = arm.equals("control") ? 1.0 : 1.1;
      List<Double> paid = new ArrayList<>();
      List<Double> pre = new ArrayList<>();
      double unitLevel = 3 + 0.6 * rnd.nextGaussian(); // the unit's spending level, both periods
      int m = rnd.nextInt(4); // 0–3 paid orders in the 14 days before exposure
      for (int k = 0; k < m; k++) {
        double v = Math.round(100 * Math.exp(unitLevel + 0.5 * rnd.nextGaussian())) / 100.0;
        pre.add(v);
        orders.add(order(id, ENROLLED.minusSeconds(60 + rnd.nextInt(13 * 86400)), v, "paid"));
      }
      int n = rnd.nextInt(6); // 0–5 paid orders in the window
      for (int k = 0; k < n; k++) {
        // Cents, with ties across units (many orders share a value's bucket).
        double v = Math.round(100 * lift * Math.exp(unitLevel + 0.5 * rnd.nextGaussian())) / 100.0;
        paid.add(v);
        orders.add(order(id, ENROLLED.plusSeconds(60 + rnd.nextInt(160 * 3600)), v, "paid"));
      }
      if (i % 5 == 0) {
        orders.add(order(id, ENROLLED.plusSeconds(3600), 999.0, "refunded")); // filtered out
      }
      if (i % 7 == 0) {
        orders.add(order(id, ENROLLED.plusSeconds(8 * 86400), 999.0, "paid")); // after 7 days
      }
      UNIT_ROWS.add(new Unit(id, arm, i % 3 == 0 ? "ios" : "web", paid, pre));
    }
    Fixtures.rows(
            spark,
            "unit_id STRING, ts TIMESTAMP, revenue DOUBLE, status STRING",
            orders.toArray(Object[][]::new))
        .write()
        .format("delta")
        .save(data.resolve("orders").toString());
    Fixtures.rows(
            spark,
            "unit_id STRING, ts TIMESTAMP",
            new Object[] {"u1", java.sql.Timestamp.from(ENROLLED.plusSeconds(60))})
        .write()
        .format("delta")
        .save(data.resolve("crashes").toString());
    List<Object[]> enrolled = new ArrayList<>();
    for (Unit u : UNIT_ROWS) {
      enrolled.add(
          new Object[] {
            "checkout_button",
            "1.0.0",
            u.id(),
            u.arm(),
            java.sql.Timestamp.from(ENROLLED),
            Map.of("platform", u.platform())
          });
    }
    values =
        UnitMetrics.compute(
                spark,
                io.assay.io.RunContext.of(
                    conf, "t", io.assay.config.Location.local(Path.of("unused")), Optional.empty()),
                List.of(checkout),
                Fixtures.rows(
                    spark,
                    "experiment STRING, version STRING, unit_key STRING, arm STRING,"
                        + " enrolled_ts TIMESTAMP, strata MAP<STRING,STRING>",
                    enrolled.toArray(Object[][]::new)),
                AS_OF,
                new Instant[] {ENROLLED, ENROLLED})
            .cache();
  }

  static Object[] order(String unit, Instant ts, double revenue, String status) {
    return new Object[] {unit, java.sql.Timestamp.from(ts), revenue, status};
  }

  /** The reference sketch of an arm (and platform, or every platform when null). */
  static QuantileSketch reference(String metric, String arm, String platform) {
    Quantile q = conf.catalog().metric(metric).orElseThrow().quantile().orElseThrow();
    QuantileBuckets b = new QuantileBuckets(q.accuracy());
    List<Unit> units =
        UNIT_ROWS.stream()
            .filter(u -> u.arm().equals(arm) && (platform == null || u.platform().equals(platform)))
            .toList();
    if (q.of() == Quantile.Of.EVENT) {
      double[][] perUnit = new double[units.size()][];
      for (int i = 0; i < perUnit.length; i++) {
        perUnit[i] = units.get(i).paid().stream().mapToDouble(Double::doubleValue).toArray();
      }
      return QuantileSketch.ofEvents(b, perUnit);
    }
    double[] perUnit = new double[units.size()];
    for (int i = 0; i < perUnit.length; i++) {
      perUnit[i] = units.get(i).paid().stream().mapToDouble(Double::doubleValue).sum();
    }
    return QuantileSketch.ofUnitValues(b, perUnit);
  }

  @Test
  void sparkBucketsEqualTheReferenceSketchesPerArmAndSegment() {
    List<Row> rows = MetricStats.quantileBuckets(values).collectAsList();
    Map<List<String>, SortedMap<Long, QuantileSketch.Bucket>> got = new LinkedHashMap<>();
    for (Row r : rows) {
      got.computeIfAbsent(
              List.of(
                  r.getAs("metric"),
                  r.getAs("arm"),
                  r.getAs("segment_key"),
                  r.getAs("segment_value")),
              k -> new TreeMap<>())
          .put(
              r.getAs("bucket"),
              new QuantileSketch.Bucket(r.getAs("count"), r.getAs("squares"), r.getAs("cross")));
    }
    int compared = 0;
    for (String metric : List.of("order_value_median", "revenue_p90")) {
      for (String arm : List.of("control", "big_button")) {
        assertEquals(
            reference(metric, arm, null).buckets(),
            got.get(List.of(metric, arm, "all", "all")),
            metric + " " + arm);
        for (String platform : List.of("ios", "web")) {
          assertEquals(
              reference(metric, arm, platform).buckets(),
              got.get(List.of(metric, arm, "platform", platform)),
              metric + " " + arm + " " + platform);
          compared++;
        }
      }
    }
    assertEquals(8, compared);
    // Only quantile metrics have buckets, and no enrolled-day series.
    assertTrue(
        got.keySet().stream()
            .allMatch(
                k -> k.get(0).equals("order_value_median") || k.get(0).equals("revenue_p90")));
    assertTrue(got.keySet().stream().noneMatch(k -> k.get(2).equals(MetricStats.ENROLLED_DATE)));
  }

  @Test
  void theAnalysisEqualsTheQuantileTestOnTheReferenceSketches() {
    List<Row> stats = MetricStats.sufficientStats(values).collectAsList();
    List<Row> buckets = MetricStats.quantileBuckets(values).collectAsList();
    Map<String, Quantile> quantiles = AnalyzeJob.quantileMetrics(conf.catalog(), List.of(checkout));
    assertEquals(List.of("order_value_median", "revenue_p90"), List.copyOf(quantiles.keySet()));
    List<MetricResults.Cell> cells = AnalyzeJob.cells(checkout, stats, buckets, quantiles);
    Map<String, MetricDefinition> metrics = new LinkedHashMap<>();
    for (String m : checkout.metrics().all()) {
      metrics.put(m, conf.catalog().metric(m).orElseThrow());
    }
    List<MetricResults.Analysed> analysed = MetricResults.analyse(checkout, metrics, cells, null);
    TestOptions options =
        new TestOptions(
            checkout.analysis().alpha(),
            checkout.analysis().alternative(),
            checkout.analysis().minUnitsPerArm());
    for (String metric : quantiles.keySet()) {
      double level = quantiles.get(metric).level();
      for (String[] segment : new String[][] {{"all", "all"}, {"platform", "web"}}) {
        MetricResults.Analysed x =
            analysed.stream()
                .filter(
                    a ->
                        a.metric().name().equals(metric)
                            && a.cell().segmentKey().equals(segment[0])
                            && a.cell().segmentValue().equals(segment[1]))
                .findFirst()
                .orElseThrow();
        String platform = segment[0].equals("all") ? null : segment[1];
        Comparison expected =
            QuantileTest.with(options)
                .test(
                    reference(metric, "control", platform),
                    reference(metric, "big_button", platform),
                    level);
        Comparison actual = x.arm().comparison();
        assertNull(actual.error(), metric + " " + actual);
        assertEquals(expected, actual, metric + " " + String.join("=", segment));
        assertNotNull(actual.absolute().ciLower());
        // Event level, the moments carry each unit's number of values as d (Σd = values).
        if (metric.equals("order_value_median")) {
          long orders =
              UNIT_ROWS.stream()
                  .filter(u -> u.arm().equals("control"))
                  .filter(u -> platform == null || u.platform().equals(platform))
                  .mapToLong(u -> u.paid().size())
                  .sum();
          assertEquals((double) orders, x.result().control().moments().sumD());
        }
      }
      // No enrolled-day series for quantile metrics.
      assertTrue(
          analysed.stream()
              .noneMatch(
                  a ->
                      a.metric().name().equals(metric)
                          && a.cell().segmentKey().equals(AnalyzeJob.ENROLLED_THROUGH)));
    }
  }

  @Test
  void ratioCupedSumsAndAnalysisEqualTheLibraryOnThePerUnitValues() {
    List<Row> stats = MetricStats.sufficientStats(values).collectAsList();
    Map<String, RatioMoments> reference = new LinkedHashMap<>();
    for (String arm : List.of("control", "big_button")) {
      List<Unit> units = UNIT_ROWS.stream().filter(u -> u.arm().equals(arm)).toList();
      double[] y = new double[units.size()];
      double[] d = new double[units.size()];
      double[] p = new double[units.size()];
      double[] q = new double[units.size()];
      for (int i = 0; i < y.length; i++) {
        Unit u = units.get(i);
        y[i] = u.paid().stream().mapToDouble(Double::doubleValue).sum();
        d[i] = u.paid().size();
        p[i] = u.pre().stream().mapToDouble(Double::doubleValue).sum();
        q[i] = u.pre().size();
      }
      RatioMoments expected = RatioMoments.of(y, d, p, q);
      reference.put(arm, expected);
      Row row =
          stats.stream()
              .filter(
                  r ->
                      r.getAs("metric").equals("aov")
                          && r.getAs("arm").equals(arm)
                          && r.getAs("segment_key").equals("all"))
              .findFirst()
              .orElseThrow();
      RatioMoments got = MomentColumns.read(row).ratio();
      assertEquals(expected.n(), got.n());
      double[] e = sums(expected);
      double[] g = sums(got);
      for (int k = 0; k < e.length; k++) {
        assertEquals(e[k], g[k], 1e-9 * Math.abs(e[k]), arm + " sum " + k);
      }
    }
    List<Row> buckets = MetricStats.quantileBuckets(values).collectAsList();
    Map<String, Quantile> quantiles = AnalyzeJob.quantileMetrics(conf.catalog(), List.of(checkout));
    Map<String, MetricDefinition> metrics = new LinkedHashMap<>();
    for (String m : checkout.metrics().all()) {
      metrics.put(m, conf.catalog().metric(m).orElseThrow());
    }
    MetricResults.Analysed x =
        MetricResults.analyse(
                checkout, metrics, AnalyzeJob.cells(checkout, stats, buckets, quantiles), null)
            .stream()
            .filter(a -> a.metric().name().equals("aov") && a.cell().segmentKey().equals("all"))
            .findFirst()
            .orElseThrow();
    assertTrue(x.result().request().cuped());
    RatioCupedTest.Result expected =
        RatioCupedTest.with(
                new TestOptions(
                    checkout.analysis().alpha(),
                    checkout.analysis().alternative(),
                    checkout.analysis().minUnitsPerArm()))
            .test(reference.get("control"), reference.get("big_button"));
    Comparison actual = x.arm().comparison();
    assertNull(actual.error(), actual.toString());
    assertEquals(expected.comparison().absolute().effect(), actual.absolute().effect(), 1e-12);
    assertEquals(expected.comparison().absolute().se(), actual.absolute().se(), 1e-12);
    assertEquals(expected.comparison().relative().effect(), actual.relative().effect(), 1e-12);
    assertEquals(expected.varianceReduction(), x.arm().varianceReduction(), 1e-9);
    // The pre-period shares the unit's level: the adjustment narrows the interval.
    assertTrue(x.arm().varianceReduction() > 0.05, "reduction " + x.arm().varianceReduction());
  }

  static double[] sums(RatioMoments m) {
    return new double[] {
      m.sumY(), m.sumY2(), m.sumD(), m.sumD2(), m.sumYD(), m.sumP(), m.sumP2(), m.sumQ(), m.sumQ2(),
      m.sumPQ(), m.sumYP(), m.sumYQ(), m.sumDP(), m.sumDQ()
    };
  }

  @Test
  void sparkKeysEqualTheLibrarysKeys(SparkSession spark) {
    List<Double> vs =
        new ArrayList<>(List.of(0.0, -0.0, 1.0, -1.0, 1e-300, -1e300, 123.45, 5e-324));
    QuantileBuckets b = new QuantileBuckets(0.005);
    for (int k = -2000; k <= 2000; k += 7) {
      double edge = Math.exp(k * b.logGamma()); // on and around bucket edges
      vs.add(edge);
      vs.add(Math.nextUp(edge));
      vs.add(-Math.nextDown(edge));
    }
    Random rnd = new Random(7);
    for (int i = 0; i < 2000; i++) {
      vs.add((rnd.nextBoolean() ? 1 : -1) * Math.exp(rnd.nextGaussian() * 50));
    }
    Object[][] rows = vs.stream().map(v -> new Object[] {v}).toArray(Object[][]::new);
    List<Row> got =
        Fixtures.rows(spark, "v DOUBLE", rows)
            .select(
                org.apache.spark.sql.functions.col("v"),
                QuantileKeys.key(org.apache.spark.sql.functions.col("v"), 0.005).as("k"))
            .collectAsList();
    assertEquals(vs.size(), got.size());
    for (Row r : got) {
      assertEquals(b.key(r.getDouble(0)), r.getLong(1), "key of " + r.getDouble(0));
    }
    assertEquals(DataTypes.LongType, QuantileKeys.TYPE.elementType());
  }

  /**
   * The bucket values metric_quantiles stores, computed in Spark, are the library's to the bit: for
   * keys across the whole range (0, both signs, tiny and overflowing magnitudes) and two
   * accuracies.
   */
  @Test
  void sparkBucketValuesEqualTheLibrarysValues(SparkSession spark) {
    for (double accuracy : new double[] {0.005, 0.037}) {
      QuantileBuckets b = new QuantileBuckets(accuracy);
      List<Long> keys = new ArrayList<>(List.of(0L, 1L, -1L, Long.MAX_VALUE / 2));
      for (long k = -400_000; k <= 400_000; k += 997) {
        keys.add(QuantileBuckets.OFFSET + k);
        keys.add(-(QuantileBuckets.OFFSET + k));
      }
      Object[][] rows = keys.stream().map(k -> new Object[] {k}).toArray(Object[][]::new);
      List<Row> got =
          Fixtures.rows(spark, "k BIGINT", rows)
              .select(
                  org.apache.spark.sql.functions.col("k"),
                  QuantileKeys.value(org.apache.spark.sql.functions.col("k"), accuracy).as("v"))
              .collectAsList();
      assertEquals(keys.size(), got.size());
      for (Row r : got) {
        assertEquals(
            Double.doubleToLongBits(b.value(r.getLong(0))),
            Double.doubleToLongBits(r.getDouble(1)),
            "value of bucket " + r.getLong(0) + " at accuracy " + accuracy);
      }
    }
  }
}
