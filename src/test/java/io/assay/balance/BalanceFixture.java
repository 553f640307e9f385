package io.assay.balance;

import io.assay.config.Conf;
import io.assay.config.ConfigLoader;
import io.assay.config.DefinitionLock;
import io.assay.io.DeltaTables;
import io.assay.testing.Fixtures;
import io.assay.testing.TestConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * A hand-made world for the balance stage: one experiment, {@code balance_fixture@1.0.0} (arms
 * control / big_button at 50/50, strata platform and country, crossed), whose enrollments hold a
 * known imbalance in one stratum. Every count below is written out so the expected results can be
 * worked by hand:
 *
 * <pre>
 * 2026-11-02  ios      246 units  123 control / 123 big_button  source sdk-ios
 *             web        4 units    2 control /   2 big_button  source sdk-web
 * 2026-11-03  android  200 units  130 control /  70 big_button  source sdk-android   ← the SRM
 * every unit: country=US
 * ignored:    10 big_button android units excluded (multiple_arms), 1 excluded never-assigned
 *             unit, 50 control units enrolled on 2026-11-04 (after the as-of date)
 * </pre>
 *
 * <p>Covariates (attributes): {@code tier} on 244 ios units — control gold 60, silver 40, bronze
 * 20, rare 2; big_button gold 40, silver 60, bronze 20, rare 2 — and two ios units (one per arm)
 * have no attributes at all; {@code score} on 7 android units — control 1, 2, 3, 4; big_button 2,
 * 4, 6; {@code visits} on the same units — control 1, 1, n/a, n/a; big_button 1, n/a, n/a (not
 * numeric: "n/a"); {@code city} on the 4 web units (c1..c4) and the first ios control unit (c5): 5
 * distinct values, above {@code balance.max_levels: 4}.
 *
 * <p>{@code traffic_daily}: 2026-11-02 eligible 1000, logged 250, intended 1.0; 2026-11-03 eligible
 * 2000, logged 300, intended 0.05 (over-exposed); 2026-11-01 no eligible units; 2026-11-04 after
 * the as-of date.
 */
public final class BalanceFixture {
  public static final String KEY = "balance_fixture";
  public static final String VERSION = "1.0.0";
  static final String ENROLLMENTS_DDL =
      "experiment STRING, version STRING, unit_key STRING, enrolled_date DATE, arm STRING,"
          + " excluded BOOLEAN, strata MAP<STRING, STRING>, attributes MAP<STRING, STRING>,"
          + " source STRING";
  static final String TRAFFIC_DDL =
      "date DATE, experiment STRING, version STRING, units_seen BIGINT, eligible_units BIGINT,"
          + " assigned_units BIGINT, intended_traffic DOUBLE, logged_units BIGINT,"
          + " observed_share DOUBLE";

  private BalanceFixture() {}

  /** A copy of conf/ with the fixture experiment, crossed strata and at most 4 levels. */
  public static Conf conf() throws Exception {
    Path conf = TestConf.copy();
    Files.delete(conf.resolve(DefinitionLock.FILE_NAME));
    Path site = conf.resolve("assay.yaml");
    Files.writeString(site, Files.readString(site).replaceFirst("max_levels: 50", "max_levels: 4"));
    TestConf.write(
        conf,
        "experiments/" + KEY + "/" + VERSION + ".yaml",
        String.join(
            "\n",
            "key: " + KEY,
            "version: " + VERSION,
            "owner: test@example.com",
            "hypothesis: A fixture for the balance checks.",
            "unit: user",
            "hash: native",
            "salt: " + KEY,
            "start: 2026-11-01T00:00:00Z",
            "end: 2026-11-15T00:00:00Z",
            "traffic: 1.0",
            "arms:",
            "  - {key: control, weight: 0.5}",
            "  - {key: big_button, weight: 0.5}",
            "control: control",
            "strata: [platform, country]",
            "metrics:",
            "  primary: [conversion]",
            ""));
    return ConfigLoader.load(conf);
  }

  /** Writes {@code enrollments} and {@code traffic_daily} under {@code out}. */
  public static void write(SparkSession spark, Path out) {
    List<Object[]> rows = new ArrayList<>();
    // 2026-11-02, ios: tier on all but one unit per arm.
    units(rows, "2026-11-02", "ios", "sdk-ios", "control", tiers(60, 40, 20, 2));
    units(rows, "2026-11-02", "ios", "sdk-ios", "big_button", tiers(40, 60, 20, 2));
    // 2026-11-02, web: city c1..c4.
    for (int i = 1; i <= 4; i++) {
      rows.add(
          unit(
              "2026-11-02",
              i <= 2 ? "control" : "big_button",
              "web",
              "sdk-web",
              Map.of("city", "c" + i),
              false));
    }
    // 2026-11-03, android: score and visits on 4 + 3 units.
    String[][] control = {{"1", "1"}, {"2", "1"}, {"3", "n/a"}, {"4", "n/a"}};
    String[][] treated = {{"2", "1"}, {"4", "n/a"}, {"6", "n/a"}};
    for (int i = 0; i < 130; i++) {
      rows.add(unit("2026-11-03", "control", "android", "sdk-android", extra(control, i), false));
    }
    for (int i = 0; i < 70; i++) {
      rows.add(
          unit("2026-11-03", "big_button", "android", "sdk-android", extra(treated, i), false));
    }
    // Ignored: excluded units and a later enrollment date.
    for (int i = 0; i < 10; i++) {
      rows.add(unit("2026-11-03", "big_button", "android", "sdk-android", Map.of(), true));
    }
    rows.add(
        new Object[] {
          KEY, VERSION, "u-na", null, null, true, Map.of("platform", "ios"), Map.of(), "sdk-ios"
        });
    for (int i = 0; i < 50; i++) {
      rows.add(unit("2026-11-04", "control", "ios", "sdk-ios", Map.of(), false));
    }
    DeltaTables.overwrite(
        Fixtures.rows(spark, ENROLLMENTS_DDL, rows.toArray(Object[][]::new)),
        io.assay.config.Location.local(out.resolve("enrollments")),
        List.of());
    DeltaTables.overwrite(
        Fixtures.rows(
            spark,
            TRAFFIC_DDL,
            traffic("2026-11-01", 0, 0, null, 0),
            traffic("2026-11-02", 1000, 1000, 1.0, 250),
            traffic("2026-11-03", 2000, 100, 0.05, 300),
            traffic("2026-11-04", 2000, 2000, 1.0, 2000)),
        io.assay.config.Location.local(out.resolve("traffic_daily")),
        List.of("date"));
  }

  private static int next = 0;

  private static Object[] unit(
      String date,
      String arm,
      String platform,
      String source,
      Map<String, String> extra,
      boolean excluded) {
    Map<String, String> attributes = new HashMap<>(extra);
    attributes.put("platform", platform);
    attributes.put("country", "US");
    return new Object[] {
      KEY,
      VERSION,
      "u-" + next++,
      Date.valueOf(date),
      arm,
      excluded,
      Map.of("platform", platform, "country", "US"),
      attributes,
      source
    };
  }

  /** 123 ios units of one arm: tiers for the first ones, then one unit without attributes. */
  private static void units(
      List<Object[]> rows,
      String date,
      String platform,
      String source,
      String arm,
      List<String> tiers) {
    for (String t : tiers) {
      Map<String, String> extra =
          rows.isEmpty() ? Map.of("tier", t, "city", "c5") : Map.of("tier", t);
      rows.add(unit(date, arm, platform, source, extra, false));
    }
    Object[] bare = unit(date, arm, platform, source, Map.of(), false);
    bare[7] = null;
    rows.add(bare);
  }

  private static List<String> tiers(int gold, int silver, int bronze, int rare) {
    List<String> out = new ArrayList<>();
    out.addAll(java.util.Collections.nCopies(gold, "gold"));
    out.addAll(java.util.Collections.nCopies(silver, "silver"));
    out.addAll(java.util.Collections.nCopies(bronze, "bronze"));
    out.addAll(java.util.Collections.nCopies(rare, "rare"));
    return out;
  }

  private static Map<String, String> extra(String[][] values, int i) {
    return i < values.length ? Map.of("score", values[i][0], "visits", values[i][1]) : Map.of();
  }

  private static Object[] traffic(
      String date, long eligible, long assigned, Double intended, long logged) {
    return new Object[] {
      Date.valueOf(date),
      KEY,
      VERSION,
      eligible + 100,
      eligible,
      assigned,
      intended,
      logged,
      eligible == 0 ? null : (double) logged / eligible
    };
  }
}
