package io.assay.metrics;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.config.Conf;
import io.assay.testing.SparkTest;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The analysis stage end to end on data whose answer is published: R's {@code sleep} data as the
 * per-unit values of a mean metric. R 4.x, {@code t.test(extra ~ group, data = sleep)} prints t =
 * -1.8608, df = 17.776, p-value = 0.07939, 95% CI of mean(group 1) − mean(group 2) [-3.3654832,
 * 0.2054832], means 0.75 and 2.33. With group 1 as control, assay reports the treatment − control
 * difference: 1.58 with CI [-0.2054832, 3.3654832].
 */
@SparkTest
class AnalyzeJobTest {
  static Conf conf;
  static Path out;

  @BeforeAll
  static void world(SparkSession spark) throws Exception {
    SleepWorld w = SleepWorld.build(spark);
    conf = w.conf();
    out = w.out();
  }

  static Row result(SparkSession spark, String metric, String segmentKey, String segmentValue) {
    return spark
        .read()
        .format("delta")
        .load(out.resolve("metric_results").toString())
        .filter(
            col("metric")
                .equalTo(metric)
                .and(col("segment_key").equalTo(segmentKey))
                .and(col("segment_value").equalTo(segmentValue)))
        .first();
  }

  @Test
  void welchOnTheSleepDataMatchesR(SparkSession spark) {
    Row r = result(spark, "revenue", "all", "all");
    assertEquals("group2", r.getAs("arm"));
    assertEquals(10L, (long) r.<Long>getAs("n_control"));
    assertEquals(0.75, r.<Double>getAs("estimate_control"), 1e-12);
    assertEquals(2.33, r.<Double>getAs("estimate_treatment"), 1e-12);
    assertEquals(1.58, r.<Double>getAs("effect"), 1e-12);
    assertEquals(-0.2054832, r.<Double>getAs("ci_lower"), 5e-8);
    assertEquals(3.3654832, r.<Double>getAs("ci_upper"), 5e-8);
    assertEquals(0.07939, r.<Double>getAs("p_value"), 5e-6);
    assertEquals(17.776, r.<Double>getAs("df"), 5e-4);
    // One primary metric × one treatment arm: Holm leaves the p-value unchanged.
    assertEquals(r.<Double>getAs("p_value"), r.<Double>getAs("p_value_adjusted"), 1e-15);
    assertEquals(Boolean.FALSE, r.getAs("cuped"));
    assertNull(r.getAs("estimate_control_adjusted"), "no CUPED, no adjusted estimate");
    assertNull(r.getAs("estimate_treatment_adjusted"));
    assertEquals(Boolean.FALSE, r.getAs("suppressed"));
  }

  @Test
  void smallSegmentsAreSuppressedAndBinomialsAreZeroFilled(SparkSession spark) {
    // 5 units per arm per platform, below min_cell_size 6: nothing but the existence is shown.
    Row ios = result(spark, "revenue", "platform", "ios");
    assertTrue(ios.<Boolean>getAs("suppressed"));
    assertNull(ios.getAs("effect"));
    assertNull(ios.getAs("n_control"));
    assertNull(ios.getAs("p_value_adjusted"));
    // Every unit has an order: conversion 10/10 in both arms, a zero-variance comparison.
    Row conv = result(spark, "conversion", "all", "all");
    assertEquals(1.0, conv.<Double>getAs("estimate_control"), 0.0);
    assertEquals(1.0, conv.<Double>getAs("estimate_treatment"), 0.0);
    assertEquals("zero_variance", conv.getAs("error"));
    // One crash among the 10 control units, none in treatment.
    Row crash = result(spark, "crash_rate", "all", "all");
    assertEquals(0.1, crash.<Double>getAs("estimate_control"), 1e-12);
    assertEquals(0.0, crash.<Double>getAs("estimate_treatment"), 0.0);
  }

  @Test
  void theCumulativeSeriesEndsAtTheWholeExperimentResult(SparkSession spark) {
    // Every unit enrolled on 2026-11-02: one point, equal to the whole-experiment comparison.
    Row through = result(spark, "revenue", "enrolled_through", "2026-11-02");
    assertEquals(1.58, through.<Double>getAs("effect"), 1e-12);
    assertEquals(0.07939, through.<Double>getAs("p_value"), 5e-6);
    assertNull(through.getAs("p_value_adjusted"));
  }

  @Test
  void preperiodValuesJoinTheCovariateBalance(SparkSession spark) {
    Row r =
        spark
            .read()
            .format("delta")
            .load(out.resolve("covariate_balance").toString())
            .filter(col("covariate_kind").equalTo("pre_period_metric"))
            .first();
    assertEquals("revenue [-14d, 0d)", r.getAs("covariate"));
    assertEquals(10L, (long) r.<Long>getAs("n_arm"));
    // No unit has pre-period revenue: both arms are constant, so the SMD is undefined, not 0.
    assertNull(r.getAs("smd"));
    assertEquals("zero_variance", r.getAs("skipped_reason"));
  }

  @Test
  void aDecisionIsWrittenPerTreatmentArm(SparkSession spark) {
    List<Row> d =
        spark
            .read()
            .format("delta")
            .load(out.resolve("experiment_decisions").toString())
            .collectAsList();
    assertEquals(1, d.size());
    Row row = d.get(0);
    assertEquals("group2", row.getAs("arm"));
    assertEquals(20L, (long) row.<Long>getAs("enrolled_units"));
    // p = 0.079 > 0.05 and the experiment has ended by 11-14: no win.
    assertEquals("dont_ship", row.getAs("decision"));
    // No primary metric has a target MDE: the end stands in for the plan.
    assertEquals(Boolean.TRUE, row.getAs("planned_sample_reached"));
  }
}
