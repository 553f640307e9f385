package io.assay.generate;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.assay.cli.Main;
import io.assay.config.Conf;
import io.assay.config.ConfigLoader;
import io.assay.io.RunContext;
import io.assay.metrics.AnalyzeJob;
import io.assay.reconcile.ReconcileJob;
import io.assay.testing.Fixtures;
import io.assay.testing.SparkTest;
import io.assay.testing.TestConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A small generated world (20,000 units, 4 days, default faults) checked against its own {@code
 * truth.json}: generated twice with the same seed it is byte-identical; an independent plain-Java
 * reading of the log files ({@link LogAudit}, no generator code) finds exactly the injected faults;
 * the reconciler finds exactly the expected categories, quarantine reasons and duplicates.
 */
@SparkTest
public class GeneratedWorldTest {
  static final String KEY = "generated-world-test-key";
  static final long UNITS = 20_000;
  static final int DAYS = 4;
  static final long SEED = 11;

  static Path conf;
  static Conf c;
  static Path world;
  static JsonNode truth;

  /** A copy of conf/ whose data and output roots are the world's directory. */
  static Path confFor(Path world) throws Exception {
    Path dir = TestConf.copy();
    Path site = dir.resolve("assay.yaml");
    Files.writeString(
        site, Files.readString(site).replace("../data/demo", world.toAbsolutePath().toString()));
    return dir;
  }

  static int generate(Path conf, Path out, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "generate",
                "--conf",
                conf.toString(),
                "--out",
                out.toString(),
                "--units",
                Long.toString(UNITS),
                "--days",
                Integer.toString(DAYS),
                "--seed",
                Long.toString(SEED)));
    args.addAll(List.of(extra));
    return Main.commandLine().execute(args.toArray(String[]::new));
  }

  @BeforeAll
  static void world() throws Exception {
    world = Fixtures.tempDir("world-");
    conf = confFor(world);
    c = ConfigLoader.load(conf);
    assertEquals(0, generate(conf, world));
    truth = new ObjectMapper().readTree(world.resolve("truth.json").toFile());
  }

  @Test
  void sameSeedGivesByteIdenticalFiles(SparkSession spark) throws Exception {
    Path again = Fixtures.tempDir("world-again-");
    String partitions = spark.conf().get("spark.sql.shuffle.partitions");
    spark.conf().set("spark.sql.shuffle.partitions", "3"); // shuffles must not shape the files
    try {
      assertEquals(0, generate(confFor(again), again));
    } finally {
      spark.conf().set("spark.sql.shuffle.partitions", partitions);
    }
    Map<String, String> a = fingerprints(world);
    Map<String, String> b = fingerprints(again);
    assertTrue(
        a.keySet().stream().anyMatch(k -> k.startsWith("logs/date=")), a.keySet().toString());
    assertTrue(a.keySet().stream().anyMatch(k -> k.startsWith("orders/")), a.keySet().toString());
    assertEquals(a, b);
  }

  /**
   * SHA-256 of every data file under a world, by path; Delta data files (randomly named, listed by
   * the transaction log) by their directory and content, and the Delta log itself skipped (it holds
   * timestamps and ids).
   */
  public static Map<String, String> fingerprints(Path root) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        String rel = root.relativize(p).toString();
        if (rel.contains("_delta_log") || rel.startsWith("out/") || rel.endsWith(".crc")) {
          continue;
        }
        String sha =
            HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        boolean delta = Files.isDirectory(p.getParent().resolve("_delta_log"));
        out.put(delta ? root.relativize(p.getParent()) + "/" + sha : rel, sha);
      }
    }
    return out;
  }

  @Test
  void anIndependentReadingOfTheLogsFindsExactlyTheInjectedFaults() throws Exception {
    LogAudit audit = LogAudit.read(world.resolve("logs"), c);
    JsonNode rec = truth.get("reconciliation");
    assertEquals(rec.get("lines").asLong(), audit.lines());
    assertEquals(asMap(rec.get("lines_by_partition")), audit.linesByPartition());
    assertEquals(asMap(rec.get("duplicates_by_partition")), audit.duplicatesByPartition());
    assertEquals(asMap(rec.get("quarantine").get("by_reason")), audit.quarantineByReason());
    for (String exp : c.keys()) {
      JsonNode e = rec.get("experiments").get(exp).get("1.0.0");
      Map<String, Long> categories = asMap(e.get("categories"));
      categories.values().removeIf(v -> v == 0);
      assertEquals(categories, audit.categories(exp + "@1.0.0"), exp);
      assertEquals(e.get("duplicates").asLong(), audit.duplicates(exp + "@1.0.0"), exp);
      assertEquals(
          e.get("multiple_arms_units").asLong(), audit.multipleArmUnits(exp + "@1.0.0"), exp);
    }
    // Every kind of fault was injected at least once in a world this size.
    JsonNode faults = truth.get("faults");
    for (String f :
        List.of(
            "duplicates",
            "wrong_arm",
            "late",
            "multiple_arms",
            "outside_window",
            "not_eligible",
            "not_in_traffic",
            "namespace_conflict",
            "holdout_conflict")) {
      assertTrue(faults.get(f).asLong() > 0, f);
    }
    faults.get("quarantine").forEach(n -> assertTrue(n.asLong() > 0, faults.toString()));
    assertTrue(faults.get("srm").get("dropped_units").asLong() > 0);
  }

  @Test
  void reconcilingFindsExactlyTheTruthAndTheTrueEffectsLieInsideTheIntervals(SparkSession spark) {
    Path out = world.resolve("out");
    List<String> dates = new ArrayList<>();
    truth.get("reconciliation").get("lines_by_partition").fieldNames().forEachRemaining(dates::add);
    ReconcileJob.Result r =
        ReconcileJob.run(
            spark,
            RunContext.of(c, "test-run", io.assay.config.Location.local(out), Optional.of(KEY)),
            io.assay.config.Location.local(world.resolve("logs")),
            "json",
            LocalDate.parse(dates.get(0)),
            LocalDate.parse(dates.get(dates.size() - 1)));

    JsonNode rec = truth.get("reconciliation");
    Map<String, Long> lines = new TreeMap<>();
    Map<String, Long> duplicates = new TreeMap<>();
    for (ReconcileJob.DateCounts d : r.dates()) {
      assertTrue(d.balanced(), d.toString());
      lines.put(d.date().toString(), d.input());
      duplicates.put(d.date().toString(), d.duplicates());
    }
    assertEquals(asMap(rec.get("lines_by_partition")), lines);
    assertEquals(asMap(rec.get("duplicates_by_partition")), duplicates);

    Map<String, Long> reasons = new TreeMap<>();
    for (Row row :
        spark
            .read()
            .format("delta")
            .load(out.resolve("quarantine").toString())
            .groupBy("reason")
            .count()
            .collectAsList()) {
      reasons.put(row.getString(0), row.getLong(1));
    }
    assertEquals(asMap(rec.get("quarantine").get("by_reason")), reasons);

    List<Row> summary =
        spark
            .read()
            .format("delta")
            .load(out.resolve("reconciliation_summary").toString())
            .groupBy(col("experiment"), col("version"), col("category"))
            .sum("exposures", "units")
            .collectAsList();
    for (String exp : c.keys()) {
      JsonNode e = rec.get("experiments").get(exp).get("1.0.0");
      Map<String, Long> expected = asMap(e.get("categories"));
      expected.values().removeIf(v -> v == 0);
      long multi = e.get("multiple_arms_units").asLong();
      if (multi > 0) {
        expected.put("multiple_arms", multi);
      }
      Map<String, Long> found = new TreeMap<>();
      for (Row row : summary) {
        if (row.getString(0).equals(exp) && row.getString(1).equals("1.0.0")) {
          // multiple_arms counts units (exposures is null); the other categories count exposures
          found.put(row.getString(2), row.isNullAt(3) ? row.getLong(4) : row.getLong(3));
        }
      }
      assertEquals(expected, found, exp);
    }

    // The metric sources are what the catalog declares: the analysis reads them through it, and
    // the true conversion effect of checkout_button lies within 2.576 standard errors (99%).
    String metricsTo = truth.at("/timeline/metrics_to").asText();
    LocalDate asOf = LocalDate.parse(metricsTo.substring(0, 10)).minusDays(1);
    AnalyzeJob.run(
        spark,
        RunContext.of(c, "test-analyze", io.assay.config.Location.local(out), Optional.of(KEY)),
        asOf);
    // Every treatment arm's effect on every metric (segment all), against the generating model's
    // exact truth: within 4 standard errors each (over ~30 estimates a miss by chance has
    // probability about 0.2%), and about 95% of the 95% intervals cover it.
    List<Row> results =
        spark
            .read()
            .format("delta")
            .load(out.resolve("metric_results").toString())
            .filter(col("segment_key").equalTo("all").and(col("error").isNull()))
            .select(
                "experiment",
                "arm",
                "metric",
                "effect",
                "se",
                "ci_lower",
                "ci_upper",
                "estimate_control")
            .collectAsList();
    int checked = 0;
    int covered = 0;
    List<String> misses = new ArrayList<>();
    for (Row m : results) {
      JsonNode t =
          truth.at("/effects/" + m.getString(0) + "/" + m.getString(1) + "/" + m.getString(2));
      assertFalse(t.isMissingNode(), "truth has no effect for " + m);
      double trueEffect = t.get("absolute").asDouble();
      double effect = m.getDouble(3);
      double se = m.getDouble(4);
      checked++;
      if (m.getDouble(5) <= trueEffect && trueEffect <= m.getDouble(6)) {
        covered++;
      } else {
        misses.add(m + " truth " + trueEffect);
      }
      assertTrue(
          Math.abs(effect - trueEffect) < 4 * se,
          m + ": estimate " + effect + " ± " + se + ", truth " + trueEffect);
    }
    assertTrue(checked >= 20, checked + " effects checked");
    // Binomial(checked, 0.95) falls below 80% with probability under 1% for 20+ estimates
    assertTrue(covered >= 0.8 * checked, covered + "/" + checked + " covered; misses " + misses);
    Row conversion =
        results.stream()
            .filter(
                m ->
                    m.getString(0).equals("checkout_button")
                        && m.getString(1).equals("big_button")
                        && m.getString(2).equals("conversion"))
            .findFirst()
            .orElseThrow();
    assertTrue(
        truth.at("/effects/checkout_button/big_button/conversion/absolute").asDouble() > 0,
        "the world has a real conversion effect");
    assertEquals(
        truth.at("/effects/checkout_button/control/conversion/control_mean").asDouble(),
        conversion.getDouble(7),
        4 * conversion.getDouble(4));
  }

  /**
   * {@code assay bench --quick} on this world: the bare scan reads every written line, the metrics
   * stage and the hand-written query agree, and a bad {@code --repeat} stops before Spark starts.
   * {@code bench --analyze-only --warehouse}: analyze and one SQL query per experiment × metric
   * agree on every number.
   */
  @Test
  void benchTimesTheGoalsRatiosAndTheMetricsAgree() throws Exception {
    Path keyed = TestConf.withKeyFile(confFor(world), KEY);
    Path out = Fixtures.tempDir("bench-out-");
    List<String> dates = new ArrayList<>();
    truth.get("reconciliation").get("lines_by_partition").fieldNames().forEachRemaining(dates::add);
    String from = dates.get(0);
    String to = dates.get(dates.size() - 1);
    String[] range = {"--conf", keyed.toString(), "--from", from, "--to", to, "--out", "" + out};
    assertEquals(0, Main.commandLine().execute(concat("reconcile", range)));

    java.io.StringWriter text = new java.io.StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new java.io.PrintWriter(text));
    cl.setErr(new java.io.PrintWriter(text));
    assertEquals(
        0,
        cl.execute(concat("bench", range, "--quick", "--repeat", "2", "--warmup", "1")),
        "" + text);
    String printed = text.toString();
    long lines = truth.get("reconciliation").get("lines").asLong();
    assertTrue(printed.contains(": " + lines + " log rows"), printed);
    assertTrue(printed.matches("(?s).*metrics_equal +0\\.0 s +equal.*"), printed);
    assertTrue(printed.contains("median of 2"), printed);
    assertTrue(printed.contains("after 1 untimed round(s)"), printed);
    for (String stage : List.of("scan", "recompute_no_dedup", "recompute")) {
      assertTrue(
          printed.matches("(?s).*\\n  " + stage + " +\\d+\\.\\d s .*"), stage + ":" + printed);
    }
    assertFalse(printed.contains("reconcile  "), "--quick runs no stage: " + printed);

    // The warehouse style (one SQL query per experiment × metric, WarehouseStyle) agrees with
    // analyze on every count and sum: every kind, caps, CUPED (a ratio's too), the injected bad
    // rows, and a holdout.
    text.getBuffer().setLength(0);
    assertEquals(0, cl.execute(concat("bench", range, "--analyze-only", "--warehouse")), "" + text);
    printed = text.toString();
    assertTrue(printed.matches("(?s).*warehouse_equal +0\\.0 s +equal.*"), printed);
    int pairs = 0;
    int quantiles = 0;
    for (var e : c.experiments()) {
      for (String m : e.metrics().all()) {
        boolean q = c.catalog().metric(m).orElseThrow().quantile().isPresent();
        pairs += q ? 0 : 1;
        quantiles += q ? 1 : 0;
      }
    }
    assertTrue(pairs >= 20 && quantiles >= 2, pairs + " pairs, " + quantiles + " quantiles");
    assertTrue(
        printed.contains(
            pairs
                + " SQL queries, one per experiment × metric ("
                + quantiles
                + " quantile metric(s) skipped)"),
        printed);
    java.util.regex.Matcher compared =
        java.util.regex.Pattern.compile("(\\d+) per-arm rows").matcher(printed);
    assertTrue(compared.find() && Integer.parseInt(compared.group(1)) >= 2 * pairs, printed);
    assertTrue(printed.contains("warehouse / analyze = "), printed);
    text.getBuffer().setLength(0);
    assertEquals(2, cl.execute(concat("bench", range, "--warehouse")));
    assertTrue(text.toString().contains("--warehouse needs --analyze-only"), text.toString());

    text.getBuffer().setLength(0);
    assertEquals(2, cl.execute(concat("bench", range, "--repeat", "0")));
    assertTrue(text.toString().contains("--repeat must be at least 1"), text.toString());
    text.getBuffer().setLength(0);
    assertEquals(2, cl.execute(concat("bench", range, "--warmup", "-1")));
    assertTrue(text.toString().contains("--warmup must be 0 or more"), text.toString());
  }

  static String[] concat(String first, String[] middle, String... last) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(List.of(middle));
    all.addAll(List.of(last));
    return all.toArray(String[]::new);
  }

  static Map<String, Long> asMap(JsonNode n) {
    Map<String, Long> out = new TreeMap<>();
    n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
    return out;
  }
}
