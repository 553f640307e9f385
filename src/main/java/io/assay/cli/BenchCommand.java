package io.assay.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.bench.PipelineBench;
import io.assay.config.Conf;
import io.assay.config.ExposureSource;
import io.assay.config.Location;
import io.assay.io.RunContext;
import io.assay.pipeline.Definitions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code assay bench}: times every stage on a world, and the reference queries of the goals. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Time every stage over a date range of logs, plus the reference queries the performance"
            + " goals are stated against: a bare scan of the logs, and a hand-written query"
            + " computing the metrics stage's sufficient statistics. Writes outputs under --out"
            + " (use a scratch root). jobs/bench.sh runs it on generated worlds; results go to"
            + " BENCHMARKS.md.")
public final class BenchCommand implements Callable<Integer> {
  @Mixin ConfOption conf;
  @Mixin DateRange range;
  @Spec CommandSpec spec;

  @Mixin LogsOptions logsOptions;

  @Option(
      names = "--out",
      paramLabel = "ROOT",
      description = "Output root, a path or a Hadoop URI (default: output.root).")
  Location out;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the timings as JSON.")
  Path json;

  @Option(
      names = "--repeat",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Take the timings the goals' ratios use (scan, recomputation, the metrics"
              + " stage and the hand query) N times, interleaved, and report each one's median"
              + " (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(
      names = "--warmup",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Run the ratio timings N times untimed before the timed rounds, so that the medians"
              + " compare warm code, not the JIT compiling it (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--quick",
      description =
          "Only the timings the goals' ratios need (scan, recompute and the metrics"
              + " comparison, which reads the enrollments of an earlier full run under --out),"
              + " not the stages with their Delta writes.")
  boolean quick;

  @Option(
      names = "--analyze-only",
      description =
          "Time only the analyze stage for the last date (--repeat times, median), over the"
              + " enrollments of an earlier reconcile under --out; also reports the metric_stats"
              + " rows the driver read back. jobs/bench-scale.sh uses it.")
  boolean analyzeOnly;

  @Option(
      names = "--warehouse",
      description =
          "With --analyze-only: then compute the same sufficient statistics the warehouse way"
              + " (one SQL query per experiment × metric, as GrowthBook and others do), time"
              + " them, and compare every number with the metric_stats rows analyze wrote (exit"
              + " code 1 when any differs).")
  boolean warehouse;

  @Override
  public Integer call() {
    if (repeat < 1) {
      throw new UsageProblem("--repeat must be at least 1, got " + repeat);
    }
    if (warmup < 0) {
      throw new UsageProblem("--warmup must be 0 or more, got " + warmup);
    }
    if (warehouse && !analyzeOnly) {
      throw new UsageProblem("--warehouse needs --analyze-only");
    }
    Conf c = Definitions.load(conf.dir());
    ExposureSource logs = logsOptions.source(c);
    RunContext ctx = StageSetup.context(spec, c, out);
    SparkSession spark = StageSetup.spark("bench", range.from() + ".." + range.to());
    StageSetup.checkCatalog(spark, ctx, logs, true);
    PipelineBench.Report r =
        analyzeOnly
            ? PipelineBench.analyzeOnly(spark, ctx, range.to(), warmup, repeat, warehouse)
            : PipelineBench.run(spark, ctx, logs, range.from(), range.to(), warmup, repeat, quick);
    PrintWriter o = spec.commandLine().getOut();
    o.printf(
        "bench %s..%s: %s, cores %d, peak heap %.0f MiB%n",
        range.from(),
        range.to(),
        analyzeOnly ? "analyze only" : r.logRows() + " log rows",
        spark.sparkContext().defaultParallelism(),
        r.peakHeapBytes() / 1048576.0);
    for (var t : r.timings()) {
      o.printf("  %-20s %8.1f s  %s%n", t.stage(), t.seconds(), t.note());
    }
    if (r.has("recompute")) {
      o.printf(
          "  recompute / scan = %.2f (without duplicate detection %.2f)",
          r.seconds("recompute") / r.seconds("scan"),
          r.seconds("recompute_no_dedup") / r.seconds("scan"));
    }
    if (r.has("metrics_hand_query")) {
      o.printf(
          "   metrics framework / hand query = %.2f",
          r.seconds("metrics_framework") / r.seconds("metrics_hand_query"));
    }
    if (r.has("warehouse")) {
      o.printf("   warehouse / analyze = %.2f", r.seconds("warehouse") / r.seconds("analyze"));
    }
    o.println();
    if (json != null) {
      ObjectNode n = new ObjectMapper().createObjectNode();
      n.put("from", range.from().toString());
      n.put("to", range.to().toString());
      n.put("log_rows", r.logRows());
      n.put("cores", spark.sparkContext().defaultParallelism());
      n.put("peak_heap_bytes", r.peakHeapBytes());
      ArrayNode a = n.putArray("timings");
      for (var t : r.timings()) {
        a.addObject().put("stage", t.stage()).put("seconds", t.seconds()).put("note", t.note());
      }
      try {
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), n);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return r.timings().stream().anyMatch(t -> t.note().equals("DIFFERENT")) ? 1 : 0;
  }
}
