package io.assay.e2e;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.assay.testing.GeneratedWorld;
import io.assay.testing.Launcher;
import io.assay.testing.SparkTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole product as a user meets it, on a generated world: the launcher runs {@code generate},
 * {@code reconcile} and {@code nightly}; then the reports, the {@code runs} table, {@code assay
 * sql} and the notebooks (executed headless by Debian's Jupyter over the report's exports) are
 * checked.
 */
@SparkTest
class EndToEndIT {
  static final Path NBCONVERT = Path.of("/usr/bin/jupyter-nbconvert");
  static GeneratedWorld world;

  @BeforeAll
  static void world() {
    world = GeneratedWorld.get();
  }

  @Test
  void reportsOfTheLastDateExistWithAnIndex() throws Exception {
    Path reports = world.out.resolve("reports").resolve(world.last().toString());
    assertTrue(Files.isRegularFile(reports.resolve("index.html")), reports.toString());
    JsonNode index = new ObjectMapper().readTree(reports.resolve("index.json").toFile());
    List<String> listed = new ArrayList<>();
    index.get("experiments").forEach(e -> listed.add(e.get("experiment").asText()));
    assertTrue(listed.contains("checkout_button"), listed.toString());
    for (JsonNode e : index.get("experiments")) {
      Path page = reports.resolve(e.get("report").asText());
      assertTrue(Files.isRegularFile(page), page.toString());
    }
  }

  @Test
  void theRunsTableRecordsWhatEachRunReadAndWrote(SparkSession spark) {
    List<Row> runs =
        spark.read().format("delta").load(world.out.resolve("runs").toString()).collectAsList();
    assertEquals(2, runs.size(), "reconcile and nightly");
    for (Row r : runs) {
      assertEquals("succeeded", r.getAs("status"), r.toString());
      Map<String, String> defs = r.getJavaMap(r.fieldIndex("definitions"));
      assertTrue(defs.containsKey("checkout_button@1.0.0"), defs.toString());
      assertEquals(64, defs.get("assay.yaml").length(), defs.toString());
      assertTrue(r.<String>getAs("git_commit") != null);
      List<Row> inputs = r.getList(r.fieldIndex("inputs"));
      assertTrue(!inputs.isEmpty(), "inputs recorded");
      List<Row> outputs = r.getList(r.fieldIndex("outputs"));
      // A table with the Delta version written, or a report / export file with its fingerprint.
      assertTrue(
          outputs.stream().allMatch(o -> o.isNullAt(2) != o.isNullAt(3)),
          "every output has its Delta version or its file fingerprint: " + outputs);
      assertTrue(
          outputs.stream().anyMatch(o -> "enrollments".equals(o.getAs("name"))), "" + outputs);
      assertFalse(r.isNullAt(r.fieldIndex("start_versions")), "start versions recorded");
    }
    Row nightly =
        spark
            .read()
            .format("delta")
            .load(world.out.resolve("runs").toString())
            .filter(col("command").equalTo("nightly"))
            .first();
    List<Row> inputs = nightly.getList(nightly.fieldIndex("inputs"));
    assertTrue(
        inputs.stream().anyMatch(i -> "enrollments".equals(i.getAs("name")) && !i.isNullAt(3)),
        "the nightly run read enrollments at a recorded Delta version: " + inputs);
  }

  @Test
  void theDemoEndsByPrintingWhereTheReportsAreAfterItsQuery() throws Exception {
    String out = world.demoOutput;
    assertTrue(out.contains("demo finished in "), out);
    List<String> reports =
        out.lines().map(String::strip).filter(l -> l.startsWith("reports:")).toList();
    assertTrue(!reports.isEmpty(), out);
    Path index = Path.of(reports.get(reports.size() - 1).substring("reports:".length()).strip());
    assertTrue(
        Files.isSameFile(
            index,
            world.out.resolve("reports").resolve(world.last().toString()).resolve("index.html")),
        index.toString());
    // The query step: one row per experiment's primary metric and arm, lift and its interval in
    // percent, and a p-value (never printed as 0).
    for (String experiment :
        List.of(
            "checkout_button",
            "checkout_upsell",
            "onboarding_copy",
            "pricing_banner",
            "recs_widget",
            "search_ranking")) {
      List<String> rows = out.lines().filter(l -> l.startsWith("| " + experiment + " ")).toList();
      assertTrue(!rows.isEmpty(), experiment + " missing from the demo's query:\n" + out);
      for (String row : rows) {
        assertTrue(row.matches(".*\\| [+-]\\d+\\.\\d\\d% +\\|.*%.*\\|.*"), row);
        assertTrue(row.matches(".*\\| (< 0\\.0001|0\\.\\d{4}|1\\.0000) +\\|$"), row);
      }
    }
  }

  @Test
  void sqlQueriesTheOutputTablesByName() {
    Launcher.Result r =
        Launcher.assay(
            GeneratedWorld.ENV,
            Duration.ofMinutes(5),
            "sql",
            "--conf",
            world.conf.toString(),
            "--out",
            world.out.toString(),
            "--csv",
            "SELECT experiment, count(*) AS n FROM metric_results GROUP BY experiment"
                + " ORDER BY experiment");
    assertEquals(0, r.exit(), r.output());
    List<String> lines = r.stdout().lines().filter(l -> !l.isBlank()).toList();
    assertEquals("experiment,n", lines.get(0), r.output());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("checkout_button,")), r.output());
  }

  static Stream<Path> notebooks() throws Exception {
    return Files.list(Path.of("notebooks")).filter(p -> p.toString().endsWith(".ipynb")).sorted();
  }

  @ParameterizedTest
  @MethodSource("notebooks")
  void notebookRunsHeadlessOnTheExports(Path notebook) throws Exception {
    assertTrue(
        Files.isExecutable(NBCONVERT),
        "Debian's Jupyter is missing: run jobs/test.sh (installs .ci/packages.txt)");
    Path outDir = Path.of("target/notebooks");
    Files.createDirectories(outDir);
    Launcher.Result r =
        Launcher.run(
            List.of(
                NBCONVERT.toString(),
                "--to",
                "notebook",
                "--execute",
                "--ExecutePreprocessor.timeout=300",
                "--output-dir",
                outDir.toString(),
                notebook.toString()),
            Map.of(
                "ASSAY_EXPORTS",
                world.out.resolve("exports").resolve(world.last().toString()).toString(),
                "ASSAY_OUT",
                world.out.toString(),
                "ASSAY_DATE",
                world.last().toString(),
                "ASSAY_CONF",
                world.conf.toString(),
                "ASSAY_HOME",
                Launcher.ROOT.toString(),
                "ASSAY_PSEUDONYM_KEY",
                GeneratedWorld.KEY),
            Duration.ofMinutes(10));
    assertEquals(0, r.exit(), notebook + " failed:\n" + r.output());
    JsonNode executed =
        new ObjectMapper().readTree(outDir.resolve(notebook.getFileName()).toFile());
    int outputs = 0;
    for (JsonNode cell : executed.get("cells")) {
      for (JsonNode o : cell.path("outputs")) {
        outputs++;
        assertTrue(!"error".equals(o.path("output_type").asText()), notebook + ": " + o);
      }
    }
    assertTrue(outputs > 0, notebook + " produced no output");
  }
}
