package io.assay.reconcile;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.config.Conf;
import io.assay.config.ConfigLoader;
import io.assay.config.DefinitionLock;
import io.assay.config.ExposureMapping;
import io.assay.config.ExposureSource;
import io.assay.config.Location;
import io.assay.config.Source;
import io.assay.io.RunContext;
import io.assay.io.TableComparison;
import io.assay.testing.Commands;
import io.assay.testing.Commands.Ran;
import io.assay.testing.Fixtures;
import io.assay.testing.SparkTest;
import io.assay.testing.TestConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exposure logs in another shape, read through a column mapping ({@code data.logs.columns}): the
 * hand-built logs of {@link ReconcileJobTest}, whose every line has a known fate, rewritten as an
 * SDK's table would hold them — other column names, attributes as columns, checkout_button's arms
 * logged as variation indices — reconcile to the counts counted by hand from those lines; with
 * event ids derived from the row and versions found from the time, to the counts that follow from
 * those rules, counted by hand below.
 */
@SparkTest
class ExposureMappingTest {
  static final LocalDate NOV2 = LocalDate.parse("2026-11-02");
  static final LocalDate NOV3 = LocalDate.parse("2026-11-03");

  static String db;
  static Conf conf;
  static Path dir;

  /** The foreign table's columns, as an SDK's tracking table might name them. */
  static final String FOREIGN =
      "SELECT event_id AS request_id, unit_id AS user_id, experiment AS experiment_id,"
          + " version AS exp_version,"
          + " CASE WHEN experiment = 'checkout_button' AND arm = 'control' THEN 0"
          + " WHEN experiment = 'checkout_button' AND arm = 'big_button' THEN 1 END AS variation,"
          + " CASE WHEN experiment = 'checkout_button' AND arm IN ('control', 'big_button')"
          + " THEN NULL ELSE arm END AS variation_key,"
          + " ts AS `timestamp`, attributes['country'] AS country,"
          + " attributes['platform'] AS platform,"
          + " attributes['account_age_days'] AS account_age_days, source AS sdk,"
          + " date AS event_date FROM logs";

  static final Map<String, String> MAPPED = new LinkedHashMap<>();

  static {
    MAPPED.put("event_id", "request_id");
    MAPPED.put("ts", "`timestamp`");
    MAPPED.put("unit_id", "user_id");
    MAPPED.put("experiment", "experiment_id");
    MAPPED.put("version", "exp_version");
    MAPPED.put("arm", "coalesce(CAST(variation AS STRING), variation_key)");
    MAPPED.put("source", "sdk");
  }

  static final List<String> ATTRIBUTES = List.of("country", "platform", "account_age_days");

  @BeforeAll
  static void table(SparkSession spark) throws Exception {
    ReconcileJobTest.logs();
    spark
        .read()
        .schema(
            "event_id STRING, ts STRING, unit_id STRING, experiment STRING, version STRING,"
                + " arm STRING, attributes MAP<STRING,STRING>, source STRING, date DATE")
        .option("mode", "DROPMALFORMED")
        .json(ReconcileJobTest.logsRoot().toString())
        .createOrReplaceTempView("logs");
    Path delta = Fixtures.tempDir("foreign-").resolve("experiment_viewed");
    spark.sql(FOREIGN).write().format("delta").partitionBy("event_date").save(delta.toString());
    db = Fixtures.database(spark, "mapping");
    spark.sql(
        "CREATE TABLE " + db + ".experiment_viewed USING delta LOCATION '" + delta.toUri() + "'");
    // checkout_button's SDK logs variation indices.
    dir = TestConf.copy();
    Files.delete(dir.resolve(DefinitionLock.FILE_NAME));
    TestConf.edit(
        dir.resolve("experiments/checkout_button/1.0.0.yaml"),
        "control: control\n",
        "control: control\narms_logged_as: index\n");
    conf = ConfigLoader.load(dir);
  }

  static RunContext ctx(Path out) {
    return RunContext.of(conf, "test-run", Location.local(out), Optional.of(ReconcileJobTest.KEY));
  }

  static ExposureSource source(Source s, Map<String, String> expressions) {
    return new ExposureSource(s, "event_date", new ExposureMapping(expressions, ATTRIBUTES));
  }

  @Test
  void aMappedTableReconcilesToTheCountsOfTheLinesItHolds(SparkSession spark) throws Exception {
    Path fromFiles = Fixtures.tempDir("out-");
    Path mapped = Fixtures.tempDir("out-");
    ReconcileJob.Result files =
        ReconcileJob.run(
            spark,
            ReconcileJobTest.ctx(fromFiles),
            ExposureSource.files(Location.local(ReconcileJobTest.logsRoot()), "json"),
            NOV2,
            NOV3);
    ReconcileJob.Result result =
        ReconcileJob.run(
            spark,
            ctx(mapped),
            source(new Source.Table(db + ".experiment_viewed"), MAPPED),
            NOV2,
            NOV3);
    // 2026-11-02: the 19 JSON objects among its 21 lines = 10 accepted + 2 duplicates + 7
    // quarantined (one per reason a typed row can have), as ReconcileJobTest counts them.
    List<ReconcileJob.DateCounts> expected =
        List.of(
            new ReconcileJob.DateCounts(NOV2, 19, 10, 2, 7),
            new ReconcileJob.DateCounts(NOV3, 2, 2, 0, 0));
    assertEquals(expected, result.dates());
    // Every table but the quarantine (which keeps each source row as read) is what the same
    // lines give in assay's own shape; the JSON files also hold 2 lines that are not objects.
    for (String t :
        List.of(
            "reconciliation_mismatches",
            "reconciliation_summary",
            "traffic_daily",
            "enrollments",
            "enrollment_days")) {
      Dataset<Row> a = spark.read().format("delta").load(fromFiles.resolve(t).toString());
      Dataset<Row> b = spark.read().format("delta").load(mapped.resolve(t).toString());
      assertEquals(
          0,
          TableComparison.differences(a, b),
          () -> t + " differs: " + TableComparison.mismatches(a, b).collectAsList());
    }
    Dataset<Row> q = spark.read().format("delta").load(mapped.resolve("quarantine").toString());
    Dataset<Row> qFiles =
        spark
            .read()
            .format("delta")
            .load(fromFiles.resolve("quarantine").toString())
            .filter(col("reason").notEqual("unparseable"));
    assertEquals(
        0,
        TableComparison.differences(
            q.select("date", "reason", "detail"), qFiles.select("date", "reason", "detail")));
    // q8 logged arm treatment_v9 of checkout_button: kept as logged, then unknown.
    Row q8 = q.filter(col("reason").equalTo("unknown_arm")).first();
    String raw = q8.getAs("raw");
    // The source row as read, its unit id pseudonymized as in every quarantined row.
    assertTrue(
        raw.contains("\"variation_key\":\"treatment_v9\"")
            && raw.contains("\"user_id\":\"")
            && !raw.contains("user-q8"),
        raw);
    assertFalse(raw.contains("event_date"), raw);
    // The JSON files hold the same rows and 2 lines that are not JSON objects (unparseable).
    assertEquals(
        List.of(
            new ReconcileJob.DateCounts(NOV2, 21, 10, 2, 9),
            new ReconcileJob.DateCounts(NOV3, 2, 2, 0, 0)),
        files.dates());
  }

  /**
   * Without event ids and versions, as a GrowthBook table has them: an id is the row's content and
   * a version the one running at the row's time, so the fates of three lines change, by rule.
   */
  @Test
  void derivedEventIdsAndVersionsFromTheTimeGiveTheCountsTheRulesImply(SparkSession spark) {
    Map<String, String> noIds = new LinkedHashMap<>(MAPPED);
    noIds.remove("event_id");
    noIds.remove("version");
    Source query =
        new Source.Query(
            "SELECT user_id, experiment_id, variation, variation_key, `timestamp`, country,"
                + " platform, account_age_days, sdk, event_date FROM "
                + db
                + ".experiment_viewed");
    ReconcileJob.Result result =
        ReconcileJob.run(spark, ctx(Fixtures.tempDir("out-")), source(query, noIds), NOV2, NOV3);
    // e-dup-x is logged on 11-01 with the unit's arm and again on 11-02 as control: one row's
    // content twice when that arm is control (a duplicate), else two exposures.
    List<Row> dupX =
        spark.sql("SELECT DISTINCT arm FROM logs WHERE event_id = 'e-dup-x'").collectAsList();
    boolean sameContent = dupX.size() == 1;
    // 2026-11-02, from the 10 + 2 + 7 with ids and versions:
    // - e2's copy is the same row: still a duplicate;
    // - e6 (ts 2026-10-20, before checkout_button starts) has no version: quarantined, where its
    //   logged version made it an exposure outside the window;
    // - q7 (logged version 0.9.0, which does not exist) gets 1.0.0 from its time: accepted.
    long accepted = 10 - 1 + 1 + (sameContent ? 0 : 1);
    long duplicates = 1 + (sameContent ? 1 : 0);
    assertEquals(
        List.of(
            new ReconcileJob.DateCounts(NOV2, 19, accepted, duplicates, 7),
            new ReconcileJob.DateCounts(NOV3, 2, 2, 0, 0)),
        result.dates());
  }

  @Test
  void aBadMappingStopsValidateNamingTheField() throws Exception {
    Path bad = TestConf.copyOf(dir);
    String logs =
        "  logs: logs                  # raw exposure logs, partitioned by date=YYYY-MM-DD\n"
            + "  logs_format: json           # json | parquet | delta\n";
    String mapping =
        "  logs:\n"
            + "    table: "
            + db
            + ".experiment_viewed\n"
            + "    date_column: event_date\n"
            + "    columns:\n"
            + "      unit_id: user_uuid\n"
            + "      experiment: experiment_id\n"
            + "      arm: variation\n"
            + "      ts: \"`timestamp`\"\n"
            + "      attributes: \"country\"\n";
    TestConf.edit(bad.resolve("assay.yaml"), logs, mapping);
    Ran r = Commands.run("validate", "--conf", bad.toString());
    assertEquals(2, r.code(), r.text());
    assertTrue(
        r.text().contains("data.logs.columns.unit_id: 'user_uuid' cannot be evaluated"), r.text());
    assertTrue(r.text().contains("data.logs.columns.attributes: 'country' gives STRING"), r.text());
    assertTrue(r.text().contains("2 error(s)"), r.text());

    // Not an expression: stopped before Spark starts, as is a mapping that leaves out a field.
    Path unparsable = TestConf.copyOf(dir);
    TestConf.edit(
        unparsable.resolve("assay.yaml"), logs, mapping.replace("user_uuid", "\"user_id +\""));
    r = Commands.run("reconcile", "--conf", unparsable.toString(), "--date", "2026-11-02");
    assertEquals(2, r.code(), r.text());
    assertTrue(
        r.text().contains("data.logs.columns.unit_id: 'user_id +' is not a Spark SQL expression"),
        r.text());
    Path noTs = TestConf.copyOf(dir);
    TestConf.edit(
        noTs.resolve("assay.yaml"), logs, mapping.replace("      ts: \"`timestamp`\"\n", ""));
    r = Commands.run("reconcile", "--conf", noTs.toString(), "--date", "2026-11-02");
    assertEquals(2, r.code(), r.text());
    assertTrue(r.text().contains("data.logs.columns.ts: missing"), r.text());

    // JSON files have assay's own shape.
    Path json = TestConf.copyOf(dir);
    TestConf.edit(
        json.resolve("assay.yaml"),
        logs,
        "  logs:\n    path: logs\n    format: json\n    columns:\n      unit_id: user_id\n");
    r = Commands.run("validate", "--conf", json.toString());
    assertEquals(2, r.code(), r.text());
    assertTrue(r.text().contains("data.logs.columns: columns maps the columns of typed"), r.text());
  }
}
