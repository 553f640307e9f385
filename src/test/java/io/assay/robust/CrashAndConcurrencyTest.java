package io.assay.robust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.cli.Main;
import io.assay.io.OutputLock;
import io.assay.io.TableComparison;
import io.assay.io.Tables;
import io.assay.reconcile.ReconcileJobTest;
import io.assay.testing.Fixtures;
import io.assay.testing.SparkTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Crash safety and concurrency of {@code assay reconcile}, with real processes: child JVMs run the
 * CLI on the hand-built reconciliation logs and are killed with SIGKILL at chosen points (during
 * the per-date Delta writes, during the enrollments MERGE); a rerun then leaves every table equal
 * to a clean run's, row for row (so no duplicates). A second run on an output root that a running
 * child holds fails at once with exit 1 and a message, writes nothing, and the holder's result is
 * again equal to the clean run (that a dead holder's lock does not block the next run is shown by
 * the reruns after the kills). A report whose run died between its staging and its swap leaves
 * nothing half-written behind after the rerun.
 */
@SparkTest
class CrashAndConcurrencyTest {
  static Path conf;
  static Path clean;

  @BeforeAll
  static void cleanRun() throws Exception {
    ReconcileJobTest.logs();
    conf = ReconcileJobTest.confWithKeyFile();
    clean = Fixtures.tempDir("clean-");
    assertEquals(0, cli(reconcile(clean)).code, "the clean run");
  }

  static String[] reconcile(Path out) {
    return new String[] {
      "reconcile",
      "--conf",
      conf.toString(),
      "--from",
      "2026-11-02",
      "--to",
      "2026-11-03",
      "--logs",
      ReconcileJobTest.logsRoot().toString(),
      "--out",
      out.toString()
    };
  }

  record Ran(int code, String text) {}

  static Ran cli(String... args) {
    StringWriter text = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(text));
    cl.setErr(new PrintWriter(text));
    int code = cl.execute(args);
    return new Ran(code, text.toString());
  }

  @Test
  void killedAtAnyPointARerunEqualsACleanRun(SparkSession spark) throws Exception {
    Path out = Fixtures.tempDir("crash-");
    Path logDir = Fixtures.tempDir("crash-logs-");
    // 1: killed during the per-date Delta writes (several tables are being written at once).
    Process p = ChildJvm.start(logDir.resolve("kill1.log"), reconcile(out));
    assertTrue(
        ChildJvm.killAfter(p, logDir.resolve("kill1.log"), "writing quarantine, mismatches", 1500),
        ChildJvm.text(logDir.resolve("kill1.log")));
    // 2: a rerun killed while it rebuilds enrollments.
    p = ChildJvm.start(logDir.resolve("kill2.log"), reconcile(out));
    assertTrue(
        ChildJvm.killAfter(p, logDir.resolve("kill2.log"), "folding enrollments", 300),
        ChildJvm.text(logDir.resolve("kill2.log")));
    // Every table left behind is still a readable Delta table (each commit is atomic).
    for (Path t : tables(out)) {
      spark.read().format("delta").load(t.toString()).count();
    }
    // 3: the rerun to completion; no stale lock blocks it.
    Ran rerun = cli(reconcile(out));
    assertEquals(0, rerun.code, rerun.text);
    assertSameTables(spark, clean, out);
  }

  @Test
  void aSecondRunOnTheSameRootFailsCleanlyAndTheFirstIsUnharmed(SparkSession spark)
      throws Exception {
    Path out = Fixtures.tempDir("concurrent-");
    Path log = Fixtures.tempDir("concurrent-logs-").resolve("first.log");
    Process first = ChildJvm.start(log, reconcile(out));
    assertTrue(ChildJvm.await(first, log, "reconcile 2026-11-02..2026-11-03: reading", 300));
    Ran second = cli(reconcile(out));
    assertEquals(1, second.code, second.text);
    assertTrue(
        second.text.contains(
            out.resolve(OutputLock.FILE_NAME)
                + ": another assay run is writing to this output root"),
        second.text);
    assertTrue(second.text.contains("pid " + first.pid()), "names the holder: " + second.text);
    assertEquals(0, ChildJvm.finish(first), ChildJvm.text(log));
    assertSameTables(spark, clean, out);
  }

  @Test
  void aReportThatDiedMidSwapLeavesNothingHalfWrittenAfterTheRerun() throws Exception {
    Path out = Fixtures.tempDir("report-crash-");
    assertEquals(0, cli(reconcile(out)).code);
    Path reports = out.resolve("reports");
    // The state a kill leaves between "staging written" and the second rename of the swap.
    Files.createDirectories(reports.resolve("2026-11-02.tmp-20261125T000000Z-dead01"));
    Files.writeString(
        reports.resolve("2026-11-02.tmp-20261125T000000Z-dead01/index.html"), "<html><body>");
    Files.createDirectories(reports.resolve("2026-11-02.old"));
    Ran r =
        cli("report", "--conf", conf.toString(), "--date", "2026-11-02", "--out", out.toString());
    assertEquals(0, r.code, r.text);
    try (Stream<Path> s = Files.list(reports)) {
      assertEquals(List.of("2026-11-02"), s.map(x -> x.getFileName().toString()).sorted().toList());
    }
    assertTrue(Files.readString(reports.resolve("2026-11-02/index.html")).contains("</html>"));
    try (Stream<Path> s = Files.list(out.resolve("exports"))) {
      assertEquals(List.of("2026-11-02"), s.map(x -> x.getFileName().toString()).toList());
    }
  }

  static List<Path> tables(Path root) throws Exception {
    try (Stream<Path> s = Files.list(root)) {
      // A table whose creation was killed before its first commit is not a table yet.
      return s.filter(t -> Tables.isDelta(SparkSession.active(), t.toString())).sorted().toList();
    }
  }

  static void assertSameTables(SparkSession spark, Path expected, Path actual) throws Exception {
    List<String> names = tables(expected).stream().map(t -> t.getFileName().toString()).toList();
    assertEquals(
        names, tables(actual).stream().map(t -> t.getFileName().toString()).toList(), "tables");
    for (String t : names) {
      if (t.equals("runs")) {
        continue; // one row per run, killed runs included: different by design
      }
      Dataset<Row> a = spark.read().format("delta").load(expected.resolve(t).toString());
      Dataset<Row> b = spark.read().format("delta").load(actual.resolve(t).toString());
      assertEquals(a.count(), b.count(), t + ": row count");
      assertEquals(0, TableComparison.differences(a, b), t + ": rows differ");
    }
    assertFalse(tables(actual).isEmpty());
  }
}
