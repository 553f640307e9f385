package io.assay.balance;

import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.config.Conf;
import io.assay.io.DeltaTables;
import io.assay.testing.Fixtures;
import io.assay.testing.JobCounter;
import io.assay.testing.SparkTest;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.junit.jupiter.api.Test;

/** Every slice, covariate and level count comes from one scan of enrollments and one action. */
@SparkTest
class BalanceAggregationTest {

  @Test
  void onePassOverEnrollments(SparkSession spark) throws Exception {
    Conf conf = BalanceFixture.conf();
    Path out = Fixtures.tempDir("balance-agg-");
    BalanceFixture.write(spark, out);
    // The fixture's units twice: as balance_fixture and as checkout_button (same arm names).
    Dataset<Row> fixture = spark.read().format("delta").load(out.resolve("enrollments").toString());
    DeltaTables.overwrite(
        fixture.unionByName(fixture.withColumn("experiment", lit("checkout_button"))),
        io.assay.config.Location.local(out.resolve("enrollments2")),
        List.of());
    Dataset<Row> enrollments =
        spark.read().format("delta").load(out.resolve("enrollments2").toString());
    Dataset<Row> plan =
        BalanceAggregation.plan(
            enrollments, conf.experiments(), conf.assay().balance(), LocalDate.parse("2026-11-03"));

    // One relation read in the optimized plan: the enrollments table, once.
    LogicalPlan optimized = plan.queryExecution().optimizedPlan();
    assertEquals(1, optimized.collectLeaves().size(), optimized.toString());

    // One action for both experiment versions and all their slices and covariates: one job per
    // stage of the single query (two shuffles under adaptive execution, plus the result stage).
    List<Map<String, BalanceCounts>> collected = new ArrayList<>();
    int jobs = JobCounter.count(spark, () -> collected.add(BalanceAggregation.collect(plan)));
    assertTrue(jobs <= 3, jobs + " jobs");
    assertEquals(
        List.of("balance_fixture@1.0.0", "checkout_button@1.0.0"),
        List.copyOf(collected.get(0).keySet()));
    BalanceCounts c = collected.get(0).get("balance_fixture@1.0.0");
    assertEquals(c, collected.get(0).get("checkout_button@1.0.0"));
    assertEquals(Map.of("control", 255L, "big_button", 195L), c.slices().get(Slice.OVERALL));
    assertEquals(List.of("score"), List.copyOf(c.numeric().keySet()));
    assertEquals(
        List.of("country", "platform", "tier", "visits"), List.copyOf(c.levels().keySet()));
    assertEquals(List.of("city"), List.copyOf(c.tooManyLevels().keySet()));
  }
}
