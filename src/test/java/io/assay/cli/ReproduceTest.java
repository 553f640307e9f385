package io.assay.cli;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.assay.reconcile.ReconcileJobTest;
import io.assay.testing.Fixtures;
import io.assay.testing.LogCapture;
import io.assay.testing.SparkTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A recorded reconciliation run reproduces exactly; after its input changes it does not, and says
 * which input changed; after a definition changes, reproduce refuses (exit 2). A nightly over two
 * dates — which writes every table once per date and reads back what its earlier stages wrote —
 * reproduces, and so does each stage command run afterwards on the root it built (reading the state
 * the nightly left). The nightly's reports name the nightly, and a report run's name the analysis
 * whose numbers they show.
 */
@SparkTest
class ReproduceTest {
  record Result(int code, String out) {}

  static Result run(String... args) {
    StringWriter text = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(text));
    cl.setErr(new PrintWriter(text));
    return new Result(cl.execute(args), text.toString());
  }

  /** Metric sources with rows for every unit of the logs, so the analysis has numbers to check. */
  static void metricSources(SparkSession spark, Path conf, Path logs) throws Exception {
    java.util.TreeSet<String> ids = new java.util.TreeSet<>();
    var unitId = java.util.regex.Pattern.compile("\"unit_id\":\"([^\"]+)\"");
    try (var files = Files.walk(logs)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        var m = unitId.matcher(Files.readString(f));
        while (m.find()) {
          ids.add(m.group(1));
        }
      }
    }
    Path data = conf.getParent().resolve("data/demo");
    List<Object[]> orders = new java.util.ArrayList<>();
    List<Object[]> events = new java.util.ArrayList<>();
    int i = 0;
    for (String u : ids) {
      java.sql.Timestamp t =
          java.sql.Timestamp.from(java.time.Instant.parse("2026-11-02T12:00:00Z").plusSeconds(i));
      orders.add(new Object[] {u, t, 10.0 + 7.3 * (i % 5), "paid"});
      for (int k = 0; k <= i % 3; k++) {
        events.add(new Object[] {u, t});
      }
      i++;
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
  }

  /** The id of the latest run of {@code command} recorded under {@code out}. */
  static String lastRun(SparkSession spark, Path out, String command) {
    return spark
        .read()
        .format("delta")
        .load(out.resolve("runs").toString())
        .filter(col("command").equalTo(command))
        .orderBy(col("started_at").desc())
        .first()
        .getAs("run_id");
  }

  static JsonNode json(Path file) throws Exception {
    return new ObjectMapper().readTree(file.toFile());
  }

  @Test
  void aNightlyAndEachStageCommandAfterItReproduce(SparkSession spark) throws Exception {
    ReconcileJobTest.logs();
    Path conf = ReconcileJobTest.confWithKeyFile();
    metricSources(spark, conf, ReconcileJobTest.logsRoot());
    Path out = Fixtures.tempDir("repro-nightly-");
    List<String> common = List.of("--conf", conf.toString(), "--out", out.toString());
    String logs = ReconcileJobTest.logsRoot().toString();

    Result nightly;
    List<String> logged;
    try (LogCapture log = new LogCapture()) {
      nightly =
          run(
              args(
                  "nightly", common, "--from", "2026-11-02", "--to", "2026-11-03", "--logs", logs));
      logged = log.messages();
    }
    assertEquals(0, nightly.code(), nightly.out());
    // Every summary line is said once: printed when the run ends, never also logged.
    List<String> summary =
        nightly.out().lines().filter(l -> l.startsWith("  2026-11-0")).map(String::strip).toList();
    assertTrue(summary.stream().anyMatch(l -> l.contains(" ALERT ")), nightly.out());
    for (String line : summary) {
      String text = line.substring(line.indexOf(' ', 11)).strip(); // without date and stage
      assertTrue(logged.stream().noneMatch(m -> m.contains(text)), "logged and printed: " + line);
    }
    assertTrue(
        logged.stream().anyMatch(m -> m.contains("2026-11-03 report: done in")), "" + logged);

    // The nightly's reports name the nightly, with the code and engines that computed them.
    String nightlyId = lastRun(spark, out, "nightly");
    Path reports = out.resolve("reports/2026-11-03");
    JsonNode run = json(reports.resolve("checkout_button@1.0.0.json")).path("run");
    assertEquals(nightlyId, run.path("run_id").asText(), run.toString());
    assertEquals(io.assay.io.BuildInfo.commit(), run.path("git_commit").asText());
    assertEquals(spark.version(), run.path("spark_version").asText());
    assertEquals(System.getProperty("java.version"), run.path("java_version").asText());
    assertTrue(
        Files.readString(reports.resolve("checkout_button@1.0.0.html"))
            .contains("reproduce --run-id " + nightlyId));

    Result again = run(args("reproduce", common, "--run-id", nightlyId));
    assertEquals(0, again.code(), again.out());
    assertTrue(again.out().contains("reproduced: every output equals"), again.out());
    for (String output :
        List.of(
            "alerts",
            "covariate_balance",
            "metric_results",
            "enrollments",
            "reports/2026-11-03/checkout_button@1.0.0.json",
            "exports/2026-11-02/metric_results.csv")) {
      assertTrue(
          again
              .out()
              .lines()
              .anyMatch(l -> l.strip().startsWith(output + " ") && l.contains(" equal")),
          output + " in:\n" + again.out());
    }

    // Each later stage command on the root the nightly left (reading the state it left), each run
    // reproduced in turn; a reconcile run is reproduced by the test below.
    List<List<String>> stages =
        List.of(
            List.of("balance", "--date", "2026-11-03"),
            List.of("analyze", "--date", "2026-11-03"),
            List.of("report", "--date", "2026-11-03"));
    for (List<String> stage : stages) {
      Result r =
          run(args(stage.get(0), common, stage.subList(1, stage.size()).toArray(String[]::new)));
      assertEquals(0, r.code(), r.out());
      String id = lastRun(spark, out, stage.get(0));
      Result rr = run(args("reproduce", common, "--run-id", id));
      assertEquals(0, rr.code(), stage + ":\n" + rr.out());
      assertTrue(rr.out().contains("reproduced: every output equals"), rr.out());
    }
    // A report run shows the numbers of the analysis run and names it.
    run = json(reports.resolve("checkout_button@1.0.0.json")).path("run");
    assertEquals(lastRun(spark, out, "analyze"), run.path("run_id").asText(), run.toString());
    assertEquals(io.assay.io.BuildInfo.commit(), run.path("git_commit").asText());

    // sql only reads: a statement that writes is a usage error and writes nothing.
    Path dir = Fixtures.tempDir("sql-write-").resolve("x");
    for (String write :
        List.of(
            "INSERT OVERWRITE DIRECTORY '" + dir + "' USING parquet SELECT * FROM runs",
            "CREATE TABLE t USING delta LOCATION '" + dir + "' AS SELECT * FROM runs",
            "DELETE FROM delta.`" + out.resolve("alerts") + "`",
            "SET spark.sql.shuffle.partitions=1")) {
      Result r =
          run(args("sql", List.of("--conf", conf.toString(), "--out", out.toString()), write));
      assertEquals(2, r.code(), write + ": " + r.out());
      assertTrue(r.out().contains("sql reads only"), r.out());
      assertFalse(Files.exists(dir), write);
    }
    for (String read : List.of("SELECT count(*) AS n FROM runs", "DESCRIBE runs")) {
      Result r =
          run(args("sql", List.of("--conf", conf.toString(), "--out", out.toString()), read));
      assertEquals(0, r.code(), read + ": " + r.out());
    }
  }

  /** A nightly whose analysis fails is recorded as failed, with the reason. */
  @Test
  void aNightlyWithAFailedStageIsRecordedAsFailed(SparkSession spark) throws Exception {
    ReconcileJobTest.logs();
    Path conf = ReconcileJobTest.confWithKeyFile(); // no metric sources: analyze cannot read them
    Path out = Fixtures.tempDir("repro-failed-");
    Result r =
        run(
            "nightly",
            "--conf",
            conf.toString(),
            "--out",
            out.toString(),
            "--date",
            "2026-11-02",
            "--logs",
            ReconcileJobTest.logsRoot().toString());
    assertEquals(1, r.code(), r.out());
    Row row = spark.read().format("delta").load(out.resolve("runs").toString()).first();
    assertEquals("failed", row.getAs("status"), row.toString());
    assertTrue(row.<String>getAs("error").contains("2026-11-02 analyze"), row.toString());
  }

  static String[] args(String command, List<String> common, String... more) {
    List<String> a = new java.util.ArrayList<>();
    a.add(command);
    a.addAll(common);
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @Test
  void aRunReproducesUntilItsInputsOrDefinitionsChange(SparkSession spark) throws Exception {
    ReconcileJobTest.logs();
    Path conf = ReconcileJobTest.confWithKeyFile();
    Path out = Fixtures.tempDir("repro-");
    String logs = ReconcileJobTest.logsRoot().toString();
    Result first =
        run(
            "reconcile",
            "--conf",
            conf.toString(),
            "--date",
            "2026-11-02",
            "--logs",
            logs,
            "--out",
            out.toString());
    assertEquals(0, first.code(), first.out());
    List<Row> runs =
        spark.read().format("delta").load(out.resolve("runs").toString()).collectAsList();
    assertEquals(1, runs.size());
    Row run = runs.get(0);
    assertEquals("succeeded", run.getAs("status"));
    assertTrue(run.<Row>getList(run.fieldIndex("outputs")).size() >= 7);
    String runId = run.getAs("run_id");

    Result same =
        run("reproduce", "--conf", conf.toString(), "--run-id", runId, "--out", out.toString());
    assertEquals(0, same.code(), same.out());
    assertTrue(same.out().contains("reconciliation_summary"), same.out());
    assertTrue(same.out().contains("reproduced: every output equals"), same.out());

    // Another (valid) exposure in the log partition: the reproduction differs and says why.
    Path part = ReconcileJobTest.logsRoot().resolve("date=2026-11-02/part-0.json");
    String extra = Files.readAllLines(part).get(0).replace("\"e1\"", "\"e-new\"");
    Files.writeString(part, extra + "\n", StandardOpenOption.APPEND);
    Result changed =
        run("reproduce", "--conf", conf.toString(), "--run-id", runId, "--out", out.toString());
    assertEquals(1, changed.code(), changed.out());
    assertTrue(changed.out().contains("WARNING input changed since the run"), changed.out());
    assertTrue(changed.out().contains("DIFFERENT"), changed.out());

    Path def = conf.resolve("experiments/checkout_button/1.0.0.yaml");
    Files.writeString(def, Files.readString(def).replace("traffic: 1.0", "traffic: 0.9"));
    Result redefined =
        run("reproduce", "--conf", conf.toString(), "--run-id", runId, "--out", out.toString());
    assertEquals(2, redefined.code(), redefined.out());
    assertTrue(redefined.out().contains("changed since the run"), redefined.out());
    assertEquals(
        1,
        spark
            .read()
            .format("delta")
            .load(out.resolve("runs").toString())
            .filter(col("run_id").equalTo(runId))
            .count());
  }
}
