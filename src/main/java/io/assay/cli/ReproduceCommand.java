package io.assay.cli;

import static org.apache.spark.sql.functions.col;

import io.assay.config.Conf;
import io.assay.config.ConfigException;
import io.assay.config.ExperimentDefinition;
import io.assay.config.Location;
import io.assay.config.Source;
import io.assay.io.ClaimLock;
import io.assay.io.DeltaTables;
import io.assay.io.FileComparison;
import io.assay.io.Inputs;
import io.assay.io.OutputLock;
import io.assay.io.OutputTables;
import io.assay.io.RunContext;
import io.assay.io.SparkSessions;
import io.assay.io.Storage;
import io.assay.io.TableComparison;
import io.assay.io.Tables;
import io.assay.pipeline.Definitions;
import io.assay.pipeline.PseudonymKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code assay reproduce}: re-runs a recorded run with the same definitions and the same input
 * versions (Delta time travel), into a scratch root, and compares every table it wrote with what
 * the original run wrote.
 */
@Command(
    name = "reproduce",
    mixinStandardHelpOptions = true,
    description = {
      "Re-run a recorded run with its definitions and pinned input versions; compare the results.",
      "Reads the run from the runs table, checks that every definition it used is unchanged,",
      "re-executes its command line reading every Delta input at the version the run read, writing",
      "to <output.root>/_reproduce/<run-id>, and compares each output table with the rows the run",
      "wrote (doubles to 9 significant digits). Exit 0 when equal, 1 with the differences."
    })
public final class ReproduceCommand implements Callable<Integer> {
  @Mixin ConfOption conf;
  @Spec CommandSpec spec;

  @Option(
      names = "--run-id",
      required = true,
      paramLabel = "ID",
      description = "The run to reproduce.")
  String runId;

  @Option(
      names = "--out",
      paramLabel = "ROOT",
      description = "Output root holding the run, a path or a Hadoop URI (default: output.root).")
  Location out;

  /** Width of the output-name column of the comparison lines. */
  private int width;

  @Override
  public Integer call() {
    Conf c = Definitions.load(conf.dir());
    Location root = out != null ? out : c.assay().outputRoot();
    SparkSession spark = SparkSessions.getOrCreate("assay-reproduce", "local[*]", Map.of());
    Storage storage = Storage.of(spark);
    PrintWriter o = spec.commandLine().getOut();
    String runs = root.resolve(OutputTables.RUNS.name()).uri();
    if (!Tables.isDelta(spark, runs)) {
      throw new UsageProblem("no runs table under " + root + "; pass --out ROOT of the run");
    }
    List<Row> found =
        spark
            .read()
            .format("delta")
            .load(runs)
            .filter(col("run_id").equalTo(runId))
            .collectAsList();
    if (found.isEmpty()) {
      throw new UsageProblem("no run '" + runId + "' in " + root.resolve(OutputTables.RUNS.name()));
    }
    Row run = found.get(0);
    for (String w : checkDefinitions(c, run.getJavaMap(run.fieldIndex("definitions")))) {
      spec.commandLine().getOut().println("WARNING " + w);
    }
    if (!List.of(run.schema().fieldNames()).contains("start_versions")
        || run.isNullAt(run.fieldIndex("start_versions"))) {
      throw new UsageProblem(
          "run "
              + runId
              + " was recorded by an assay version that did not keep the versions of the output"
              + " tables at its start, which a reproduction restores; it cannot be reproduced");
    }
    Map<String, Long> start = run.getJavaMap(run.fieldIndex("start_versions"));
    Map<String, String> parameters = run.getJavaMap(run.fieldIndex("parameters"));
    if ("true".equals(parameters.get("pseudonymized"))) {
      // The re-run must pseudonymize with the run's key, or no unit would match.
      PseudonymKey.verify(root, PseudonymKey.resolve(c.assay().privacy(), System.getenv()));
    }

    // Delta inputs outside the output root are read at the version the run read; the root's own
    // tables are cloned as they were when the run started, so the re-run reads and writes them
    // exactly as the run did (also when it wrote a table and read it back in a later stage).
    Map<String, Long> pins = new LinkedHashMap<>();
    List<String> changed = new ArrayList<>();
    List<String> unpinned = new ArrayList<>();
    for (Row in : run.<Row>getList(run.fieldIndex("inputs"))) {
      String recorded = in.getAs("path");
      if (recorded.startsWith(Inputs.TABLE_PREFIX) || recorded.startsWith(Inputs.SQL_PREFIX)) {
        catalogInput(in, pins, unpinned);
        continue;
      }
      // Runs recorded before locations were URIs hold plain local paths: the same inputs.
      String path = Tables.location(recorded).uri();
      if (under(root, path)) {
        continue;
      }
      if (!in.isNullAt(in.fieldIndex("delta_version"))) {
        pins.merge(path, in.<Long>getAs("delta_version"), Math::min);
      } else {
        String now = Inputs.fingerprint(spark, path);
        if (!now.equals(in.getAs("fingerprint"))) {
          changed.add(path + " (was " + in.getAs("fingerprint") + ", now " + now + ")");
        }
      }
    }
    List<String> args = new ArrayList<>(run.getList(run.fieldIndex("args")));
    int confAt = args.indexOf("--conf");
    if (confAt >= 0 && confAt + 1 < args.size()) {
      args.set(confAt + 1, run.getAs("conf_dir"));
    } else {
      args.add(1, "--conf");
      args.add(2, run.getAs("conf_dir"));
    }
    Location scratch = root.resolve("_reproduce").resolve(runId);
    OutputLock.acquire(scratch, "assay reproduce --run-id " + runId);
    if (storage.isDirectory(scratch)) { // an earlier reproduction
      for (Storage.Entry e : storage.list(scratch)) {
        if (!e.name().equals(OutputLock.FILE_NAME) && !e.name().equals(ClaimLock.DIR)) {
          storage.delete(scratch.resolve(e.name()));
        }
      }
    }
    for (Map.Entry<String, Long> t : start.entrySet()) {
      DeltaTables.shallowClone(
          spark, root.resolve(t.getKey()), t.getValue(), scratch.resolve(t.getKey()));
    }
    Location keyRecord = root.resolve(PseudonymKey.ROOT_FILE);
    if (storage.exists(keyRecord)) {
      storage.writeText(scratch.resolve(PseudonymKey.ROOT_FILE), storage.readText(keyRecord));
    }
    o.printf("reproducing %s: %s%n", runId, String.join(" ", args));
    for (String ch : changed) {
      o.printf("  WARNING input changed since the run: %s%n", ch);
    }
    for (String u : unpinned) {
      o.printf("  WARNING input not pinned: %s%n", u);
    }
    StringWriter rerunOut = new StringWriter();
    CommandLine rerun = Main.commandLine();
    rerun.setOut(new PrintWriter(rerunOut));
    rerun.setErr(new PrintWriter(rerunOut));
    int code;
    StageSetup.Reproduction reproduction = new StageSetup.Reproduction(pins, scratch);
    StageSetup.reproduce(reproduction);
    try {
      code = rerun.execute(args.toArray(String[]::new));
    } finally {
      StageSetup.endReproduction();
    }
    boolean originalFailed = "failed".equals(run.getAs("status"));
    boolean rerunFailed = code != ExitCodes.OK && code != ExitCodes.ALERT;
    if (rerunFailed && !originalFailed) {
      o.printf("the re-run failed (exit %d):%n%s%n", code, rerunOut);
      o.flush();
      return ExitCodes.FAILURE;
    }
    if (originalFailed) {
      o.printf(
          "  the run failed (%s); the re-run %s (exit %d)%n",
          run.<String>getAs("error"), rerunFailed ? "failed too" : "did not fail", code);
    }
    boolean equal = compare(spark, storage, run, scratch, reproduction.runId, o);
    if (originalFailed && !rerunFailed) {
      equal = false;
    }
    o.println(equal ? "reproduced: every output equals the original run's" : "NOT reproduced");
    o.flush();
    return equal ? ExitCodes.OK : ExitCodes.FAILURE;
  }

  /**
   * Compares every output of the run with the re-run's: each table as the run left it (its last
   * version written by the run, rows stamped with the run's id) with the re-run's rows, and each
   * recorded file with the re-run's file of the same name.
   */
  private boolean compare(
      SparkSession spark,
      Storage storage,
      Row run,
      Location scratch,
      String againId,
      PrintWriter o) {
    List<Row> outputs = run.getList(run.fieldIndex("outputs"));
    if (outputs.isEmpty()) {
      o.println("  the run wrote nothing: nothing to compare");
      return true;
    }
    Map<String, Row> last = new TreeMap<>();
    for (Row output : outputs) {
      last.merge(
          output.getAs("name"),
          output,
          (a, b) ->
              a.isNullAt(a.fieldIndex("delta_version"))
                      || b.<Long>getAs("delta_version") > a.<Long>getAs("delta_version")
                  ? b
                  : a);
    }
    width = last.keySet().stream().mapToInt(String::length).max().orElse(0);
    boolean equal = true;
    for (Row output : last.values()) {
      String name = output.getAs("name");
      equal &=
          output.isNullAt(output.fieldIndex("delta_version"))
              ? compareFile(storage, output, scratch.resolve(name), o)
              : compareTable(spark, output, scratch.resolve(name), againId, o);
    }
    return equal;
  }

  private boolean compareTable(
      SparkSession spark, Row output, Location again, String againId, PrintWriter o) {
    String name = output.getAs("name");
    if (!Tables.isDelta(spark, again.uri())) {
      o.printf("  %-" + width + "s DIFFERENT: the re-run did not write it%n", name);
      return false;
    }
    Dataset<Row> original =
        spark
            .read()
            .format("delta")
            .option("versionAsOf", output.<Long>getAs("delta_version"))
            .load(Tables.location(output.<String>getAs("path")).uri())
            .filter(col("run_id").equalTo(runId));
    Dataset<Row> rerun =
        spark.read().format("delta").load(again.uri()).filter(col("run_id").equalTo(againId));
    Dataset<Row> differing = TableComparison.mismatches(original, rerun).cache();
    try {
      long groups = differing.count();
      if (groups == 0) {
        o.printf("  %-" + width + "s equal (%d rows)%n", name, rerun.count());
        return true;
      }
      o.printf(
          "  %-" + width + "s DIFFERENT: %d row(s) differ (doubles compared to a relative %.0e)%n",
          name,
          groups,
          TableComparison.RELATIVE_TOLERANCE);
      for (Row r : differing.limit(3).collectAsList()) {
        o.printf("      %s%n", r);
      }
      return false;
    } finally {
      differing.unpersist();
    }
  }

  private boolean compareFile(Storage storage, Row output, Location again, PrintWriter o) {
    String name = output.getAs("name");
    String file = again.name();
    if (!storage.exists(again) || storage.isDirectory(again)) {
      o.printf("  %-" + width + "s DIFFERENT: the re-run did not write it%n", name);
      return false;
    }
    String text = storage.readText(again);
    String recorded = output.getAs("fingerprint");
    if (FileComparison.fingerprint(file, text).equals(recorded)) {
      o.printf("  %-" + width + "s equal%n", name);
      return true;
    }
    Location original = Tables.location(output.<String>getAs("path"));
    String originalText =
        storage.exists(original) && !storage.isDirectory(original)
            ? storage.readText(original)
            : null;
    if (originalText == null || !FileComparison.fingerprint(file, originalText).equals(recorded)) {
      o.printf(
          "  %-"
              + width
              + "s DIFFERENT: its SHA-256 differs from the run's, and the run's file has since"
              + " been replaced, so the difference cannot be shown%n",
          name);
      return false;
    }
    List<String> diffs = FileComparison.differences(file, originalText, text, 3);
    if (diffs.isEmpty()) {
      o.printf(
          "  %-" + width + "s equal (numbers within a relative %.0e)%n",
          name,
          TableComparison.RELATIVE_TOLERANCE);
      return true;
    }
    o.printf("  %-" + width + "s DIFFERENT:%n", name);
    diffs.forEach(d -> o.printf("      %s%n", d));
    return false;
  }

  /**
   * A catalog input of the run: a Delta table is pinned by name ({@code table:NAME}) at the version
   * the run read; a query, or a table that is not Delta, cannot be pinned and is read as it is now,
   * with a warning.
   */
  private static void catalogInput(Row in, Map<String, Long> pins, List<String> unpinned) {
    String recorded = in.getAs("path");
    if (!in.isNullAt(in.fieldIndex("delta_version"))) {
      pins.merge(recorded, in.<Long>getAs("delta_version"), Math::min);
      return;
    }
    String what =
        recorded.startsWith(Inputs.SQL_PREFIX)
            ? new Source.Query(recorded.substring(Inputs.SQL_PREFIX.length())).describe()
                + " cannot be pinned"
            : "table "
                + recorded.substring(Inputs.TABLE_PREFIX.length())
                + " ("
                + in.getAs("format")
                + ") is not a Delta table, so it cannot be pinned";
    unpinned.add(
        in.getAs("name") + ": " + what + "; the re-run reads it as it is now, which may differ");
  }

  /** Whether {@code uri} lies in the output root. */
  private static boolean under(Location root, String uri) {
    return uri.equals(root.uri()) || uri.startsWith(root.uri() + "/");
  }

  /**
   * Fails when an experiment version or the metric catalog the run used changed or is gone; returns
   * a warning when {@code assay.yaml} changed (it also holds site paths, which may legitimately
   * differ where a run is reproduced).
   */
  private static List<String> checkDefinitions(Conf c, Map<String, String> recorded) {
    List<io.assay.config.Problem> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (Map.Entry<String, String> e : recorded.entrySet()) {
      if (e.getKey().endsWith(".yaml")) {
        Path file = c.dir().resolve(e.getKey());
        if (!RunContext.fileSha256(file).equals(e.getValue())) {
          if (e.getKey().equals("assay.yaml")) {
            warnings.add(file + " changed since the run; results may differ");
          } else {
            problems.add(
                new io.assay.config.Problem(
                    file.toString(),
                    "",
                    e.getKey() + " changed since the run (sha256 differs)",
                    "restore the file from version control"));
          }
        }
        continue;
      }
      ExperimentDefinition d =
          c.experiments().stream().filter(x -> x.id().equals(e.getKey())).findFirst().orElse(null);
      if (d == null) {
        problems.add(
            new io.assay.config.Problem(
                c.dir().toString(),
                "experiments",
                e.getKey() + " used by the run is missing",
                "restore experiments/" + e.getKey().replace('@', '/') + ".yaml"));
      } else if (!d.sha256().equals(e.getValue())) {
        problems.add(
            new io.assay.config.Problem(
                d.sourceFile(),
                "",
                d.id() + " changed since the run (sha256 differs)",
                "restore the file from version control"));
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems, List.of());
    }
    return warnings;
  }
}
