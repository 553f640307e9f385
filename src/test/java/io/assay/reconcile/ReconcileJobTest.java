package io.assay.reconcile;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.assignment.Assigner;
import io.assay.assignment.AssignmentPlan;
import io.assay.assignment.Decision;
import io.assay.assignment.Status;
import io.assay.cli.Main;
import io.assay.config.Conf;
import io.assay.config.ConfigLoader;
import io.assay.config.DefinitionLock;
import io.assay.io.RunContext;
import io.assay.testing.Fixtures;
import io.assay.testing.SparkTest;
import io.assay.testing.TestConf;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Reconciliation on hand-built logs whose every line has a known fate: each category, each
 * quarantine reason, duplicates within and across partitions, a late event and a unit logged in two
 * arms. Expected arms come from the pure-Java assigner (pinned to published vectors); expected
 * counts are counted by hand from the lines written below.
 */
@SparkTest
public class ReconcileJobTest {
  static {
    org.apache.logging.log4j.core.config.Configurator.setLevel(
        "io.assay", org.apache.logging.log4j.Level.INFO);
  }

  static Path conf;
  static Conf c;
  static Path logs;
  public static final String KEY = "test-pseudonym-key";
  static final Map<String, String> US_IOS = Map.of("country", "US", "platform", "ios");
  static final List<String> UNIT_IDS = new ArrayList<>();

  static String unit(String exp, Predicate<Decision> want, Map<String, String> attrs, Instant at) {
    AssignmentPlan p = AssignmentPlan.of(c.resolve(exp), c.assay());
    for (int i = 0; ; i++) {
      String u = "user-" + exp.charAt(0) + i;
      if (!UNIT_IDS.contains(u) && want.test(Assigner.decide(p, u, attrs, at))) {
        UNIT_IDS.add(u);
        return u;
      }
    }
  }

  static String arm(String exp, String u, Map<String, String> attrs, Instant at) {
    return Assigner.decide(AssignmentPlan.of(c.resolve(exp), c.assay()), u, attrs, at).arm();
  }

  static String line(
      String id,
      String ts,
      String unit,
      String exp,
      String version,
      String arm,
      Map<String, String> attrs) {
    StringBuilder a = new StringBuilder("{");
    attrs.forEach(
        (k, v) ->
            a.append(a.length() > 1 ? "," : "")
                .append('"')
                .append(k)
                .append("\":\"")
                .append(v)
                .append('"'));
    a.append('}');
    return String.format(
        "{\"event_id\":\"%s\",\"ts\":\"%s\",\"unit_id\":\"%s\",\"experiment\":\"%s\",\"version\":\"%s\",\"arm\":\"%s\",\"attributes\":%s,\"source\":\"test\"}",
        id, ts, unit, exp, version, arm, a);
  }

  /** The logs root written by {@link #logs()}. */
  public static Path logsRoot() {
    return logs;
  }

  /** The test conf, configured to read the pseudonymization key from a file beside it. */
  public static Path confWithKeyFile() {
    return TestConf.withKeyFile(conf, KEY);
  }

  @BeforeAll
  public static void logs() throws Exception {
    UNIT_IDS.clear(); // other test classes call logs() too: pick the same units every time
    conf = TestConf.copy();
    Files.delete(conf.resolve(DefinitionLock.FILE_NAME));
    c = ConfigLoader.load(conf);
    Instant nov2 = Instant.parse("2026-11-02T10:00:00Z");
    String ck = "checkout_button";
    String m1 = unit(ck, Decision::assigned, US_IOS, nov2);
    String m2 = unit(ck, Decision::assigned, US_IOS, nov2);
    String wrong = unit(ck, Decision::assigned, US_IOS, nov2);
    String wrongArm = arm(ck, wrong, US_IOS, nov2).equals("control") ? "big_button" : "control";
    String holdout = unit(ck, d -> d.status() == Status.HOLDOUT, US_IOS, nov2);
    String ns = unit("pricing_banner", d -> d.status() == Status.NOT_IN_NAMESPACE, US_IOS, nov2);
    Instant nov1 = Instant.parse("2026-11-01T12:00:00Z");
    Map<String, String> sr = Map.of("platform", "ios", "account_age_days", "30");
    String notTraffic = unit("search_ranking", d -> d.status() == Status.NOT_IN_TRAFFIC, sr, nov1);
    String late = unit(ck, Decision::assigned, US_IOS, nov2);
    String jp = "user-jp";

    List<String> d1 = new ArrayList<>(); // date=2026-11-01: the lookback partition for the range
    d1.add(
        line(
            "e-dup-x", "2026-11-01T08:00:00Z", m1, ck, "1.0.0", arm(ck, m1, US_IOS, nov2), US_IOS));
    List<String> d2 = new ArrayList<>();
    d2.add(line("e1", "2026-11-02T10:00:00Z", m1, ck, "1.0.0", arm(ck, m1, US_IOS, nov2), US_IOS));
    d2.add(line("e2", "2026-11-02T10:00:00Z", m2, ck, "1.0.0", arm(ck, m2, US_IOS, nov2), US_IOS));
    d2.add(
        line(
            "e2",
            "2026-11-02T10:00:00Z",
            m2,
            ck,
            "1.0.0",
            arm(ck, m2, US_IOS, nov2),
            US_IOS)); // dup
    d2.add(
        line(
            "e3",
            "2026-11-02T10:00:00Z",
            wrong,
            ck,
            "1.0.0",
            arm(ck, wrong, US_IOS, nov2),
            US_IOS));
    d2.add(line("e4", "2026-11-02T11:00:00Z", wrong, ck, "1.0.0", wrongArm, US_IOS)); // wrong arm
    d2.add(line("e5", "2026-11-02T10:00:00Z", jp, ck, "1.0.0", "control", Map.of("country", "JP")));
    d2.add(
        line(
            "e6",
            "2026-10-20T10:00:00Z",
            m1,
            ck,
            "1.0.0",
            arm(ck, m1, US_IOS, nov2),
            US_IOS)); // outside window
    d2.add(line("e7", "2026-11-02T10:00:00Z", holdout, ck, "1.0.0", "control", US_IOS));
    d2.add(line("e8", "2026-11-02T10:00:00Z", ns, "pricing_banner", "1.0.0", "banner", US_IOS));
    d2.add(line("e9", "2026-11-01T12:00:00Z", notTraffic, "search_ranking", "1.0.0", "ltr_v1", sr));
    d2.add(
        line("e-dup-x", "2026-11-01T08:00:00Z", m1, ck, "1.0.0", "control", US_IOS)); // dup of d1
    d2.add(
        line(
            "e10", "2026-11-02T09:00:00Z", late, ck, "1.0.0", arm(ck, late, US_IOS, nov2), US_IOS));
    // quarantine: one of each reason
    d2.add("{\"event_id\":\"q1\",\"ts\":\"2026-11-02T10:00:00Z\",\"unit_id\":\"user-q1\",\"exp");
    d2.add(
        "{\"event_id\":\"q2\",\"ts\":\"2026-11-02T10:00:00Z\",\"experiment\":\"checkout_button\",\"version\":\"1.0.0\",\"arm\":\"control\"}");
    d2.add(line("q3", "yesterday", "user-q3", ck, "1.0.0", "control", US_IOS));
    d2.add(line("q4", "2026-11-02T10:00:00Z", "", ck, "1.0.0", "control", US_IOS));
    d2.add(line("q5", "2026-11-02T10:00:00Z", "user-q5", ck, "1.0.0", "", US_IOS));
    d2.add(
        line("q6", "2026-11-02T10:00:00Z", "user-q6", "legacy_banner", "1.0.0", "control", US_IOS));
    d2.add(line("q7", "2026-11-02T10:00:00Z", "user-q7", ck, "0.9.0", "control", US_IOS));
    d2.add(line("q8", "2026-11-02T10:00:00Z", "user-q8", ck, "1.0.0", "treatment_v9", US_IOS));
    d2.add("");
    List<String> d3 = new ArrayList<>(); // date=2026-11-03, with a late event from 2026-11-01
    d3.add(
        line(
            "e11", "2026-11-01T07:00:00Z", late, ck, "1.0.0", arm(ck, late, US_IOS, nov2), US_IOS));
    d3.add(line("e12", "2026-11-03T07:00:00Z", m1, ck, "1.0.0", arm(ck, m1, US_IOS, nov2), US_IOS));

    logs = Fixtures.tempDir("logs-");
    write(logs.resolve("date=2026-11-01/part-0.json"), d1);
    write(logs.resolve("date=2026-11-02/part-0.json"), d2);
    write(logs.resolve("date=2026-11-03/part-0.json"), d3);
  }

  /** Every unit id in the logs {@link #logs()} wrote. */
  public static java.util.TreeSet<String> unitIdsInLogs() throws Exception {
    java.util.TreeSet<String> ids = new java.util.TreeSet<>();
    var unitId = java.util.regex.Pattern.compile("\"unit_id\":\"([^\"]+)\"");
    try (var files = Files.walk(logs)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        var m = unitId.matcher(Files.readString(f));
        while (m.find()) {
          ids.add(m.group(1));
        }
      }
    }
    return ids;
  }

  /**
   * The metric sources of the test conf's metrics.yaml, under its data root, with rows for each of
   * {@code ids} (an order with a revenue that varies by unit, one to three sessions, page views and
   * crashes), so that an analysis has numbers to compute.
   */
  public static void metricSources(
      SparkSession spark, Path conf, java.util.Collection<String> ids) {
    Path data = conf.getParent().resolve("data/demo");
    List<Object[]> orders = new ArrayList<>();
    List<Object[]> events = new ArrayList<>();
    int i = 0;
    for (String u : ids) {
      java.sql.Timestamp t =
          java.sql.Timestamp.from(Instant.parse("2026-11-02T12:00:00Z").plusSeconds(i));
      orders.add(new Object[] {u, t, 10.0 + 7.3 * (i % 5), "paid"});
      for (int k = 0; k <= i % 3; k++) {
        events.add(new Object[] {u, t});
      }
      i++;
    }
    String ev = "unit_id STRING, ts TIMESTAMP";
    Fixtures.rows(spark, ev + ", revenue DOUBLE, status STRING", orders.toArray(Object[][]::new))
        .write()
        .format("delta")
        .save(data.resolve("orders").toString());
    Object[][] e = events.toArray(Object[][]::new);
    Fixtures.rows(spark, ev, e).write().parquet(data.resolve("sessions").toString());
    Fixtures.rows(spark, ev, e).write().parquet(data.resolve("page_views").toString());
    Fixtures.rows(spark, ev, e).write().format("delta").save(data.resolve("crashes").toString());
  }

  static void write(Path p, List<String> lines) throws Exception {
    Files.createDirectories(p.getParent());
    Files.write(p, lines);
  }

  static RunContext ctx(Path out) {
    return RunContext.of(c, "test-run", io.assay.config.Location.local(out), Optional.of(KEY));
  }

  /** Every enrollments row but its run id, in a fixed order. */
  static List<Row> enrollments(SparkSession spark, Path out) {
    Dataset<Row> t = table(spark, out, "enrollments").drop("run_id");
    return t.orderBy("experiment", "version", "unit_key").collectAsList();
  }

  /** The table keeps deletion vectors, and its last commit was {@code operation}. */
  static void assertLastEnrollmentsCommit(SparkSession spark, Path out, String operation) {
    String path = out.resolve("enrollments").toString();
    Row detail = spark.sql("DESCRIBE DETAIL delta.`" + path + "`").first();
    assertEquals(
        "true",
        detail
            .<scala.collection.Map<String, String>>getAs("properties")
            .get("delta.enableDeletionVectors")
            .getOrElse(() -> "absent"));
    assertEquals(
        operation,
        spark.sql("DESCRIBE HISTORY delta.`" + path + "` LIMIT 1").first().getAs("operation"));
  }

  static Dataset<Row> table(SparkSession spark, Path out, String name) {
    return spark.read().format("delta").load(out.resolve(name).toString());
  }

  @Test
  void everyLineEndsInExactlyOnePlace(SparkSession spark) {
    Path out = Fixtures.tempDir("out-");
    ReconcileJob.Result r =
        ReconcileJob.run(
            spark,
            ctx(out),
            io.assay.config.Location.local(logs),
            "json",
            LocalDate.parse("2026-11-02"),
            LocalDate.parse("2026-11-03"));
    // 2026-11-02: 21 lines = 10 accepted + 2 duplicates (e2 copy; e-dup-x seen on 11-01) + 9
    // quarantined
    assertEquals(
        List.of(
            new ReconcileJob.DateCounts(LocalDate.parse("2026-11-02"), 21, 10, 2, 9),
            new ReconcileJob.DateCounts(LocalDate.parse("2026-11-03"), 2, 2, 0, 0)),
        r.dates());

    Map<String, Long> categories = new HashMap<>();
    for (Row row :
        table(spark, out, "reconciliation_summary")
            .filter(col("date").equalTo("2026-11-02"))
            .groupBy("category")
            .sum("exposures", "units")
            .collectAsList()) {
      // multiple_arms counts units (its exposures column is null); the others count exposures.
      categories.put(row.getString(0), row.isNullAt(1) ? row.getLong(2) : row.getLong(1));
    }
    assertEquals(
        Map.of(
            "match", 4L, // e1, e2, e3, e10
            "wrong_arm", 1L, // e4
            "not_eligible", 1L, // e5
            "outside_window", 1L, // e6
            "holdout_conflict", 1L, // e7
            "namespace_conflict", 1L, // e8
            "not_in_traffic", 1L, // e9
            "multiple_arms", 1L), // units: the unit of e3/e4, first seen in two arms on 11-02
        categories);

    Map<String, String> reasons = new HashMap<>();
    for (Row row : table(spark, out, "quarantine").collectAsList()) {
      reasons.put(row.getAs("reason"), row.getAs("detail"));
    }
    Map<String, String> expected = new HashMap<>();
    expected.put("unparseable", null);
    expected.put("missing_field", "unit_id");
    expected.put("bad_timestamp", null);
    expected.put("empty_unit_id", null);
    expected.put("empty_arm", null);
    expected.put("unknown_experiment", null);
    expected.put("unknown_version", null);
    expected.put("unknown_arm", null);
    assertEquals(expected.keySet(), reasons.keySet());
    assertEquals("unit_id", reasons.get("missing_field"));
    assertEquals(9, table(spark, out, "quarantine").count()); // the empty line is unparseable too

    Dataset<Row> enrollments = table(spark, out, "enrollments");
    // The late event of 11-01 (read on 11-03) is the unit's first exposure.
    String lateKey = UnitKey.of(UNIT_IDS.get(6));
    Row late = enrollments.filter(col("unit_key").equalTo(lateKey)).first();
    assertEquals(
        java.sql.Timestamp.from(Instant.parse("2026-11-01T07:00:00Z")),
        late.getAs("first_exposure_ts"));
    assertEquals(2L, (long) late.<Long>getAs("exposures")); // e10 and e11
    Row multi = enrollments.filter(col("unit_key").equalTo(UnitKey.of(UNIT_IDS.get(2)))).first();
    assertTrue(multi.<Boolean>getAs("multiple_arms"));
    assertTrue(multi.<Boolean>getAs("excluded"));
    assertEquals("multiple_arms", multi.getAs("exclusion_reason"));
    Row jp = enrollments.filter(col("unit_key").equalTo(UnitKey.of("user-jp"))).first();
    assertEquals("not_assigned", jp.getAs("exclusion_reason"));
    Row ok = enrollments.filter(col("unit_key").equalTo(UnitKey.of(UNIT_IDS.get(0)))).first();
    assertFalse(ok.<Boolean>getAs("excluded"));
    assertEquals(
        Map.of("platform", "ios", "country", "US"), ok.getJavaMap(ok.fieldIndex("strata")));

    // Exposure-share inputs: checkout_button on 11-02 ran at full traffic.
    Row share =
        table(spark, out, "traffic_daily")
            .filter(
                col("date").equalTo("2026-11-02").and(col("experiment").equalTo("checkout_button")))
            .first();
    assertEquals(1.0, share.<Double>getAs("intended_traffic"), 0.0);
    assertTrue(share.<Long>getAs("logged_units") >= 5);

    assertEquals(
        9,
        table(spark, out, "quarantine")
            .filter(col("file").endsWith("/date=2026-11-02/part-0.json"))
            .count(),
        "every quarantined row names its file");

    // Idempotent: a rerun replaces the same rows. The output root is made as an older assay left
    // it, before quarantine had a file column: the rerun adds the column instead of failing.
    table(spark, out, "quarantine")
        .drop("file")
        .write()
        .format("delta")
        .mode("overwrite")
        .option("overwriteSchema", "true")
        .partitionBy("date")
        .save(out.resolve("quarantine").toString());
    long summaryRows = table(spark, out, "reconciliation_summary").count();
    long enrollmentRows = enrollments.count();
    ReconcileJob.run(
        spark,
        ctx(out),
        io.assay.config.Location.local(logs),
        "json",
        LocalDate.parse("2026-11-02"),
        LocalDate.parse("2026-11-03"));
    assertEquals(summaryRows, table(spark, out, "reconciliation_summary").count());
    assertEquals(9, table(spark, out, "quarantine").count());
    assertEquals(9, table(spark, out, "quarantine").filter(col("file").isNotNull()).count());
    assertEquals(enrollmentRows, table(spark, out, "enrollments").count());
    // The rerun covers every stored date, so it rebuilt enrollments in one overwrite (no merge),
    // which keeps the deletion vectors the table is created with.
    assertLastEnrollmentsCommit(spark, out, "WRITE");
    // A rerun of one date of several refolds only the units seen that date and merges them: the
    // table is unchanged (their other days are read back), through a MERGE.
    List<Row> before = enrollments(spark, out);
    ReconcileJob.run(
        spark,
        ctx(out),
        io.assay.config.Location.local(logs),
        "json",
        LocalDate.parse("2026-11-03"),
        LocalDate.parse("2026-11-03"));
    assertLastEnrollmentsCommit(spark, out, "MERGE");
    assertEquals(before, enrollments(spark, out));

    // Privacy: no raw unit id in any table written.
    for (String t :
        List.of("quarantine", "reconciliation_mismatches", "enrollments", "enrollment_days")) {
      List<String> text = table(spark, out, t).toJSON().collectAsList();
      for (String u : UNIT_IDS) {
        assertTrue(text.stream().noneMatch(s -> s.contains("\"" + u + "\"")), u + " in " + t);
      }
      for (String u : List.of("user-q3", "user-q5", "user-q8", "user-jp")) {
        assertTrue(text.stream().noneMatch(s -> s.contains(u)), u + " in " + t);
      }
    }
  }

  @Test
  void theCommandPrintsTheAccountingAndExits3OnAlertsWhenAsked(SparkSession spark)
      throws Exception {
    Path out = Fixtures.tempDir("out-");
    confWithKeyFile();
    StringWriter text = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(text));
    int code =
        cl.execute(
            "reconcile",
            "--conf",
            conf.toString(),
            "--date",
            "2026-11-02",
            "--logs",
            logs.toString(),
            "--out",
            out.toString(),
            "--fail-on-alert");
    assertEquals(3, code, text.toString());
    assertTrue(text.toString().contains("input 21 = accepted 10 + duplicates 2 + quarantined 9"));
    assertTrue(text.toString().contains("ALERT 2026-11-02 checkout_button@1.0.0"), text.toString());
    assertTrue(table(spark, out, "alerts").filter(col("stage").equalTo("reconcile")).count() > 0);

    int missing =
        Main.commandLine()
            .execute(
                "reconcile",
                "--conf",
                conf.toString(),
                "--date",
                "2026-11-09",
                "--logs",
                logs.toString(),
                "--out",
                out.toString());
    assertEquals(1, missing);
  }

  /** The pseudonym the job writes, computed in plain Java (SHA-256 of key:unit, 32 hex digits). */
  static final class UnitKey {
    static String of(String unit) {
      try {
        var md = java.security.MessageDigest.getInstance("SHA-256");
        byte[] d = md.digest((KEY + ":" + unit).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return java.util.HexFormat.of().formatHex(d).substring(0, 32);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
