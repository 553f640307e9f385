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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.assignment.Assigner;
import io.assay.assignment.AssignmentPlan;
import io.assay.assignment.Decision;
import io.assay.assignment.Status;
import io.assay.assignment.UnitIds;
import io.assay.config.Conf;
import io.assay.config.ConfigLoader;
import io.assay.config.DefinitionLock;
import io.assay.config.ExperimentDefinition;
import io.assay.config.HashScheme;
import io.assay.io.ExposureLogs;
import io.assay.io.RunContext;
import io.assay.testing.Fixtures;
import io.assay.testing.SparkTest;
import io.assay.testing.TestConf;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  /**
   * Unit ids as a logger writes them in JSON (`|` stands for a backslash), and whether they are
   * valid. A lone surrogate escape is read by Spark as {@code ?}, by Java as the surrogate itself:
   * under GrowthBook's hash (over UTF-16 units) the two would disagree, so both refuse the id.
   */
  static final Map<String, Boolean> JSON_IDS = new LinkedHashMap<>();

  static {
    JSON_IDS.put("a|ud800b", false); // a high surrogate alone
    JSON_IDS.put("a|udc00b", false); // a low surrogate alone
    JSON_IDS.put("|ude00|ud83d", false); // a pair in the wrong order
    JSON_IDS.put("x|ud83d", false); // an emoji cut after its first half
    JSON_IDS.put("?|||ud800", false); // '?', an escaped backslash, then a lone surrogate
    JSON_IDS.put("|ud83d|ude00?", true); // a pair, then a real '?'
    JSON_IDS.put("|uD83D|uDE00", true); // a pair in upper case
    JSON_IDS.put("?||ud800", true); // '?', then the text backslash-u-d-8-0-0 (no escape)
    JSON_IDS.put("a?b", true);
    JSON_IDS.put("|u003f", true); // an escaped '?'
    JSON_IDS.put("Zoë字😀", true);
    JSON_IDS.put("u-1", true);
  }

  /**
   * One rule on both sides, under every scheme (native, GrowthBook v1 and v2, PlanOut): an id with
   * a lone UTF-16 surrogate is refused by the Java assigner and quarantined as {@code
   * invalid_unit_id} by ingest — escaped in a JSON log or as its (invalid UTF-8) bytes in a typed
   * one — while every other id, '?' and surrogate pairs included, is accepted and hashes to the
   * same position in Spark and in Java. Raw surrogate bytes in a JSON line make the line invalid
   * UTF-8: {@code unparseable}.
   */
  @Test
  void idsWithALoneSurrogateAreInvalidOnBothSidesOthersHashAlike(SparkSession spark)
      throws Exception {
    Map<HashScheme, ExperimentDefinition> byScheme = new TreeMap<>();
    conf.experiments().forEach(d -> byScheme.putIfAbsent(d.hash(), d));
    assertEquals(HashScheme.values().length, byScheme.size(), "every scheme: " + byScheme.keySet());
    LocalDate date = LocalDate.parse("2026-11-02");
    Path logs = Fixtures.tempDir("unit-ids-");
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    Map<String, String> lineOf = new HashMap<>();
    Map<String, String> textOf = new HashMap<>();
    for (ExperimentDefinition d : byScheme.values()) {
      int i = 0;
      for (String text : JSON_IDS.keySet()) {
        String id = d.key() + "-" + i++;
        String line = line(id, text.replace('|', '\\'), d);
        lineOf.put(id, line);
        textOf.put(id, text);
        file.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      }
      // A lone surrogate as raw bytes (what a lax UTF-8 encoder writes): not valid UTF-8.
      String line = line(d.key() + "-bytes", "a@b", d);
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      int at = line.indexOf('@');
      file.write(b, 0, at);
      file.write(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
      file.write(b, at + 1, b.length - at - 1);
      file.write('\n');
    }
    Path part = ExposureLogs.partition(io.assay.config.Location.local(logs), date).localPath();
    Files.createDirectories(part);
    Files.write(part.resolve("part-0.json"), file.toByteArray());

    RunContext ctx =
        RunContext.of(conf, "unit-ids", io.assay.config.Location.local(logs), Optional.empty());
    List<Row> rows =
        Recompute.classify(
                Ingest.classify(
                    ExposureLogs.read(
                        spark, ctx, io.assay.config.Location.local(logs), "json", List.of(date)),
                    conf.experiments(),
                    List.of(date),
                    List.of()),
                conf.experiments(),
                conf.assay())
            .select(
                col("event_id"),
                col(Ingest.DISPOSITION),
                col(Ingest.REASON),
                col(Recompute.DECISION + ".position"))
            .collectAsList();
    assertEquals((JSON_IDS.size() + 1) * byScheme.size(), rows.size());
    Map<String, AssignmentPlan> plans = new HashMap<>();
    byScheme.values().forEach(d -> plans.put(d.key(), AssignmentPlan.of(d, conf.assay())));
    int i = 0;
    for (Row r : rows) {
      String event = r.getString(0);
      String outcome = r.getString(1) + (r.isNullAt(2) ? "" : ":" + r.getString(2));
      if (event == null || event.endsWith("-bytes")) {
        assertEquals("quarantined:unparseable", outcome, "raw surrogate bytes: " + event);
        continue;
      }
      AssignmentPlan plan = plans.get(event.substring(0, event.lastIndexOf('-')));
      String javaId =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(lineOf.get(event))
              .get("unit_id")
              .asText();
      String text = textOf.get(event);
      String what = plan.scheme() + " " + text + ": ";
      assertEquals(JSON_IDS.get(text), UnitIds.valid(javaId), what + "the Java rule");
      if (JSON_IDS.get(text)) {
        assertEquals("accepted", outcome, what + "Spark accepts it");
        assertEquals(plan.position(javaId), r.getDouble(3), 0.0, what + "the same position");
        i++;
      } else {
        assertEquals("quarantined:invalid_unit_id", outcome, what + "Spark quarantines it");
        assertThrows(
            IllegalArgumentException.class,
            () -> Assigner.decide(plan, javaId, Map.of(), Instant.parse("2026-11-02T10:00:00Z")),
            what + "the Java assigner refuses it");
      }
    }
    assertEquals(7 * byScheme.size(), i, "the valid ids were compared");

    // A typed log (Delta) holding a lone surrogate as its bytes: not valid UTF-8, invalid id.
    Path typed = Fixtures.tempDir("unit-ids-delta-");
    spark
        .sql(
            "SELECT DATE'2026-11-02' AS date, 'e1' AS event_id, TIMESTAMP'2026-11-02 10:00:00' AS"
                + " ts, CAST(unhex('61EDA08062') AS STRING) AS unit_id, 'checkout_button' AS"
                + " experiment, '1.0.0' AS version, 'control' AS arm UNION ALL SELECT"
                + " DATE'2026-11-02', 'e2', TIMESTAMP'2026-11-02 10:00:00', 'Zoë字😀',"
                + " 'checkout_button', '1.0.0', 'control'")
        .write()
        .format("delta")
        .partitionBy("date")
        .save(typed.toString());
    List<Row> typedRows =
        Ingest.classify(
                ExposureLogs.read(
                    spark, ctx, io.assay.config.Location.local(typed), "delta", List.of(date)),
                conf.experiments(),
                List.of(date),
                List.of())
            .orderBy("event_id")
            .select(col(Ingest.DISPOSITION), col(Ingest.REASON), col(ExposureLogs.FILE))
            .collectAsList();
    assertEquals("quarantined", typedRows.get(0).getString(0));
    assertEquals("invalid_unit_id", typedRows.get(0).getString(1));
    assertEquals("accepted", typedRows.get(1).getString(0));
    assertNull(typedRows.get(1).get(1));
    assertTrue(typedRows.get(0).getString(2).endsWith(".parquet"), typedRows.get(0).toString());
  }

  private static String line(String eventId, String unitText, ExperimentDefinition d) {
    return "{\"event_id\":\""
        + eventId
        + "\",\"ts\":\"2026-11-02T10:00:00Z\",\"unit_id\":\""
        + unitText
        + "\",\"experiment\":\""
        + d.key()
        + "\",\"version\":\""
        + d.version()
        + "\",\"arm\":\""
        + d.arms().get(0).key()
        + "\"}";
  }

  /**
   * The eligibility forms that express imported GrowthBook conditions — {@code exists}, {@code
   * in_numbers}, the text comparisons (UTF-16 order, which Spark gets from UTF-16BE bytes) — and
   * the compositions the import builds with them, decided alike by Java and Spark on attribute
   * texts chosen at their edges (absent, a null map value, the empty text, numbers in several
   * spellings, characters on both sides of the surrogate range).
   */
  @Test
  void javaAndSparkAgreeOnTheConditionFormsOfImportedGrowthBookRules(SparkSession spark) {
    io.assay.config.Condition x = new io.assay.config.Condition.Exists("x");
    List<io.assay.config.Condition> conditions = new ArrayList<>();
    conditions.add(x);
    conditions.add(new io.assay.config.Condition.Not(x));
    conditions.add(new io.assay.config.Condition.NumberIn("x", List.of(5.0, 0.0, -2.5)));
    for (io.assay.config.Condition.Op op : io.assay.config.Condition.Op.values()) {
      for (String v : List.of("m", "10", "", "\uD83D\uDE00", "\uFF5E", "é")) {
        conditions.add(new io.assay.config.Condition.TextCompare("x", op, v));
      }
    }
    // {"x": {"$lt": 10}} and {"x": 0}: an absent x is JavaScript's null, which compares as 0.
    conditions.add(
        new io.assay.config.Condition.Any(
            List.of(
                new io.assay.config.Condition.Not(x),
                new io.assay.config.Condition.Compare("x", io.assay.config.Condition.Op.LT, 10))));
    conditions.add(
        new io.assay.config.Condition.All(
            List.of(x, new io.assay.config.Condition.NotIn("x", List.of("false", "")))));
    List<String> texts =
        List.of(
            "",
            "5",
            "5.0",
            "5e0",
            "+5",
            " 5",
            "-0",
            "0",
            "0.0",
            "-2.5",
            "1e400",
            "abc",
            "m",
            "M",
            "ma",
            "l",
            "10",
            "8",
            "é",
            "e",
            "\uFF5E",
            "\uD83D\uDE00",
            "\uD83D\uDE00a",
            "\uE000",
            "false",
            "true");
    List<Map<String, String>> maps = new ArrayList<>();
    maps.add(new HashMap<>());
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("x", null);
    maps.add(nullValue);
    for (String t : texts) {
      maps.add(Map.of("x", t, "y", "other"));
    }
    org.apache.spark.sql.types.StructType schema =
        new org.apache.spark.sql.types.StructType()
            .add("i", org.apache.spark.sql.types.DataTypes.IntegerType)
            .add(
                "attributes",
                org.apache.spark.sql.types.DataTypes.createMapType(
                    org.apache.spark.sql.types.DataTypes.StringType,
                    org.apache.spark.sql.types.DataTypes.StringType));
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < maps.size(); i++) {
      rows.add(org.apache.spark.sql.RowFactory.create(i, maps.get(i)));
    }
    Dataset<Row> df = spark.createDataFrame(rows, schema);
    List<Column> cols = new ArrayList<>();
    cols.add(col("i"));
    for (int c = 0; c < conditions.size(); c++) {
      cols.add(SparkAssignment.eligible(conditions.get(c), col("attributes")).as("c" + c));
    }
    List<Row> got = df.select(cols.toArray(Column[]::new)).orderBy("i").collectAsList();
    assertEquals(maps.size(), got.size());
    List<String> mismatches = new ArrayList<>();
    int trues = 0;
    for (Row r : got) {
      Map<String, String> a = maps.get(r.getInt(0));
      for (int c = 0; c < conditions.size(); c++) {
        boolean java = conditions.get(c).test(a);
        trues += java ? 1 : 0;
        if (r.isNullAt(c + 1) || r.getBoolean(c + 1) != java) {
          mismatches.add(
              conditions.get(c).render()
                  + " on "
                  + a
                  + ": Java "
                  + java
                  + ", Spark "
                  + (r.isNullAt(c + 1) ? "null" : r.getBoolean(c + 1)));
        }
      }
    }
    assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
    int cells = got.size() * conditions.size();
    assertTrue(trues > cells / 5 && trues < cells * 4 / 5, trues + " of " + cells + " true");
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
