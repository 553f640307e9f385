package io.assay.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.cli.Main;
import io.assay.reconcile.ReconcileJobTest;
import io.assay.testing.Fixtures;
import io.assay.testing.SparkTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
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
    TreeSet<String> ids = new TreeSet<>();
    try (Stream<Path> files = Files.walk(logs)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Matcher m = UNIT_ID.matcher(Files.readString(f));
        while (m.find()) {
          ids.add(m.group(1));
        }
      }
    }
    assertTrue(ids.size() >= 10 && ids.stream().allMatch(u -> u.startsWith("user-")), "" + ids);

    // Metric sources with a row for every unit, so the analysis joins every id.
    Path data = conf.getParent().resolve("data/demo");
    Timestamp t = Timestamp.from(Instant.parse("2026-11-02T12:00:00Z"));
    List<Object[]> orders = new ArrayList<>();
    List<Object[]> events = new ArrayList<>();
    for (String u : ids) {
      orders.add(new Object[] {u, t, 10.0, "paid"});
      events.add(new Object[] {u, t});
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
}
