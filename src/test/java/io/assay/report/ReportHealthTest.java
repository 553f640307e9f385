package io.assay.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.assay.balance.BalanceFixture;
import io.assay.balance.BalanceJob;
import io.assay.config.Conf;
import io.assay.config.ConfigLoader;
import io.assay.io.DeltaTables;
import io.assay.io.OutputTables;
import io.assay.io.RunContext;
import io.assay.testing.Browser;
import io.assay.testing.Fixtures;
import io.assay.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The health section and the metrics table of a report, from output tables with known content: the
 * balance stage run on {@link BalanceFixture} (an SRM in the android slices only: the stratum, the
 * crossed stratum, its day and its source are flagged, the whole experiment is not), hand-written
 * quarantine rows, and hand-written {@code metric_results} rows with wide cells.
 */
@SparkTest
class ReportHealthTest {
  static final LocalDate DATE = LocalDate.parse("2026-11-03");
  static final String ID = BalanceFixture.KEY + "@" + BalanceFixture.VERSION;

  /** The four android slices of the fixture, in the words the report uses. */
  static final List<String> FLAGGED =
      List.of(
          "stratum platform=android",
          "stratum (platform, country) = (android, US)",
          "units enrolled on 2026-11-03",
          "source sdk-android");

  static ReportJob.Result result;

  @BeforeAll
  static void report(SparkSession spark) throws Exception {
    Conf fixture = BalanceFixture.conf();
    // A second, defined version of the key: its quarantined rows belong on its own page.
    Path v1 = fixture.dir().resolve("experiments/" + BalanceFixture.KEY + "/1.0.0.yaml");
    Files.writeString(
        v1.resolveSibling("2.0.0.yaml"),
        Files.readString(v1).replace("version: 1.0.0", "version: 2.0.0"));
    Conf conf = ConfigLoader.load(fixture.dir());
    Path out = Fixtures.tempDir("report-health-");
    BalanceFixture.write(spark, out);
    RunContext ctx =
        RunContext.of(conf, "report-health", io.assay.config.Location.local(out), Optional.empty());
    BalanceJob.run(spark, ctx, DATE);

    Date d = Date.valueOf(DATE);
    DeltaTables.overwrite(
        OutputTables.stamp(
            Fixtures.rows(
                spark,
                OutputTables.EXPERIMENT_DECISIONS.columns().toDDL(),
                new Object[] {
                  d,
                  BalanceFixture.KEY,
                  BalanceFixture.VERSION,
                  "big_button",
                  "keep_running",
                  List.of("planned sample size not reached"),
                  false,
                  true,
                  false,
                  false,
                  450L
                }),
            "report-health"),
        io.assay.config.Location.local(out.resolve(OutputTables.EXPERIMENT_DECISIONS.name())),
        List.of("date"));
    DeltaTables.overwrite(
        OutputTables.stamp(
            spark.createDataFrame(metricRows(d), OutputTables.METRIC_RESULTS.columns()), "r"),
        io.assay.config.Location.local(out.resolve(OutputTables.METRIC_RESULTS.name())),
        List.of("date"));
    List<Object[]> q = new ArrayList<>();
    quarantine(q, "2026-11-02", BalanceFixture.KEY, "1.0.0", "unknown_arm", 3);
    quarantine(q, "2026-11-03", BalanceFixture.KEY, "1.0.0", "bad_timestamp", 2);
    quarantine(q, "2026-11-03", BalanceFixture.KEY, "9.9.9", "unknown_version", 4);
    quarantine(q, "2026-11-03", BalanceFixture.KEY, null, "missing_field", 1);
    // Not this page's: a defined other version, another experiment, no experiment, a later date.
    quarantine(q, "2026-11-03", BalanceFixture.KEY, "2.0.0", "unknown_arm", 7);
    quarantine(q, "2026-11-03", "checkout_button", "1.0.0", "unknown_arm", 6);
    quarantine(q, "2026-11-03", null, null, "unparseable", 8);
    quarantine(q, "2026-11-04", BalanceFixture.KEY, "9.9.9", "unknown_version", 9);
    DeltaTables.overwrite(
        Fixtures.rows(
            spark,
            "date DATE, reason STRING, detail STRING, event_id STRING, experiment STRING,"
                + " version STRING, raw STRING",
            q.toArray(Object[][]::new)),
        io.assay.config.Location.local(out.resolve(OutputTables.QUARANTINE.name())),
        List.of("date"));
    result = ReportJob.run(spark, ctx, DATE);
  }

  private static void quarantine(
      List<Object[]> rows, String date, String key, String version, String reason, int n) {
    for (int i = 0; i < n; i++) {
      rows.add(
          new Object[] {Date.valueOf(date), reason, null, "e" + rows.size(), key, version, "{}"});
    }
  }

  /**
   * Three whole-experiment rows: conversion (primary) with an unequal allocation, so that control
   * needs 22,001.07 units and treatment 11,000.54; revenue with CUPED (as measured 4 and 7,
   * adjusted 187/38 and 231/38); and a guardrail with cells as wide as real results get (8-digit
   * counts, scientific notation, a lift of −12,345.60%, a 9-digit requirement, a long verdict).
   */
  static List<Row> metricRows(Date d) {
    List<Row> rows = new ArrayList<>();
    Map<String, Object> conversion = base(d, "conversion", "binomial", "primary");
    conversion.putAll(
        Map.of(
            "n_control", 2000L,
            "n_treatment", 1000L,
            "estimate_control", 0.1,
            "estimate_treatment", 0.1,
            "effect", 0.0,
            "mde_target", 0.1,
            "required_n_control", 22001.071729572763,
            "required_n_treatment", 11000.535864786381));
    rows.add(row(conversion));
    Map<String, Object> revenue = base(d, "revenue", "mean", "secondary");
    revenue.putAll(
        Map.of(
            "n_control",
            3L,
            "n_treatment",
            3L,
            "estimate_control",
            4.0,
            "estimate_treatment",
            7.0,
            "estimate_control_adjusted",
            187.0 / 38,
            "estimate_treatment_adjusted",
            231.0 / 38,
            "effect",
            22.0 / 19,
            "relative_effect",
            231.0 / 187 - 1,
            "cuped",
            true));
    rows.add(row(revenue));
    Map<String, Object> wide = base(d, "revenue_per_session", "ratio", "guardrail");
    wide.putAll(
        Map.of(
            "n_control", 12_345_678L,
            "n_treatment", 12_345_678L,
            "estimate_control", -1.2345678e7,
            "estimate_treatment", -1.2345678e-5,
            "effect", -1.2345678e7,
            "ci_lower", -1.2345678e-7,
            "ci_upper", -1.2345678e7,
            "relative_effect", -123.456,
            "relative_ci_lower", -123.456,
            "relative_ci_upper", -123.456));
    wide.putAll(
        Map.of(
            "p_value", 0.12345,
            "p_value_adjusted", 0.12345,
            "mde_relative", 1.23456,
            "achieved_power", 0.999,
            "required_n_control", 123_456_789.0,
            "days_left", 12345.678,
            "guardrail_status", "inconclusive",
            "error", "zero_denominator"));
    rows.add(row(wide));
    return rows;
  }

  private static Map<String, Object> base(Date d, String metric, String kind, String role) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("date", d);
    m.put("experiment", BalanceFixture.KEY);
    m.put("version", BalanceFixture.VERSION);
    m.put("metric", metric);
    m.put("metric_kind", kind);
    m.put("role", role);
    m.put("segment_key", "all");
    m.put("segment_value", "all");
    m.put("arm", "big_button");
    m.put("control_arm", "control");
    m.put("cuped", false);
    m.put("suppressed", false);
    return m;
  }

  private static Row row(Map<String, Object> values) {
    Object[] out = new Object[OutputTables.METRIC_RESULTS.columns().fields().length];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(OutputTables.METRIC_RESULTS.columns().fields()[i].name());
    }
    return RowFactory.create(out);
  }

  static String page() throws Exception {
    return Files.readString(result.reports().localPath().resolve(ID + ".html"));
  }

  static String element(String html, String regex) {
    Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(html);
    assertTrue(m.find(), "no " + regex);
    return m.group(1);
  }

  /** Text without tags and with the HTML entities the renderer writes decoded. */
  static String text(String html) {
    return html.replaceAll("<[^>]*>", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
  }

  /**
   * By hand (BalanceJobTest): overall 255/195, X² = 8, Holm-adjusted p = 8·erfc(2) = 0.0374, not
   * flagged; the four android slices 130/70, Holm-adjusted 12·erfc(3) = 0.000265, flagged.
   */
  @Test
  void theSrmCardNamesEveryFlaggedSliceAndSaysThePValuesAreAdjusted() throws Exception {
    Browser.Page loaded = Browser.load(result.reports().localPath().resolve(ID + ".html"));
    assertTrue(loaded.console().isEmpty(), "console messages: " + loaded.console());
    String card = element(page(), "<div class=\"card\" id=\"srm\">(.*?)</div>");
    assertTrue(text(card).contains("mismatch in 4 slices"), text(card));
    String status = text(element(card, "<p data-field=\"srm_status\">(.*?)</p>"));
    assertEquals("mismatch in 4 slices", status, card);
    assertTrue(card.contains("<span class=\"bad\">mismatch in 4 slices"), card);
    assertTrue(
        text(card).contains("overall: control 255 · big_button 195 — ok (Holm-adjusted p 0.0374)"),
        text(card));
    List<String> items = new ArrayList<>();
    Matcher li = Pattern.compile("<li data-srm-slice=[^>]*>(.*?)</li>").matcher(card);
    while (li.find()) {
      items.add(text(li.group(1)));
    }
    assertEquals(4, items.size(), items.toString());
    Set<String> named = new HashSet<>();
    for (String item : items) {
      FLAGGED.stream().filter(item::startsWith).forEach(named::add);
      assertTrue(item.contains("Holm-adjusted 0.00027"), item);
    }
    assertEquals(Set.copyOf(FLAGGED), named, "every flagged slice by name: " + items);
    assertEquals(4, new HashSet<>(items).size(), "no two lines alike: " + items);
    // No p-value is shown bare: each one the page prints is labelled Holm-adjusted (or "p =").
    assertFalse(Pattern.compile("\\(p [<0-9]").matcher(text(page())).find(), text(card));

    String index = Files.readString(result.reports().localPath().resolve("index.html"));
    String srm = text(element(index, "<td class=\"l\" data-field=\"srm\">(.*?)</td>"));
    assertTrue(srm.startsWith("mismatch in 4 slices"), srm);
    assertTrue(srm.contains("stratum platform=android"), srm);
    assertTrue(srm.contains("lowest Holm-adjusted p 0.0003"), srm);

    String md = Files.readString(result.reports().localPath().resolve(ID + ".md"));
    assertTrue(
        md.contains(
            "- Sample ratio: **mismatch in 4 slices** (overall: ok (Holm-adjusted p 0.0374))"),
        md);
    for (String where : FLAGGED) {
      assertTrue(md.contains("  - " + where + ": "), where + " in\n" + md);
    }
    JsonNode json =
        new ObjectMapper().readTree(result.reports().localPath().resolve(ID + ".json").toFile());
    List<String> slices = new ArrayList<>();
    json.at("/health/srm_flagged_slices").forEach(s -> slices.add(s.get("slice").asText()));
    assertEquals(Set.copyOf(FLAGGED), Set.copyOf(slices));
    JsonNode indexJson =
        new ObjectMapper().readTree(result.reports().localPath().resolve("index.json").toFile());
    assertEquals(4, indexJson.at("/experiments/0/srm_flagged_slices").size(), "" + indexJson);
  }

  /**
   * Rows naming this version (3 + 2) and rows naming the key with a version no definition has (4
   * naming 9.9.9, 1 naming none) through the date: 10. Not counted: version 2.0.0's rows (it is
   * defined), another experiment's, rows naming none, and rows after the date.
   */
  @Test
  void theQuarantineCountIncludesRowsNamingAnUnknownVersion() throws Exception {
    String card = element(page(), "<div class=\"card\" id=\"reconciliation\">(.*?)</div>");
    assertTrue(text(card).contains("quarantined rows naming this experiment: 10"), text(card));
    assertEquals(
        "quarantined rows naming this experiment: 10",
        text(element(card, "<p class=\"small\" data-field=\"quarantined\">(.*?)</p>")));
    assertEquals(
        "an unknown version of balance_fixture ((none), 9.9.9): 5 (missing_field 1,"
            + " unknown_version 4)",
        text(element(card, "<li data-field=\"quarantined_unknown_version\">(.*?)</li>")));
    assertTrue(text(card).contains("version 1.0.0: 5 (bad_timestamp 2, unknown_arm 3)"), card);
    String md = Files.readString(result.reports().localPath().resolve(ID + ".md"));
    assertTrue(md.contains("- Quarantined rows naming this experiment: 10 (5 of them"), md);
    JsonNode json =
        new ObjectMapper().readTree(result.reports().localPath().resolve(ID + ".json").toFile());
    assertEquals(10, json.at("/health/quarantined_rows").asLong());
    assertEquals(4, json.at("/health/quarantine_unknown_version/unknown_version").asLong());
  }

  static String row(String metric) throws Exception {
    return element(
        page(),
        "<tr data-metric=\""
            + metric
            + "\" data-arm=\"big_button\" data-segment=\"all=all\">(.*?)</tr>");
  }

  static String field(String row, String field) {
    return text(element(row, "data-field=\"" + field + "\">([^<]*)<"));
  }

  /**
   * CUPED rows show each arm's mean as measured and, labelled, the adjusted mean the effect
   * compares; "n needed" is the larger arm requirement (control: 22,001.07 → 22,002).
   */
  @Test
  void estimatesAreLabelledAndNNeededIsTheLargerArmRequirement() throws Exception {
    String revenue = row("revenue");
    assertEquals("4", field(revenue, "estimate_control"));
    assertEquals("7", field(revenue, "estimate_treatment"));
    assertEquals("4.921", field(revenue, "estimate_control_adjusted"));
    assertEquals("6.079", field(revenue, "estimate_treatment_adjusted"));
    assertTrue(text(revenue).contains("4CUPED-adj. 4.921"), text(revenue));
    assertTrue(page().contains("for a CUPED metric the CUPED-adjusted mean is below it"));
    String conversion = row("conversion");
    assertTrue(text(conversion).contains("22,002"), text(conversion));
    assertFalse(text(conversion).contains("11,001"), "the treatment arm's requirement");
    assertEquals("0.1", field(conversion, "estimate_control"));
    assertFalse(conversion.contains("CUPED-adj."), conversion);
    assertEquals("22,002", field(conversion, "required_n_per_arm"));

    String md = Files.readString(result.reports().localPath().resolve(ID + ".md"));
    assertTrue(md.contains("| 4 (CUPED-adjusted 4.921) | 7 (CUPED-adjusted 6.079) |"), md);
    JsonNode json =
        new ObjectMapper().readTree(result.reports().localPath().resolve(ID + ".json").toFile());
    JsonNode r = json.get("metrics").get(1);
    assertEquals("revenue", r.get("metric").asText(), "" + json.get("metrics"));
    assertEquals(4.0, r.get("estimate_control").asDouble(), 0.0);
    assertEquals(187.0 / 38, r.get("estimate_control_adjusted").asDouble(), 1e-12);
  }

  /**
   * At a 1300-pixel window every column of the metrics table is on screen (the page does not scroll
   * sideways, and the table is not wider than the space it is given). In a narrower window the
   * table scrolls inside its own box, so every column stays reachable and the rest of the page
   * keeps its width.
   */
  @Test
  void theMetricsTableFitsA1300PixelWindowAndScrollsInsideItsBoxWhenNarrower() {
    Path page = result.reports().localPath().resolve(ID + ".html");
    Browser.screenshot(page, Path.of("target/screenshots/report-health-1300.png"), 1300, 1400);
    String measure =
        "JSON.stringify((() => { const t = document.querySelector('table.metrics');"
            + " const box = t.parentElement; const doc = document.documentElement;"
            + " return [doc.scrollWidth, doc.clientWidth, Math.ceil(t.getBoundingClientRect().right),"
            + " box.scrollWidth, box.clientWidth, getComputedStyle(box).overflowX]; })())";
    String wide = Browser.evaluate(page, 1300, measure);
    String[] w = wide.replaceAll("[\\[\\]\"]", "").split(",");
    assertTrue(Integer.parseInt(w[0]) <= Integer.parseInt(w[1]), "page scrolls sideways: " + wide);
    assertTrue(Integer.parseInt(w[2]) <= Integer.parseInt(w[1]), "table off screen: " + wide);
    assertTrue(Integer.parseInt(w[3]) <= Integer.parseInt(w[4]), "columns hidden: " + wide);

    String narrow = Browser.evaluate(page, 800, measure);
    String[] n = narrow.replaceAll("[\\[\\]\"]", "").split(",");
    assertTrue(Integer.parseInt(n[0]) <= Integer.parseInt(n[1]), "page scrolls: " + narrow);
    assertTrue(n[5].equals("auto") || n[5].equals("scroll"), "no scroll box: " + narrow);
  }
}
