package io.assay.cli;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.reconcile.ReconcileJobTest;
import io.assay.testing.Fixtures;
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
 * which input changed; after a definition changes, reproduce refuses (exit 2).
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
