package io.assay.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.cli.Main;
import io.assay.reconcile.ReconcileJobTest;
import io.assay.testing.Commands;
import io.assay.testing.Commands.Ran;
import io.assay.testing.Fixtures;
import io.assay.testing.SparkTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The whole nightly pipeline (reconcile → balance → analyze → report) on the hand-built logs, whose
 * unit ids are recognisable ({@code user-…}), with metric rows for every one of them: no raw unit
 * id appears anywhere under the output root — not in any Delta table's rows (read as JSON text),
 * not in any report, export or other file. Strata segments below {@code privacy.min_cell_size} show
 * as suppressed in the HTML report.
 */
@SparkTest
class PrivacyTest {
  private static final Pattern UNIT_ID = Pattern.compile("\"unit_id\":\"([^\"]+)\"");

  @Test
  void noRawUnitIdInAnyOutput(SparkSession spark) throws Exception {
    ReconcileJobTest.logs();
    Path conf = ReconcileJobTest.confWithKeyFile();
    Path logs = ReconcileJobTest.logsRoot();
    TreeSet<String> ids = ReconcileJobTest.unitIdsInLogs();
    assertTrue(ids.size() >= 10 && ids.stream().allMatch(u -> u.startsWith("user-")), "" + ids);
    // Metric sources with a row for every unit, so the analysis joins every id.
    ReconcileJobTest.metricSources(spark, conf, ids);

    Path out = Fixtures.tempDir("privacy-");
    StringWriter text = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(text));
    cl.setErr(new PrintWriter(text));
    int code =
        cl.execute(
            "nightly",
            "--conf",
            conf.toString(),
            "--logs",
            logs.toString(),
            "--date",
            "2026-11-02",
            "--out",
            out.toString());
    assertEquals(0, code, text.toString());
    assertTrue(text.toString().contains("2026-11-02 report"), text.toString());

    List<String> leaks = new ArrayList<>();
    List<Path> tables;
    try (Stream<Path> s = Files.walk(out)) {
      tables = s.filter(p -> Files.isDirectory(p.resolve("_delta_log"))).toList();
    }
    assertTrue(tables.size() >= 10, "tables: " + tables);
    for (Path table : tables) {
      // Output tables are small here; every row is read back as text.
      for (String row :
          spark.read().format("delta").load(table.toString()).toJSON().collectAsList()) {
        ids.stream().filter(row::contains).forEach(u -> leaks.add(table.getFileName() + ": " + u));
      }
    }
    List<Path> files;
    try (Stream<Path> s = Files.walk(out)) {
      files =
          s.filter(Files::isRegularFile)
              .filter(p -> !p.toString().endsWith(".parquet") && !p.toString().endsWith(".crc"))
              .toList();
    }
    long reportFiles = files.stream().filter(p -> p.toString().contains("/reports/")).count();
    assertTrue(reportFiles >= 3, "report files: " + files);
    for (Path f : files) {
      String s = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.UTF_8);
      ids.stream().filter(s::contains).forEach(u -> leaks.add(out.relativize(f) + ": " + u));
    }
    assertTrue(leaks.isEmpty(), "raw unit ids in outputs: " + leaks);

    // Every strata segment here is far below min_cell_size (50): shown as suppressed.
    Path html = out.resolve("reports/2026-11-02/checkout_button@1.0.0.html");
    String page = Files.readString(html);
    assertTrue(
        page.contains("suppressed: fewer units than the minimum cell size"), html.toString());
    assertFalse(page.contains("NaN") || page.contains("Infinity"), html.toString());
  }

  /**
   * An output root is built under one pseudonymization key: a run with another key, or with
   * pseudonymization switched off, would name every unit twice (and count it twice), so it stops
   * before it writes anything (exit 2), naming the root's key record and the fix. Reproducing a run
   * needs the run's key too.
   */
  @Test
  void aRunWithAnotherKeyIsRefusedBeforeItWrites(SparkSession spark) throws Exception {
    ReconcileJobTest.logs();
    Path conf = ReconcileJobTest.confWithKeyFile();
    Path out = Fixtures.tempDir("rekey-");
    String[] reconcile = {
      "reconcile",
      "--conf",
      conf.toString(),
      "--out",
      out.toString(),
      "--date",
      "2026-11-02",
      "--logs",
      ReconcileJobTest.logsRoot().toString()
    };
    assertEquals(0, Commands.run(reconcile).code());
    Path record = out.resolve(io.assay.pipeline.PseudonymKey.ROOT_FILE);
    String recorded = Files.readString(record);
    assertFalse(recorded.contains(ReconcileJobTest.KEY), recorded);
    var before = io.assay.io.Inputs.versionsUnder(spark, out.toString());
    String runId =
        spark.read().format("delta").load(out.resolve("runs").toString()).first().getAs("run_id");

    Files.writeString(conf.getParent().resolve("pseudonym.key"), "another-key");
    for (String[] args :
        List.of(
            reconcile,
            new String[] {
              "analyze", "--conf", conf.toString(), "--out", out.toString(), "--date", "2026-11-02"
            },
            new String[] {
              "reproduce", "--conf", conf.toString(), "--out", out.toString(), "--run-id", runId
            })) {
      Ran r = Commands.run(args);
      assertEquals(2, r.code(), args[0] + ": " + r.text());
      assertTrue(r.text().contains(record.toString()), r.text());
      assertTrue(
          r.text().contains("differs from the one this output root was built with"), r.text());
      assertTrue(r.text().contains("rebuild into a new output root"), r.text());
    }
    Path site = conf.resolve("assay.yaml");
    Files.writeString(
        site, Files.readString(site).replace("pseudonymize: true", "pseudonymize: false"));
    Ran raw = Commands.run(reconcile);
    assertEquals(2, raw.code(), raw.text());
    assertTrue(raw.text().contains("pseudonymization is off for this run"), raw.text());

    assertEquals(before, io.assay.io.Inputs.versionsUnder(spark, out.toString()));
    assertEquals(recorded, Files.readString(record));
  }
}
