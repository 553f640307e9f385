package io.assay.cli;

import static org.apache.spark.sql.functions.col;

import io.assay.config.Conf;
import io.assay.config.ConfigException;
import io.assay.config.ExperimentDefinition;
import io.assay.io.Inputs;
import io.assay.io.LocalFiles;
import io.assay.io.OutputTables;
import io.assay.io.RunContext;
import io.assay.io.SparkSessions;
import io.assay.io.TableComparison;
import io.assay.io.Tables;
import io.assay.pipeline.Definitions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
      description = "Output root holding the run (default: output.root).")
  Path out;

  @Override
  public Integer call() {
    Conf c = Definitions.load(conf.dir());
    Path root = out != null ? out : c.assay().outputRoot();
    SparkSession spark = SparkSessions.getOrCreate("assay-reproduce", "local[*]", Map.of());
    PrintWriter o = spec.commandLine().getOut();
    String runs = root.resolve(OutputTables.RUNS).toString();
    if (!Tables.isDelta(runs)) {
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
      throw new UsageProblem("no run '" + runId + "' in " + runs);
    }
    Row run = found.get(0);
    for (String w : checkDefinitions(c, run.getJavaMap(run.fieldIndex("definitions")))) {
      spec.commandLine().getOut().println("WARNING " + w);
    }

    Map<String, Long> pins = new LinkedHashMap<>();
    List<String> changed = new ArrayList<>();
    for (Row in : run.<Row>getList(run.fieldIndex("inputs"))) {
      String path = in.getAs("path");
      if (!in.isNullAt(in.fieldIndex("delta_version"))) {
        pins.put(path, in.<Long>getAs("delta_version"));
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
    Path scratch = root.resolve("_reproduce").resolve(runId);
    LocalFiles.deleteTree(scratch);
    o.printf("reproducing %s: %s%n", runId, String.join(" ", args));
    for (String ch : changed) {
      o.printf("  WARNING input changed since the run: %s%n", ch);
    }
    StringWriter rerunOut = new StringWriter();
    CommandLine rerun = Main.commandLine();
    rerun.setOut(new PrintWriter(rerunOut));
    rerun.setErr(new PrintWriter(rerunOut));
    int code;
    StageSetup.reproduce(new StageSetup.Reproduction(root, pins, scratch));
    try {
      code = rerun.execute(args.toArray(String[]::new));
    } finally {
      StageSetup.endReproduction();
    }
    if (code != ExitCodes.OK && code != ExitCodes.ALERT) {
      o.printf("the re-run failed (exit %d):%n%s%n", code, rerunOut);
      o.flush();
      return ExitCodes.FAILURE;
    }
    boolean equal = true;
    List<Row> outputs = run.getList(run.fieldIndex("outputs"));
    if (outputs.isEmpty()) {
      o.println("  the run wrote no tables: nothing to compare");
    }
    for (Row output : outputs) {
      String name = output.getAs("name");
      Dataset<Row> original =
          spark
              .read()
              .format("delta")
              .option("versionAsOf", output.<Long>getAs("delta_version"))
              .load(output.<String>getAs("path"))
              .filter(col("run_id").equalTo(runId));
      Dataset<Row> again = spark.read().format("delta").load(scratch.resolve(name).toString());
      Dataset<Row> differing = TableComparison.mismatches(original, again).cache();
      long groups = differing.count();
      if (groups == 0) {
        o.printf("  %-28s equal (%d rows)%n", name, again.count());
      } else {
        equal = false;
        o.printf(
            "  %-28s DIFFERENT: %d row(s) differ (doubles compared to a relative %.0e)%n",
            name, groups, TableComparison.RELATIVE_TOLERANCE);
        for (Row r : differing.limit(3).collectAsList()) {
          o.printf("      %s%n", r);
        }
      }
      differing.unpersist();
    }
    o.println(equal ? "reproduced: every output equals the original run's" : "NOT reproduced");
    o.flush();
    return equal ? ExitCodes.OK : ExitCodes.FAILURE;
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
