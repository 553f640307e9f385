package io.assay.generate;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.assignment.Assigner;
import io.assay.assignment.AssignmentPlan;
import io.assay.assignment.Decision;
import io.assay.assignment.Status;
import io.assay.config.Conf;
import io.assay.config.ConfigLoader;
import io.assay.pipeline.Definitions;
import io.assay.testing.Fixtures;
import io.assay.testing.SparkTest;
import io.assay.testing.TestConf;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The online system decides each visit only for its candidate experiments: every experiment outside
 * a namespace, and per namespace the slices that hold the unit plus the next one. Checked against
 * the pure-Java assigner deciding every visit for every served experiment: the candidates are
 * exactly the experiments the unit is not excluded from by namespace, plus one per namespace with
 * more than one slice, and every decision equals the assigner's.
 */
@SparkTest
class OnlineSystemTest {
  private static final String DDL =
      "unit_id STRING, attributes MAP<STRING, STRING>, ts TIMESTAMP, visit INT";

  @Test
  void manyExperimentsInLayersAreDecidedOnlyWhereTheUnitCanBe(SparkSession spark) {
    Path dir = Fixtures.tempDir("online-scale-").resolve("conf");
    ScaleConfiguration.write(dir, 13, 9);
    Conf c = Definitions.load(dir, ConfigLoader.LockMode.ALLOW_NEW);
    OnlineSystem online = OnlineSystem.of(c);
    assertEquals(5, online.maxEnrollments());
    check(spark, c, online, Map.of("platform", "web", "country", "US"));
  }

  @Test
  void theExampleConfigurationKeepsEveryExperiment(SparkSession spark) {
    Conf c = Definitions.load(TestConf.PROJECT_CONF);
    OnlineSystem online = OnlineSystem.of(c);
    // Four experiments outside a namespace, and one at a time of the two in "growth".
    assertEquals(5, online.maxEnrollments());
    check(
        spark, c, online, Map.of("platform", "android", "country", "US", "account_age_days", "30"));
  }

  private static void check(
      SparkSession spark, Conf c, OnlineSystem online, Map<String, String> attributes) {
    Instant at = Instant.parse("2026-11-04T10:00:00Z");
    List<Object[]> rows = new ArrayList<>();
    for (int u = 0; u < 600; u++) {
      rows.add(new Object[] {"u" + u, attributes, Timestamp.from(at), u});
    }
    Dataset<Row> visits = Fixtures.rows(spark, DDL, rows.toArray(Object[][]::new));
    List<Row> decided =
        online
            .decide(visits, col("unit_id"), col("attributes"), col("ts"))
            .select(
                col("visit"),
                col(OnlineSystem.EXPERIMENT),
                col(OnlineSystem.VERSION),
                col(OnlineSystem.DECISION + ".status"),
                col(OnlineSystem.DECISION + ".arm"))
            .collectAsList();
    Map<String, AssignmentPlan> plans = new TreeMap<>();
    online.plans().forEach(p -> plans.put(p.definition().key(), p));
    Map<Integer, Set<String>> candidates = new HashMap<>();
    for (Row r : decided) {
      AssignmentPlan p = plans.get(r.getString(1));
      assertEquals(p.definition().version().toString(), r.getString(2));
      Decision d = Assigner.decide(p, "u" + r.getInt(0), attributes, at);
      assertEquals(d.status().code(), r.getString(3), "u" + r.getInt(0) + " " + r.getString(1));
      assertEquals(d.arm(), r.getString(4));
      assertTrue(candidates.computeIfAbsent(r.getInt(0), k -> new TreeSet<>()).add(r.getString(1)));
    }
    Map<String, Integer> slices = new HashMap<>();
    online
        .plans()
        .forEach(p -> p.namespace().ifPresent(n -> slices.merge(n.name(), 1, Integer::sum)));
    for (int u = 0; u < 600; u++) {
      Set<String> in = new TreeSet<>();
      Map<String, Integer> outOfSlice = new HashMap<>();
      for (String candidate : candidates.getOrDefault(u, Set.of())) {
        AssignmentPlan p = plans.get(candidate);
        if (Assigner.decide(p, "u" + u, attributes, at).status() == Status.NOT_IN_NAMESPACE) {
          outOfSlice.merge(p.namespace().orElseThrow().name(), 1, Integer::sum);
        } else {
          in.add(candidate);
        }
      }
      Set<String> expected = new TreeSet<>();
      for (AssignmentPlan p : online.plans()) {
        if (Assigner.decide(p, "u" + u, attributes, at).status() != Status.NOT_IN_NAMESPACE) {
          expected.add(p.definition().key());
        }
      }
      assertEquals(expected, in, "u" + u + ": candidates outside no slice");
      Map<String, Integer> oneEach = new HashMap<>();
      slices.forEach(
          (ns, n) -> {
            if (n > 1) {
              oneEach.put(ns, 1);
            }
          });
      assertEquals(oneEach, outOfSlice, "u" + u + ": one out-of-slice candidate per namespace");
    }
  }
}
