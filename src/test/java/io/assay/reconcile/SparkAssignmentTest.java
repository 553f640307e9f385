package io.assay.reconcile;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.assignment.Assigner;
import io.assay.assignment.AssignmentPlan;
import io.assay.assignment.Decision;
import io.assay.assignment.Status;
import io.assay.config.Conf;
import io.assay.config.ConfigLoader;
import io.assay.config.DefinitionLock;
import io.assay.testing.SparkTest;
import io.assay.testing.TestConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Spark twin computes exactly the pure-Java decision — status, arm and hash position — for 1M
 * generated units and every scheme (native, GrowthBook v1 and v2, PlanOut), across ramps,
 * namespaces, a holdout, eligibility rules and instants inside and outside the window.
 */
@SparkTest
class SparkAssignmentTest {
  static final int UNITS = 1_000_000;
  static Conf conf;

  @BeforeAll
  static void definitions() throws Exception {
    Path dir = TestConf.copy();
    Files.delete(dir.resolve(DefinitionLock.FILE_NAME));
    Path site = dir.resolve("assay.yaml");
    Files.writeString(
        site, Files.readString(site).replace("namespaces:\n", "namespaces:\n  - name: gbns\n"));
    TestConf.write(
        dir,
        "experiments/gb_v1_ns/1.0.0.yaml",
        """
        key: gb_v1_ns
        version: 1.0.0
        owner: qa
        hypothesis: GrowthBook v1 hashing with a namespace and a ramp
        hash: growthbook_v1
        salt: gb-seed-1
        namespace: {name: gbns, range: [0.3, 0.9]}
        start: 2026-11-01T00:00:00Z
        end: 2026-11-15T00:00:00Z
        ramp:
          - {at: 2026-11-01T00:00:00Z, traffic: 0.2}
          - {at: 2026-11-05T00:00:00Z, traffic: 0.7}
        arms:
          - {key: a, weight: 0.2}
          - {key: b, weight: 0.3}
          - {key: c, weight: 0.5}
        control: a
        eligibility: {attribute: platform, not_in: [web]}
        strata: [platform]
        metrics: {primary: [conversion]}
        """);
    TestConf.write(
        dir,
        "experiments/planout_exp/1.0.0.yaml",
        """
        key: planout_exp
        version: 1.0.0
        owner: qa
        hypothesis: PlanOut WeightedChoice with uneven weights and a holdout
        hash: planout
        salt: planout_exp.arm
        holdout: holdout_2026h2
        start: 2026-11-01T00:00:00Z
        end: 2026-11-15T00:00:00Z
        arms:
          - {key: control, weight: 0.6}
          - {key: t1, weight: 0.25}
          - {key: t2, weight: 0.15}
        control: control
        eligibility: {any: [{attribute: account_age_days, lt: 10.5}, {attribute: country, in: [US]}]}
        strata: [country]
        metrics: {primary: [conversion]}
        """);
    conf = ConfigLoader.load(dir);
  }

  /** 1M units with attributes and instants spread over (and beyond) the experiment window. */
  static Dataset<Row> units(SparkSession spark) {
    Column id = col("id");
    Column unit =
        when(pmod(id, lit(997)).equalTo(0), concat(lit("ü-用户-"), id.cast("string")))
            .when(pmod(id, lit(991)).equalTo(0), concat(lit("😀"), id.cast("string")))
            .otherwise(concat(lit("u"), id.cast("string")));
    Column country =
        element_at(
            array(lit("US"), lit("CA"), lit("GB"), lit("DE"), lit("FR"), lit("BR"), lit("IN")),
            pmod(id, lit(7)).plus(1).cast("int"));
    Column platform =
        element_at(
            array(lit("ios"), lit("android"), lit("web"), lit("tv")),
            pmod(id.divide(7).cast("long"), lit(4)).plus(1).cast("int"));
    Column age =
        when(pmod(id, lit(13)).equalTo(0), lit("abc"))
            .when(pmod(id, lit(17)).equalTo(0), lit("1e1"))
            .otherwise(pmod(id, lit(40)).cast("string"));
    // 2026-10-31T00:00Z .. 2026-11-16T00:00Z: starts a day before and ends a day after the window.
    long from = 1793404800L;
    Column ts = timestamp_seconds(lit(from).plus(pmod(id.multiply(7919L), lit(16L * 86400))));
    Column attrs =
        map(lit("country"), country, lit("platform"), platform, lit("account_age_days"), age);
    return spark.range(UNITS).select(unit.as("unit_id"), attrs.as("attributes"), ts.as("ts"));
  }

  @Test
  void javaAndSparkAgreeOnAMillionUnitsForEveryScheme(SparkSession spark) {
    List<AssignmentPlan> plans = new ArrayList<>();
    conf.experiments().forEach(d -> plans.add(AssignmentPlan.of(d, conf.assay())));
    assertTrue(plans.size() >= 7);
    Dataset<Row> decided = units(spark);
    for (AssignmentPlan p : plans) {
      decided =
          SparkAssignment.withDecision(
              decided, p, col("unit_id"), col("attributes"), col("ts"), p.definition().key());
    }

    // Compare in the executors (both cores), each partition re-resolving the same conf directory.
    // Each partition returns its disagreements and its tally of Java statuses per experiment.
    String confDir = conf.dir().toString();
    List<String> lines =
        decided
            .mapPartitions(
                (MapPartitionsFunction<Row, String>) rows -> compare(confDir, rows),
                Encoders.STRING())
            .collectAsList();
    List<String> mismatches = lines.stream().filter(l -> !l.startsWith("tally ")).toList();
    assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));

    // The data exercises every branch: each experiment assigns units and excludes some by window;
    // the namespace, holdout, eligibility and traffic exclusions all occur somewhere.
    Map<String, Map<String, Long>> tally = new TreeMap<>();
    for (String l : lines) {
      if (l.startsWith("tally ")) {
        String[] f = l.split(" ");
        tally
            .computeIfAbsent(f[1], k -> new TreeMap<>())
            .merge(f[2], Long.parseLong(f[3]), Long::sum);
      }
    }
    long total =
        tally.values().iterator().next().values().stream().mapToLong(Long::longValue).sum();
    assertEquals(UNITS, total);
    for (var e : tally.entrySet()) {
      assertTrue(e.getValue().getOrDefault("assigned", 0L) > 10_000, e.toString());
      assertTrue(e.getValue().getOrDefault("outside_window", 0L) > 10_000, e.toString());
    }
    for (Status s : Status.values()) {
      assertTrue(
          tally.values().stream().anyMatch(m -> m.getOrDefault(s.code(), 0L) > 1000),
          s + " never occurs: " + tally);
    }
  }

  /** Re-decides each row with the pure-Java assigner; returns a line per disagreement. */
  static Iterator<String> compare(String confDir, Iterator<Row> rows) {
    Conf c = ConfigLoader.load(Path.of(confDir));
    List<AssignmentPlan> plans =
        c.experiments().stream().map(d -> AssignmentPlan.of(d, c.assay())).toList();
    List<String> out = new ArrayList<>();
    Map<String, Long> tally = new TreeMap<>();
    while (rows.hasNext()) {
      Row r = rows.next();
      String unit = r.getString(0);
      Map<String, String> attrs = r.getJavaMap(1);
      java.time.Instant at = r.getTimestamp(2).toInstant();
      for (int i = 0; i < plans.size(); i++) {
        AssignmentPlan p = plans.get(i);
        Decision j = Assigner.decide(p, unit, attrs, at);
        Row s = r.getStruct(3 + i);
        boolean same =
            j.status().code().equals(s.getString(0))
                && java.util.Objects.equals(j.arm(), s.isNullAt(1) ? null : s.getString(1))
                && (j.position() == null
                    || (j.position() == s.getDouble(2) && j.traffic() == s.getDouble(3)));
        tally.merge(p.definition().key() + " " + j.status().code(), 1L, Long::sum);
        if (!same && out.size() < 20) {
          out.add(
              p.definition().id()
                  + " unit "
                  + unit
                  + " at "
                  + at
                  + " "
                  + attrs
                  + ": java "
                  + j
                  + " spark "
                  + s);
        }
      }
    }
    tally.forEach((k, v) -> out.add("tally " + k + " " + v));
    return out.iterator();
  }

  @Test
  void nativeSchemeAndPlanOutRunWithoutUdfsGrowthBookNeedsOne(SparkSession spark) {
    for (AssignmentPlan p :
        conf.experiments().stream().map(d -> AssignmentPlan.of(d, conf.assay())).toList()) {
      String plan =
          SparkAssignment.withDecision(
                  units(spark), p, col("unit_id"), col("attributes"), col("ts"), "d")
              .queryExecution()
              .executedPlan()
              .toString();
      boolean udf = plan.contains("UDF");
      switch (p.scheme()) {
        case NATIVE, PLANOUT -> assertFalse(udf, p.definition().id() + ":\n" + plan);
        default -> assertTrue(udf, p.definition().id() + " (the check must be able to fail)");
      }
    }
  }
}
