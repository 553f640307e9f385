package io.assay.balance;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.cli.Main;
import io.assay.config.Conf;
import io.assay.io.DeltaTables;
import io.assay.io.OutputTables;
import io.assay.io.RunContext;
import io.assay.testing.Fixtures;
import io.assay.testing.SparkTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The balance stage on {@link BalanceFixture}, as of 2026-11-03. Every expected number is worked by
 * hand below (two arms at 50/50, so X² = (O_control − O_big)²/n), with p-values from closed forms:
 * on 1 df, X² = 2k² gives p = erfc(k) (A&S table 7.1; SciPy 1.17.1 {@code special.erfc}).
 */
@SparkTest
class BalanceJobTest {
  static {
    org.apache.logging.log4j.core.config.Configurator.setLevel(
        "io.assay", org.apache.logging.log4j.Level.INFO);
  }

  static final LocalDate AS_OF = LocalDate.parse("2026-11-03");
  static final double ERFC_2 = 0.004677734981047266; // X² = 8
  static final double ERFC_3 = 2.209049699858544e-05; // X² = 18

  static Conf conf;
  static Path out;
  static BalanceJob.Result result;

  @BeforeAll
  static void run() throws Exception {
    SparkSession spark = io.assay.testing.SparkExtension.session();
    conf = BalanceFixture.conf();
    out = Fixtures.tempDir("balance-");
    BalanceFixture.write(spark, out);
    // Rows other stages own for the same date, which the balance stage must leave alone.
    DeltaTables.replaceDates(
        OutputTables.stamp(
            Fixtures.rows(
                spark,
                OutputTables.ALERTS.columns().toDDL(),
                new Object[] {
                  Date.valueOf(AS_OF), "reconcile", "x", "1.0.0", "c", "error", 1.0, 0.5, "kept"
                }),
            "earlier-run"),
        io.assay.config.Location.local(out.resolve("alerts")),
        AS_OF,
        AS_OF,
        null);
    result = BalanceJob.run(spark, ctx(), AS_OF);
  }

  static RunContext ctx() {
    return RunContext.of(
        conf, "balance-test", io.assay.config.Location.local(out), Optional.empty());
  }

  static Dataset<Row> table(SparkSession spark, String name) {
    return spark.read().format("delta").load(out.resolve(name).toString());
  }

  /** SRM rows by "type/key/value". */
  static Map<String, Row> srm(SparkSession spark) {
    Map<String, Row> out = new HashMap<>();
    for (Row r :
        table(spark, "balance_checks").filter(col("check").equalTo("srm")).collectAsList()) {
      out.put(r.getAs("slice_type") + "/" + r.getAs("slice_key") + "/" + r.getAs("slice_value"), r);
    }
    return out;
  }

  /**
   * Twelve slices are tested and three skipped. By hand: overall 255/195 of 450 (X² = 3600/450 =
   * 8); platform=android 130/70 of 200 (X² = 18); ios 123/123 (0); web 2/2 — expected 2 < 5,
   * skipped; country=US = overall; crossed (android, US), (ios, US), (web, US) as the platforms;
   * day 2026-11-02 = ios + web 125/125 (0), day 2026-11-03 = android (18); cumulative 11-02 (0),
   * 11-03 = overall (8); sources as the platforms. Excluded units and the 2026-11-04 enrollments
   * are not counted.
   *
   * <p>Holm over m = 12, ascending: four p = erfc(3) (multipliers 12, 11, 10, 9 → running max
   * 12·erfc(3) = 2.650859639830253e-4), three p = erfc(2) (8·erfc(2) = 0.03742187984837813, larger,
   * so it carries), five p = 1 (→ 1). Below 0.001: the four android slices only.
   */
  @Test
  void srmIsFlaggedWhereTheImbalanceLives(SparkSession spark) {
    Map<String, Row> rows = srm(spark);
    assertEquals(15, rows.size(), rows.keySet().toString());

    Row overall = rows.get("overall/null/null");
    assertEquals(450L, (long) overall.<Long>getAs("n"));
    assertEquals(Map.of("control", 255L, "big_button", 195L), map(overall, "observed"));
    assertEquals(Map.of("control", 225.0, "big_button", 225.0), map(overall, "expected"));
    assertEquals(8.0, overall.<Double>getAs("statistic"), 1e-12);
    assertEquals(1, (int) overall.<Integer>getAs("df"));
    assertEquals(ERFC_2, overall.<Double>getAs("p_value"), 1e-15);
    assertEquals(8 * ERFC_2, overall.<Double>getAs("p_value_adjusted"), 1e-14);
    assertFalse(overall.<Boolean>getAs("flagged"));

    for (String android :
        List.of(
            "stratum/platform/android",
            "crossed_stratum/platform,country/android,US",
            "day/null/2026-11-03",
            "source/null/sdk-android")) {
      Row r = rows.get(android);
      assertEquals(200L, (long) r.<Long>getAs("n"), android);
      assertEquals(Map.of("control", 130L, "big_button", 70L), map(r, "observed"), android);
      assertEquals(Map.of("control", 100.0, "big_button", 100.0), map(r, "expected"), android);
      assertEquals(18.0, r.<Double>getAs("statistic"), 1e-12, android);
      assertEquals(ERFC_3, r.<Double>getAs("p_value"), 1e-18, android);
      assertEquals(12 * ERFC_3, r.<Double>getAs("p_value_adjusted"), 1e-17, android);
      assertTrue(r.<Boolean>getAs("flagged"), android);
    }
    for (String eight : List.of("stratum/country/US", "cumulative/null/2026-11-03")) {
      assertEquals(8 * ERFC_2, rows.get(eight).<Double>getAs("p_value_adjusted"), 1e-14, eight);
      assertFalse(rows.get(eight).<Boolean>getAs("flagged"), eight);
    }
    for (String clean :
        List.of(
            "stratum/platform/ios",
            "crossed_stratum/platform,country/ios,US",
            "day/null/2026-11-02",
            "cumulative/null/2026-11-02",
            "source/null/sdk-ios")) {
      assertEquals(0.0, rows.get(clean).<Double>getAs("statistic"), 1e-12, clean);
      assertEquals(1.0, rows.get(clean).<Double>getAs("p_value_adjusted"), 0.0, clean);
      assertFalse(rows.get(clean).<Boolean>getAs("flagged"), clean);
    }
    for (String sparse :
        List.of(
            "stratum/platform/web",
            "crossed_stratum/platform,country/web,US",
            "source/null/sdk-web")) {
      Row r = rows.get(sparse);
      assertEquals("min_expected_count", r.getAs("skipped_reason"), sparse);
      assertEquals(Map.of("control", 2.0, "big_button", 2.0), map(r, "expected"), sparse);
      assertNull(r.getAs("statistic"), sparse);
      assertNull(r.getAs("p_value"), sparse);
      assertNull(r.getAs("p_value_adjusted"), sparse);
      assertFalse(r.<Boolean>getAs("flagged"), sparse);
      assertTrue(r.<String>getAs("message").contains("below alerts.min_expected_count"), sparse);
    }
  }

  /**
   * Day shares against weight 0.5 + tolerance 0.02: on 2026-11-03 control holds 130/200 = 65%, z =
   * 0.13/√(0.52·0.48/200) = 3.679900360969936, p = 1.1666255157477453e-4 < 0.001 (SciPy 1.17.1
   * {@code norm.sf}): flagged. Exposure on 2026-11-03: 300/2000 = 15% against 5% + 2%, z =
   * 0.08/√(0.07·0.93/2000) = 14.022146187989833: flagged. On 2026-11-02 the band 100% + 2% reaches
   * past 100%: no test, 25% is within it.
   */
  @Test
  void sharesOverTime(SparkSession spark) {
    Dataset<Row> shares = table(spark, "balance_checks").filter(col("check").equalTo("arm_share"));
    assertEquals(4, shares.count()); // 2 days × 2 arms
    Row control =
        shares
            .filter(col("slice_value").equalTo("2026-11-03").and(col("arm").equalTo("control")))
            .first();
    assertEquals(200L, (long) control.<Long>getAs("n"));
    assertEquals(0.65, control.<Double>getAs("observed_share"), 1e-15);
    assertEquals(0.5, control.<Double>getAs("expected_share"), 0.0);
    assertEquals(3.679900360969936, control.<Double>getAs("statistic"), 1e-12);
    assertEquals(1.1666255157477453e-4, control.<Double>getAs("p_value"), 1e-15);
    assertTrue(control.<Boolean>getAs("flagged"));
    assertEquals(1, shares.filter(col("flagged")).count());

    Dataset<Row> exposure =
        table(spark, "balance_checks").filter(col("check").equalTo("exposure_share"));
    assertEquals(2, exposure.count()); // 11-01 had no eligible units; 11-04 is after D
    Row over = exposure.filter(col("slice_value").equalTo("2026-11-03")).first();
    assertEquals(0.15, over.<Double>getAs("observed_share"), 1e-15);
    assertEquals(0.05, over.<Double>getAs("expected_share"), 0.0);
    assertEquals(14.022146187989833, over.<Double>getAs("statistic"), 1e-10);
    assertTrue(over.<Boolean>getAs("flagged"));
    assertEquals(Map.of("logged_units", 300L, "assigned_units", 100L), map(over, "observed"));
    Row full = exposure.filter(col("slice_value").equalTo("2026-11-02")).first();
    assertNull(full.getAs("statistic"));
    assertFalse(full.<Boolean>getAs("flagged"));
  }

  /**
   * Covariates, by hand. score (numeric): big_button (2, 4, 6) vs control (1, 2, 3, 4), SMD =
   * 1.5/√(17/6) = 0.8911327886790068 > 0.1; Welch t = 1.1338934190276817 on 3.234718826405868 df
   * (SciPy 1.17.1 {@code ttest_ind(equal_var=False)}). tier: rare (E = 2) is pooled alone, still
   * sparse and left out; (60, 40, 20 | 40, 60, 20) gives X² = 8 on 2 df, p = e^−4. platform: web (E
   * ≈ 2.2) pooled and left out; (122, 130 | 122, 70) gives X² = 10.075892857142854, p =
   * 0.0015022181027242111 (SciPy 1.17.1 {@code chi2_contingency(correction=False)}). Holm over
   * these two: platform 2·0.0015 = 0.0030044, tier max(0.0030044, e^−4) = e^−4; neither below
   * 0.001. country has one level, visits only sparse ones ("n/a" makes it categorical), city five
   * values above max_levels 4.
   */
  @Test
  void covariateBalance(SparkSession spark) {
    Map<String, Row> rows = new HashMap<>();
    for (Row r : table(spark, "covariate_balance").collectAsList()) {
      assertEquals("big_button", r.getAs("arm"));
      assertEquals("control", r.getAs("control"));
      rows.put(r.getAs("covariate"), r);
    }
    assertEquals(
        List.of("city", "country", "platform", "score", "tier", "visits"),
        rows.keySet().stream().sorted().toList());

    Row score = rows.get("score");
    assertEquals("attribute_numeric", score.getAs("covariate_kind"));
    assertEquals(4L, (long) score.<Long>getAs("n_control"));
    assertEquals(3L, (long) score.<Long>getAs("n_arm"));
    assertEquals(2.5, score.<Double>getAs("mean_control"), 1e-15);
    assertEquals(4.0, score.<Double>getAs("mean_arm"), 1e-15);
    assertEquals(Math.sqrt(5.0 / 3), score.<Double>getAs("sd_control"), 1e-15);
    assertEquals(2.0, score.<Double>getAs("sd_arm"), 1e-15);
    assertEquals(0.8911327886790068, score.<Double>getAs("smd"), 1e-15);
    assertEquals(1.1338934190276817, score.<Double>getAs("statistic"), 1e-12);
    assertEquals(3.234718826405868, score.<Double>getAs("df"), 1e-12);
    assertEquals(0.33382370007750106, score.<Double>getAs("p_value"), 1e-9);
    assertTrue(score.<Boolean>getAs("flagged"));

    Row tier = rows.get("tier");
    assertEquals("attribute_categorical", tier.getAs("covariate_kind"));
    assertEquals(
        Map.of("gold", 60L, "silver", 40L, "bronze", 20L, "rare", 2L), map(tier, "levels_control"));
    assertEquals(8.0, tier.<Double>getAs("statistic"), 1e-12);
    assertEquals(2.0, tier.<Double>getAs("df"), 0.0);
    assertEquals(Math.exp(-4), tier.<Double>getAs("p_value"), 1e-15);
    assertEquals(Math.exp(-4), tier.<Double>getAs("p_value_adjusted"), 1e-15);
    assertFalse(tier.<Boolean>getAs("flagged"));
    assertTrue(tier.<String>getAs("message").contains("[rare] pooled and left out"));

    Row platform = rows.get("platform");
    assertEquals(10.075892857142854, platform.<Double>getAs("statistic"), 1e-10);
    assertEquals(0.0015022181027242111, platform.<Double>getAs("p_value"), 1e-13);
    assertEquals(2 * 0.0015022181027242111, platform.<Double>getAs("p_value_adjusted"), 1e-13);
    assertFalse(platform.<Boolean>getAs("flagged"));

    assertEquals("too_few_levels", rows.get("country").getAs("skipped_reason"));
    assertEquals("attribute_categorical", rows.get("visits").getAs("covariate_kind"));
    assertEquals("too_few_levels", rows.get("visits").getAs("skipped_reason"));
    assertEquals("too_many_levels", rows.get("city").getAs("skipped_reason"));
    assertEquals(3L, (long) rows.get("city").<Long>getAs("n_control"));
    assertEquals(2L, (long) rows.get("city").<Long>getAs("n_arm"));
  }

  /**
   * Alerts: one SRM alert per slice group that holds a flagged slice (platform, the crossing, days,
   * sources — not overall, country or cumulative), one arm-share alert for control, one exposure
   * alert, one covariate alert (score). The reconcile alert of the same date is kept.
   */
  @Test
  void alertsSayWhere(SparkSession spark) {
    Dataset<Row> alerts = table(spark, "alerts");
    assertEquals(1, alerts.filter(col("stage").equalTo("reconcile")).count());
    Dataset<Row> balance = alerts.filter(col("stage").equalTo("balance"));
    Map<String, Long> byCheck = new HashMap<>();
    for (Row r : balance.groupBy("check").count().collectAsList()) {
      byCheck.put(r.getString(0), r.getLong(1));
    }
    assertEquals(
        Map.of("srm", 4L, "arm_share", 1L, "exposure_share", 1L, "covariate_imbalance", 1L),
        byCheck);
    List<String> srm =
        balance
            .filter(col("check").equalTo("srm"))
            .select("message")
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList();
    String platform =
        srm.stream().filter(m -> m.contains("stratum platform=android")).findFirst().orElseThrow();
    assertTrue(
        platform.startsWith(
            "SRM in balance_fixture@1.0.0 stratum platform=android: control 65.0% vs 50.0%"
                + " expected, big_button 35.0% vs 50.0% expected (n = 200"),
        platform);
    assertTrue(platform.contains("p = 2.2e-05, Holm-adjusted 0.00027"), platform);
    assertEquals(result.alerts().size(), balance.count());
  }

  /**
   * The command reruns the date (replacing its rows, leaving other stages' alerts), prints one line
   * per experiment version and the alerts, and exits 3 with --fail-on-alert.
   */
  @Test
  void theCommandRerunsTheDateAndExits3OnAlerts(SparkSession spark) {
    long checks = table(spark, "balance_checks").count();
    long covariates = table(spark, "covariate_balance").count();
    StringWriter text = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(text));
    int code =
        cl.execute(
            "balance",
            "--conf",
            conf.dir().toString(),
            "--date",
            AS_OF.toString(),
            "--out",
            out.toString(),
            "--fail-on-alert");
    assertEquals(3, code, text.toString());
    assertTrue(
        text.toString()
            .contains("balance_fixture@1.0.0        units       450  SRM overall p 0.0047"),
        text.toString());
    assertTrue(text.toString().contains("ALERT 2026-11-03 error srm: SRM in balance_fixture"));
    assertEquals(checks, table(spark, "balance_checks").count());
    assertEquals(covariates, table(spark, "covariate_balance").count());
    assertEquals(1, table(spark, "alerts").filter(col("stage").equalTo("reconcile")).count());
    assertEquals(
        result.alerts().size(),
        table(spark, "alerts").filter(col("stage").equalTo("balance")).count());
  }

  @Test
  void aMissingDateIsAUsageError() {
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err));
    assertEquals(2, cl.execute("balance", "--conf", conf.dir().toString()));
    assertTrue(err.toString().contains("give --date YYYY-MM-DD"), err.toString());
  }

  @SuppressWarnings("unchecked")
  static <V> Map<String, V> map(Row r, String column) {
    return new HashMap<>((Map<String, V>) (Map<?, ?>) r.getJavaMap(r.fieldIndex(column)));
  }
}
