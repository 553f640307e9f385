package io.assay.reconcile;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.assignment.Assigner;
import io.assay.assignment.AssignmentPlan;
import io.assay.assignment.Decision;
import io.assay.assignment.Status;
import io.assay.config.Conf;
import io.assay.config.ConfigLoader;
import io.assay.testing.Commands;
import io.assay.testing.Commands.Ran;
import io.assay.testing.Fixtures;
import io.assay.testing.SparkTest;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The worked example {@code conf/examples/growthbook/} end to end: its SDK payload imported as
 * definitions, then exposures written in the shape GrowthBook's trackingCallback lands them ({@code
 * user_id, experiment_id, variation_id, timestamp}, attribute columns; no event id, no version)
 * with injected faults — variations the rule would not serve, exact duplicate rows, units outside
 * the rule's coverage or targeting, a unit logged in the namespace slice of no experiment — are
 * reconciled through the example's column mapping to exactly the injected counts. What each unit
 * should see comes from the pure-Java assigner, which reproduces GrowthBook's published test
 * vectors bit for bit.
 */
@SparkTest
class GrowthBookExampleTest {
  static final Path EXAMPLE = Path.of("conf/examples/growthbook");
  static final StructType SHAPE =
      StructType.fromDDL(
          "user_id STRING, experiment_id STRING, variation_id STRING, `timestamp` TIMESTAMP,"
              + " country STRING, platform STRING, date DATE");

  @Test
  void theExampleReconcilesGrowthBookShapedExposuresToTheInjectedCounts(SparkSession spark) {
    Path conf = Fixtures.tempDir("gb-example-").resolve("conf");
    Fixtures.copyTree(EXAMPLE, conf);
    Ran imported =
        Commands.run(
            "import",
            "growthbook",
            "--conf",
            conf.toString(),
            "--features",
            conf.resolve("features.json").toString(),
            "--start",
            "2026-11-01",
            "--primary-metric",
            "conversion");
    assertEquals(0, imported.code(), imported.text());
    Ran lock = Commands.run("lock", "--conf", conf.toString());
    assertEquals(0, lock.code(), lock.text());
    Conf c = ConfigLoader.load(conf);
    AssignmentPlan cta = AssignmentPlan.of(c.resolve("checkout-cta"), c.assay());
    AssignmentPlan pricing = AssignmentPlan.of(c.resolve("pricing-layout"), c.assay());

    List<Row> rows = new ArrayList<>();
    Map<String, Long> injected = new TreeMap<>();
    String[] countries = {"US", "CA", "DE"};
    String[] platforms = {"ios", "android", "web", "bot"};
    int wrong = 0;
    int outsideCoverage = 0;
    int notTargeted = 0;
    int outsideSlice = 0;
    int duplicates = 0;
    for (int i = 0; i < 3000; i++) {
      String unit = "u" + i;
      String country = countries[i % 3];
      String platform = platforms[(i / 3) % 4];
      Map<String, String> attrs = Map.of("id", unit, "country", country, "platform", platform);
      String day = i % 2 == 0 ? "2026-11-02" : "2026-11-03";
      Instant at = Instant.parse(day + "T12:00:00Z").plusSeconds(i);
      Decision d = Assigner.decide(cta, unit, attrs, at);
      String logged = null;
      if (d.status() == Status.ASSIGNED) {
        logged = d.arm();
        if (wrong < 40 && i % 7 == 0) { // the SDK served the other variation
          logged = d.arm().equals("0") ? "1" : "0";
          wrong++;
          count(injected, "checkout-cta wrong_arm");
        } else {
          count(injected, "checkout-cta match");
        }
      } else if (d.status() == Status.NOT_IN_TRAFFIC && outsideCoverage < 30) {
        logged = "0"; // logged although outside the 80% coverage
        outsideCoverage++;
        count(injected, "checkout-cta not_in_traffic");
      } else if (d.status() == Status.NOT_ELIGIBLE && notTargeted < 20) {
        logged = "1"; // logged although the condition excludes the unit (DE, or a bot)
        notTargeted++;
        count(injected, "checkout-cta not_eligible");
      }
      if (logged != null) {
        rows.add(row(unit, "checkout-cta", logged, at, country, platform, day));
        if (duplicates < 25 && i % 11 == 0) { // the tracking call fired twice: an exact copy
          rows.add(row(unit, "checkout-cta", logged, at, country, platform, day));
          duplicates++;
        }
      }
      Decision p = Assigner.decide(pricing, unit, attrs, at.plusSeconds(5));
      if (p.status() == Status.ASSIGNED) {
        rows.add(row(unit, "pricing-layout", p.arm(), at.plusSeconds(5), country, platform, day));
        count(injected, "pricing-layout match");
      } else if (p.status() == Status.NOT_IN_NAMESPACE && outsideSlice < 15) {
        rows.add(row(unit, "pricing-layout", "2", at.plusSeconds(5), country, platform, day));
        outsideSlice++;
        count(injected, "pricing-layout namespace_conflict");
      }
    }
    assertTrue(wrong == 40 && outsideCoverage == 30 && notTargeted == 20, injected.toString());
    assertTrue(outsideSlice == 15 && duplicates == 25, injected.toString());
    spark
        .createDataFrame(rows, SHAPE)
        .repartition(2)
        .write()
        .partitionBy("date")
        .parquet(conf.resolve("data/experiment_viewed").toString());

    Ran reconcile =
        Commands.run(
            "reconcile", "--conf", conf.toString(), "--from", "2026-11-02", "--to", "2026-11-03");
    assertEquals(0, reconcile.code(), reconcile.text());

    Path out = conf.resolve("data/out");
    Map<String, Long> found = new TreeMap<>();
    for (Row r :
        spark
            .read()
            .format("delta")
            .load(out.resolve("reconciliation_summary").toString())
            .filter(col("category").notEqual("multiple_arms"))
            .groupBy("experiment", "category")
            .agg(sum("exposures"))
            .collectAsList()) {
      found.put(r.getString(0) + " " + r.getString(1), r.getLong(2));
    }
    assertEquals(injected, found);
    Row ingest =
        spark
            .read()
            .format("delta")
            .load(out.resolve("ingest_summary").toString())
            .agg(sum("input_rows"), sum("duplicate_rows"), sum("quarantined_rows"))
            .first();
    assertEquals(rows.size(), ingest.getLong(0));
    assertEquals(duplicates, ingest.getLong(1));
    assertEquals(0L, ingest.getLong(2));
  }

  private static void count(Map<String, Long> counts, String key) {
    counts.merge(key, 1L, Long::sum);
  }

  private static Row row(
      String unit,
      String experiment,
      String variation,
      Instant at,
      String country,
      String platform,
      String day) {
    return RowFactory.create(
        unit,
        experiment,
        variation,
        Timestamp.from(at),
        country,
        platform,
        java.sql.Date.valueOf(day));
  }
}
