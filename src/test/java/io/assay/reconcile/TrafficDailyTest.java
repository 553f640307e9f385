package io.assay.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.assay.assignment.Assigner;
import io.assay.assignment.AssignmentPlan;
import io.assay.assignment.Decision;
import io.assay.assignment.Status;
import io.assay.config.Conf;
import io.assay.config.ConfigLoader;
import io.assay.config.ExperimentDefinition;
import io.assay.generate.ScaleConfiguration;
import io.assay.pipeline.Definitions;
import io.assay.testing.Fixtures;
import io.assay.testing.SparkTest;
import io.assay.testing.TestConf;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The exposure-share inputs decide each unit-day only for its candidate definitions (those whose
 * namespace slice holds the unit). Checked against the pure-Java assigner deciding every unit-day
 * for every definition: units seen, eligible and assigned units, the mean intended traffic and the
 * logged units of every date and definition, with namespaces of 2 to 3 slices and without.
 */
@SparkTest
class TrafficDailyTest {
  private static final String DDL =
      "date DATE, unit_id STRING, event_ts TIMESTAMP, attributes MAP<STRING, STRING>,"
          + " event_id STRING, experiment STRING, version STRING";

  @Test
  void layersOfManyExperiments(SparkSession spark) {
    Path dir = Fixtures.tempDir("traffic-scale-").resolve("conf");
    ScaleConfiguration.write(dir, 13, 9);
    check(spark, Definitions.load(dir, ConfigLoader.LockMode.ALLOW_NEW));
  }

  @Test
  void theExampleConfiguration(SparkSession spark) {
    check(spark, Definitions.load(TestConf.PROJECT_CONF));
  }

  private static void check(SparkSession spark, Conf c) {
    List<ExperimentDefinition> defs = c.experiments();
    String[] platforms = {"ios", "android", "web"};
    String[] countries = {"US", "JP", "DE"};
    List<Object[]> rows = new ArrayList<>();
    // Per date and unit: the attributes and instant of its first row (by time, then event id).
    Map<String, Map<String, Object[]>> first = new HashMap<>();
    Map<String, Map<String, Integer>> logged = new HashMap<>();
    for (String date : List.of("2026-11-02", "2026-11-05")) {
      for (int u = 0; u < 400; u++) {
        if ((u + date.hashCode()) % 7 == 0) {
          continue; // not seen that day
        }
        Map<String, String> attrs =
            Map.of(
                "platform", platforms[u % 3],
                "country", countries[(u / 3) % 3],
                "account_age_days", String.valueOf(u % 5));
        Instant at = Instant.parse(date + "T10:00:00Z").plusSeconds(37L * u);
        ExperimentDefinition d = defs.get(u % defs.size());
        rows.add(
            new Object[] {
              Date.valueOf(date),
              "u" + u,
              Timestamp.from(at),
              attrs,
              "e" + u + date,
              d.key(),
              d.version().toString()
            });
        // A later row of the unit: not its first, logged in another experiment.
        ExperimentDefinition other = defs.get((u + 1) % defs.size());
        rows.add(
            new Object[] {
              Date.valueOf(date),
              "u" + u,
              Timestamp.from(at.plusSeconds(60)),
              Map.of("platform", "web", "country", "GB"),
              "f" + u + date,
              other.key(),
              other.version().toString()
            });
        first.computeIfAbsent(date, k -> new HashMap<>()).put("u" + u, new Object[] {attrs, at});
        logged.computeIfAbsent(date, k -> new HashMap<>()).merge(d.id(), 1, Integer::sum);
        if (!other.id().equals(d.id())) {
          logged.get(date).merge(other.id(), 1, Integer::sum);
        }
      }
    }
    List<Row> out =
        TrafficDaily.compute(
                Fixtures.rows(spark, DDL, rows.toArray(Object[][]::new)), defs, c.assay())
            .collectAsList();
    assertEquals(2 * defs.size(), out.size(), "one row per date and definition");
    for (Row r : out) {
      String date = r.getAs("date").toString();
      ExperimentDefinition d = c.resolve(r.getAs("experiment") + "@" + r.getAs("version"));
      AssignmentPlan plan = AssignmentPlan.of(d, c.assay());
      long eligible = 0;
      long assigned = 0;
      double traffic = 0;
      for (var unit : first.get(date).entrySet()) {
        @SuppressWarnings("unchecked")
        Map<String, String> attrs = (Map<String, String>) unit.getValue()[0];
        Decision x = Assigner.decide(plan, unit.getKey(), attrs, (Instant) unit.getValue()[1]);
        if (x.status() == Status.ASSIGNED || x.status() == Status.NOT_IN_TRAFFIC) {
          eligible++;
          traffic += x.traffic();
        }
        if (x.status() == Status.ASSIGNED) {
          assigned++;
        }
      }
      String what = date + " " + d.id();
      assertEquals((long) first.get(date).size(), r.<Long>getAs("units_seen"), what);
      assertEquals(eligible, r.<Long>getAs("eligible_units"), what);
      assertEquals(assigned, r.<Long>getAs("assigned_units"), what);
      if (eligible == 0) {
        assertNull(r.getAs("intended_traffic"), what);
      } else {
        assertEquals(traffic / eligible, r.<Double>getAs("intended_traffic"), 1e-12, what);
      }
      assertEquals(
          (long) logged.get(date).getOrDefault(d.id(), 0), r.<Long>getAs("logged_units"), what);
    }
  }
}
