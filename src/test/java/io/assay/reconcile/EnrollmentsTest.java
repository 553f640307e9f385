package io.assay.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.testing.SparkTest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ties in time are broken by data, not by the order rows arrive in: the same exposures in either
 * order give the same enrollment state. Expected values are read off the hand-written rows.
 */
@SparkTest
class EnrollmentsTest {
  /** One enrollment_days row; a null {@code assignedArm} means no assigned exposure that day. */
  private static String day(
      String unit, String date, String arm, String ts, String source, String assignedArm) {
    String at = "TIMESTAMP'" + ts + "'";
    String attrs = "map('source', '" + source + "')";
    String assigned =
        assignedArm == null
            ? "CAST(NULL AS STRUCT<ts: TIMESTAMP, arm: STRING, attributes: MAP<STRING, STRING>,"
                + " source: STRING>)"
            : "named_struct('ts', "
                + at
                + ", 'arm', '"
                + assignedArm
                + "', 'attributes', "
                + attrs
                + ", 'source', '"
                + source
                + "')";
    return String.format(
        "SELECT 'exp' AS experiment, '1.0.0' AS version, DATE'%s' AS date, '%s' AS logged_arm,"
            + " '%s' AS unit_key, %s AS first_ts, 1L AS exposures, 0L AS mismatched_exposures,"
            + " named_struct('ts', %s, 'category', '%s', 'attributes', %s, 'source', '%s') AS"
            + " first, %s AS first_assigned",
        date,
        arm,
        unit,
        at,
        at,
        assignedArm == null ? "not_eligible" : "match",
        attrs,
        source,
        assigned);
  }

  /** The rows, unioned in the given order, in one partition so that the order is kept. */
  private static Dataset<Row> rows(SparkSession spark, List<String> selects, boolean reversed) {
    List<String> ordered = new ArrayList<>(selects);
    if (reversed) {
      Collections.reverse(ordered);
    }
    return spark.sql(String.join(" UNION ALL ", ordered)).coalesce(1);
  }

  private static Row unit(Dataset<Row> enrollments, String unit) {
    List<Row> found = enrollments.filter("unit_key = '" + unit + "'").collectAsList();
    assertEquals(1, found.size(), unit);
    return found.get(0);
  }

  @ParameterizedTest(name = "rows reversed: {0}")
  @ValueSource(booleans = {false, true})
  void twoArmsLoggedAtTheSameInstantResolveByArmName(boolean reversed, SparkSession spark) {
    List<String> days =
        List.of(
            // both arms first logged at 10:00 on the same day, then one more day in control
            day("u1", "2026-11-02", "control", "2026-11-02 10:00:00", "src-control", "control"),
            day("u1", "2026-11-02", "big_button", "2026-11-02 10:00:00", "src-big", "control"),
            day("u1", "2026-11-03", "control", "2026-11-03 08:00:00", "src-later", "control"),
            // the first exposure is not assigned; the assigned one comes a day later
            day("u2", "2026-11-02", "control", "2026-11-02 09:00:00", "src-early", null),
            day("u2", "2026-11-03", "control", "2026-11-03 09:00:00", "src-assigned", "control"));
    Dataset<Row> e =
        Enrollments.fromDays(rows(spark, days, reversed), List.of(), "exclude").cache();

    Row u1 = unit(e, "u1");
    assertEquals("big_button", u1.getAs("first_logged_arm"), "first arm by name at the tie");
    assertEquals("src-big", u1.getAs("source"), "attributes of the tie's first arm");
    assertEquals(
        (Object) u1.getAs("first_exposure_ts"),
        u1.getAs("multiple_arms_since"),
        "the second arm appeared at the first exposure");
    assertEquals(List.of("big_button", "control"), u1.getList(u1.fieldIndex("logged_arms")));
    assertTrue(u1.<Boolean>getAs("excluded"));
    assertEquals(3L, u1.<Long>getAs("exposures"));

    Row u2 = unit(e, "u2");
    assertEquals("not_eligible", u2.getAs("first_category"));
    assertEquals("2026-11-03", u2.getAs("enrolled_date").toString(), "a day without assignment");
    assertEquals("src-assigned", u2.getAs("source"));
    assertNull(u2.getAs("multiple_arms_since"));
  }

  @ParameterizedTest(name = "rows reversed: {0}")
  @ValueSource(booleans = {false, true})
  void exposuresAtTheSameInstantResolveByEventId(boolean reversed, SparkSession spark) {
    String exposure =
        "SELECT TIMESTAMP'2026-11-02 10:00:00' AS event_ts, '%s' AS event_id, 'match' AS"
            + " category, map('k', '%s') AS attributes, '%s' AS source, 'control' AS"
            + " recomputed_arm, 'u1' AS unit_id, 'exp' AS experiment, '1.0.0' AS version,"
            + " DATE'2026-11-02' AS date, 'control' AS arm";
    List<String> exposures =
        List.of(
            String.format(exposure, "e-2", "second", "src-second"),
            String.format(exposure, "e-1", "first", "src-first"));
    List<Row> days =
        Enrollments.days(rows(spark, exposures, reversed), Optional.empty()).collectAsList();
    assertEquals(1, days.size());
    Row d = days.get(0);
    assertEquals(2L, d.<Long>getAs("exposures"));
    assertEquals("src-first", d.<Row>getAs("first").getAs("source"));
    assertEquals("src-first", d.<Row>getAs("first_assigned").getAs("source"));
  }
}
