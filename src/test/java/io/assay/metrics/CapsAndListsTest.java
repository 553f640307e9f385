package io.assay.metrics;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.assay.config.Conf;
import io.assay.config.ConfigLoader;
import io.assay.config.DefinitionLock;
import io.assay.config.ExperimentDefinition;
import io.assay.config.Location;
import io.assay.config.MetricRefs;
import io.assay.io.RunContext;
import io.assay.testing.Fixtures;
import io.assay.testing.SparkTest;
import io.assay.testing.TestConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Caps and metric lists on hand data: a percentile cap (pooled over arms, on the value and on the
 * pre-period value), a fixed cap, metric names Spark would misread as column paths or confuse by
 * case ({@code Paid.Revenue-p75cap}, {@code Revenue} beside {@code revenue}'s kin), and two
 * experiments listing different metrics over the same units. Every expected number is worked out by
 * hand in the comments.
 */
@SparkTest
class CapsAndListsTest {
  static final Instant ENROLLED = Instant.parse("2026-11-02T12:00:00Z");
  static final Instant AS_OF = Instant.parse("2026-11-20T00:00:00Z");
  static final String CAPPED = "Paid.Revenue-p75cap";
  static Conf conf;
  static ExperimentDefinition a;
  static ExperimentDefinition b;
  static UnitValues values;

  @BeforeAll
  static void world(SparkSession spark) throws Exception {
    Path dir = TestConf.copy();
    Files.delete(dir.resolve(DefinitionLock.FILE_NAME));
    Path data = dir.getParent().resolve("data");
    TestConf.edit(dir.resolve("assay.yaml"), "root: ../data/demo ", "root: ../data ");
    TestConf.edit(
        dir.resolve("metrics.yaml"),
        "metrics:\n",
        """
        metrics:
          %s:
            kind: mean
            source: orders
            value: revenue
            filter: "status = 'paid'"
            window: "[0d, 7d)"
            cap: {percentile: 0.75}
            cuped_window: "[-14d, 0d)"
          Revenue:
            kind: mean
            source: orders
            value: revenue
            window: "[0d, 7d)"
          revenue_fixed_cap:
            kind: mean
            source: orders
            value: revenue
            window: "[0d, 7d)"
            cap: {value: 6}
          revenue_negative_cap:
            kind: mean
            source: orders
            value: revenue
            window: "[0d, 7d)"
            cap: {value: -1}
        """
            .formatted(CAPPED));
    conf = ConfigLoader.load(dir);
    ExperimentDefinition c = conf.resolve("checkout_button");
    a =
        listing(
            c,
            "exp_a",
            List.of(CAPPED),
            List.of("Revenue", "revenue_fixed_cap", "revenue_negative_cap"));
    b = listing(c, "exp_b", List.of("revenue_fixed_cap"), List.of());
    Fixtures.rows(
            spark,
            "unit_id STRING, ts TIMESTAMP, revenue DOUBLE, status STRING",
            order("a", "2026-11-02T13:00:00Z", 10.0, "paid"),
            order("a", "2026-11-02T14:00:00Z", 3.0, "refunded"),
            order("a", "2026-11-01T12:00:00Z", 1.0, "paid"), // pre-period
            order("b", "2026-11-03T12:00:00Z", 2.0, "paid"),
            order("c", "2026-11-04T12:00:00Z", 4.0, "paid"),
            order("c", "2026-10-31T12:00:00Z", 7.0, "paid"), // pre-period
            order("e", "2026-11-05T12:00:00Z", 8.0, "paid"))
        .write()
        .format("delta")
        .save(data.resolve("orders").toString());
    java.sql.Timestamp t = java.sql.Timestamp.from(ENROLLED);
    Map<String, String> ios = Map.of("platform", "ios");
    values =
        UnitMetrics.compute(
                spark,
                RunContext.of(conf, "t", Location.local(Path.of("unused")), Optional.empty()),
                List.of(a, b),
                Fixtures.rows(
                    spark,
                    "experiment STRING, version STRING, unit_key STRING, arm STRING,"
                        + " enrolled_ts TIMESTAMP, strata MAP<STRING,STRING>",
                    new Object[] {"exp_a", "1.0.0", "a", "control", t, ios},
                    new Object[] {"exp_a", "1.0.0", "b", "control", t, ios},
                    new Object[] {"exp_a", "1.0.0", "c", "treatment", t, ios},
                    new Object[] {"exp_a", "1.0.0", "d", "treatment", t, ios},
                    new Object[] {"exp_b", "1.0.0", "a", "control", t, ios},
                    new Object[] {"exp_b", "1.0.0", "e", "treatment", t, ios}),
                AS_OF,
                new Instant[] {ENROLLED, ENROLLED})
            .cache();
  }

  static Object[] order(String unit, String ts, double revenue, String status) {
    return new Object[] {unit, java.sql.Timestamp.from(Instant.parse(ts)), revenue, status};
  }

  static ExperimentDefinition listing(
      ExperimentDefinition c, String key, List<String> primary, List<String> secondary) {
    return new ExperimentDefinition(
        key,
        c.version(),
        c.owner(),
        c.hypothesis(),
        c.unit(),
        c.salt(),
        c.hash(),
        c.namespace(),
        c.holdout(),
        c.traffic(),
        c.arms(),
        c.control(),
        c.start(),
        c.end(),
        c.eligibility(),
        c.strata(),
        new MetricRefs(primary, secondary, List.of()),
        c.analysis(),
        c.sourceFile(),
        c.sha256(),
        c.armsLoggedAs());
  }

  @Test
  void percentileCapsArePooledOverArmsAndFixedCapsNeedNoData() {
    Map<MetricStats.CapKey, MetricStats.Caps> caps =
        MetricStats.caps(values, conf.catalog(), List.of(a, b));
    // exp_a's paid revenue per unit: a 10, b 2, c 4, d 0 (sorted 0, 2, 4, 10): the 0.75
    // percentile is the 3rd value, 4. Pre-period: a 1, b 0, c 7, d 0 (0, 0, 1, 7): 1.
    assertEquals(
        Map.of(
            new MetricStats.CapKey("exp_a", "1.0.0", CAPPED), new MetricStats.Caps(4.0, 1.0),
            new MetricStats.CapKey("exp_a", "1.0.0", "revenue_fixed_cap"),
                new MetricStats.Caps(6.0, null),
            new MetricStats.CapKey("exp_a", "1.0.0", "revenue_negative_cap"),
                new MetricStats.Caps(-1.0, null),
            new MetricStats.CapKey("exp_b", "1.0.0", "revenue_fixed_cap"),
                new MetricStats.Caps(6.0, null)),
        caps);
  }

  @Test
  void statsAreOfCappedValuesAndOnlyOfListedMetrics() {
    Map<MetricStats.CapKey, MetricStats.Caps> caps =
        MetricStats.caps(values, conf.catalog(), List.of(a, b));
    Map<String, Row> all = new HashMap<>();
    for (Row r :
        MetricStats.sufficientStats(values, caps)
            .filter(col("segment_key").equalTo("all"))
            .collectAsList()) {
      all.put(r.getAs("experiment") + "/" + r.getAs("metric") + "/" + r.getAs("arm"), r);
    }
    // 4 metrics × 2 arms for exp_a, 1 metric × 2 arms for exp_b.
    assertEquals(10, all.size(), all.keySet().toString());
    // Capped at 4 (pre-period at 1): control a 4 (p 1), b 2 (p 0); treatment c 4 (p 1), d 0.
    check(all.get("exp_a/" + CAPPED + "/control"), 2, 6, 20, 1.0, 1.0, 4.0);
    check(all.get("exp_a/" + CAPPED + "/treatment"), 2, 4, 16, 1.0, 1.0, 4.0);
    // Revenue: every order, uncapped, no pre-period: a 13, b 2; c 4, d 0.
    check(all.get("exp_a/Revenue/control"), 2, 15, 173, null, null, null);
    check(all.get("exp_a/Revenue/treatment"), 2, 4, 16, null, null, null);
    // Fixed cap 6: a 13 → 6, b 2; c 4, d 0. In exp_b: a 6; e 8 → 6.
    check(all.get("exp_a/revenue_fixed_cap/control"), 2, 8, 40, null, null, null);
    check(all.get("exp_a/revenue_fixed_cap/treatment"), 2, 4, 16, null, null, null);
    check(all.get("exp_b/revenue_fixed_cap/control"), 1, 6, 36, null, null, null);
    check(all.get("exp_b/revenue_fixed_cap/treatment"), 1, 6, 36, null, null, null);
    // Fixed cap -1, below every value, 0 included: a 13, b 2; c 4 and d, without orders, 0: each
    // unit's value is -1.
    check(all.get("exp_a/revenue_negative_cap/control"), 2, -2, 2, null, null, null);
    check(all.get("exp_a/revenue_negative_cap/treatment"), 2, -2, 2, null, null, null);
  }

  static void check(
      Row r, long n, double sumY, double sumY2, Double sumP, Double sumP2, Double sumYP) {
    assertEquals(n, r.<Long>getAs("n"), r.toString());
    assertEquals(sumY, r.<Double>getAs("sum_y"), 1e-12, r.toString());
    assertEquals(sumY2, r.<Double>getAs("sum_y2"), 1e-12, r.toString());
    if (sumP == null) {
      assertNull(r.getAs("sum_p"), r.toString());
      assertNull(r.getAs("sum_yp"), r.toString());
    } else {
      assertEquals(sumP, r.<Double>getAs("sum_p"), 1e-12, r.toString());
      assertEquals(sumP2, r.<Double>getAs("sum_p2"), 1e-12, r.toString());
      assertEquals(sumYP, r.<Double>getAs("sum_yp"), 1e-12, r.toString());
    }
    assertNull(r.getAs("sum_d"), r.toString());
  }
}
