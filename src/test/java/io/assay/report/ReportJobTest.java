package io.assay.report;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.assay.io.RunContext;
import io.assay.metrics.SleepWorld;
import io.assay.testing.Browser;
import io.assay.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reports of the analysed sleep world: the files exist, the page loads in headless Chromium without
 * a single console message, a screenshot is saved under target/screenshots, and every number the
 * metrics table shows is the {@code metric_results} row's value formatted.
 */
@SparkTest
class ReportJobTest {
  static SleepWorld world;
  static ReportJob.Result result;
  static final LocalDate DATE = LocalDate.parse("2026-11-14");

  @BeforeAll
  static void report(SparkSession spark) throws Exception {
    world = SleepWorld.build(spark);
    result =
        ReportJob.run(
            spark,
            RunContext.of(
                world.conf(),
                "report-test",
                io.assay.config.Location.local(world.out()),
                Optional.empty()),
            DATE);
  }

  @Test
  void everyFormatIsWrittenAndExportsExist() throws Exception {
    Path dir = result.reports().localPath();
    for (String f :
        List.of(
            "index.html",
            "index.json",
            "sleep_test@1.0.0.html",
            "sleep_test@1.0.0.json",
            "sleep_test@1.0.0.md")) {
      assertTrue(Files.size(dir.resolve(f)) > 100, f);
    }
    JsonNode json = new ObjectMapper().readTree(dir.resolve("sleep_test@1.0.0.json").toFile());
    JsonNode revenue = json.get("metrics").get(0);
    assertEquals("revenue", revenue.get("metric").asText());
    assertEquals(1.58, revenue.get("effect").asDouble(), 1e-12);
    assertEquals("dont_ship", json.get("decisions").get(0).get("decision").asText());
    String md = Files.readString(dir.resolve("sleep_test@1.0.0.md"));
    assertTrue(md.contains("| revenue | primary | group2 | 0.75 | 2.33 |"), md);
    String csv = Files.readString(result.exports().localPath().resolve("metric_results.csv"));
    assertTrue(csv.startsWith("date,experiment,version,metric,"), csv.substring(0, 80));
    assertFalse(Files.exists(dir.resolveSibling(DATE + ".old")));
  }

  @Test
  void thePageLoadsCleanlyAndShowsTheTableValues(SparkSession spark) {
    Path page = result.reports().localPath().resolve("sleep_test@1.0.0.html");
    Browser.Page loaded = Browser.load(page);
    assertTrue(loaded.console().isEmpty(), "console messages: " + loaded.console());
    assertTrue(loaded.dom().contains("<svg"), "charts are inline SVG");
    Browser.screenshot(page, Path.of("target/screenshots/sleep_test-report.png"));
    Browser.screenshot(
        result.reports().localPath().resolve("index.html"),
        Path.of("target/screenshots/index.png"));

    List<Row> rows =
        spark
            .read()
            .format("delta")
            .load(world.out().resolve("metric_results").toString())
            .filter(col("segment_key").equalTo("all"))
            .collectAsList();
    int checked = 0;
    for (Row r : rows) {
      String row = rowHtml(loaded.dom(), r.getAs("metric"), r.getAs("arm"));
      checked += expect(row, "estimate_control", Format.num(r.getAs("estimate_control")));
      checked += expect(row, "estimate_treatment", Format.num(r.getAs("estimate_treatment")));
      checked += expect(row, "effect", Format.num(r.getAs("effect")));
      checked += expect(row, "relative_effect", Format.pct(r.getAs("relative_effect")));
      checked += expect(row, "p_value", Format.p(r.getAs("p_value")));
      checked += expect(row, "p_value_adjusted", Format.p(r.getAs("p_value_adjusted")));
      checked +=
          expect(row, "ci", Format.interval(r.getAs("ci_lower"), r.getAs("ci_upper"), Format::num));
    }
    assertEquals(rows.size() * 7, checked);
    // The published numbers, as shown: R's sleep data.
    String revenue = rowHtml(loaded.dom(), "revenue", "group2");
    assertEquals(1, expect(revenue, "ci", "[-0.2055, 3.365]"));
    assertEquals(1, expect(revenue, "p_value", "0.0794"));
  }

  @Test
  void theConsoleCheckCatchesAPageWithAnError() throws Exception {
    Path bad = result.reports().localPath().resolveSibling("bad.html");
    Files.writeString(bad, "<!DOCTYPE html><p>x</p><script>undefinedFunction();</script>");
    assertFalse(Browser.load(bad).console().isEmpty());
  }

  private static String rowHtml(String dom, String metric, String arm) {
    Matcher m =
        Pattern.compile(
                "<tr data-metric=\""
                    + metric
                    + "\" data-arm=\""
                    + arm
                    + "\" data-segment=\"all=all\">(.*?)</tr>",
                Pattern.DOTALL)
            .matcher(dom);
    assertTrue(m.find(), "no row for " + metric + " / " + arm);
    return m.group(1);
  }

  private static int expect(String rowHtml, String field, String text) {
    // The cell (or the span inside a cell) that holds the field, up to the next tag.
    Matcher m = Pattern.compile("data-field=\"" + field + "\">([^<]*)<").matcher(rowHtml);
    assertTrue(m.find(), "no cell " + field);
    assertEquals(
        Format.html(text), m.group(1), field + " shows " + m.group(1) + ", the table says " + text);
    return 1;
  }
}
