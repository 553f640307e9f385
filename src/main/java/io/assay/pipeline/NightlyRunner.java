package io.assay.pipeline;

import io.assay.balance.BalanceJob;
import io.assay.config.ExposureSource;
import io.assay.config.Location;
import io.assay.io.RunContext;
import io.assay.io.RunLog;
import io.assay.metrics.AnalyzeJob;
import io.assay.reconcile.ReconcileJob;
import io.assay.report.ReportJob;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes a {@link NightlyPlan}: per date, reconcile → balance → analyze → report, each under a
 * named Spark job group ({@code nightly date=D stage=S}) and with one summary line per experiment.
 * A date that is not ready is skipped and logged. A failed stage fails only its date's later stages
 * (they would read stale inputs); within balance and analyze one experiment's failure does not stop
 * the others. Every outcome is a step in the run log.
 */
public final class NightlyRunner {
  private static final Logger LOG = LoggerFactory.getLogger(NightlyRunner.class);

  /** What happened: summary lines, and whether anything failed or alerted. */
  public record Outcome(
      List<String> lines, List<String> failures, boolean alerted, Location lastReport) {
    public boolean failed() {
      return !failures.isEmpty();
    }

    /** Why the run failed (every failure, one per line), or null when nothing failed. */
    public String failureReason() {
      return failures.isEmpty() ? null : String.join("\n", failures);
    }
  }

  private NightlyRunner() {}

  /** Runs the plan over log files at {@code logs} in {@code format}. */
  public static Outcome run(
      SparkSession spark, RunContext ctx, NightlyPlan plan, Location logs, String format) {
    return run(spark, ctx, plan, ExposureSource.files(logs, format));
  }

  public static Outcome run(
      SparkSession spark, RunContext ctx, NightlyPlan plan, ExposureSource logs) {
    List<String> lines = new ArrayList<>();
    Set<LocalDate> broken = new HashSet<>();
    List<String> failures = new ArrayList<>();
    boolean alerted = false;
    Location lastReport = null;
    for (NightlyPlan.Item item : plan.items()) {
      LocalDate d = item.date();
      String stage = item.stage().code();
      if (!item.ready()) {
        line(lines, d, stage, "SKIPPED " + item.reason());
        ctx.log().step(new RunLog.Step(stage, null, null, "skipped", item.reason()));
        continue;
      }
      if (broken.contains(d)) {
        line(lines, d, stage, "SKIPPED: an earlier stage of this date failed");
        ctx.log().step(new RunLog.Step(stage, null, null, "skipped", "upstream failed"));
        continue;
      }
      spark
          .sparkContext()
          .setJobGroup("nightly date=" + d + " stage=" + stage, "assay nightly", false);
      long began = System.nanoTime();
      int linesBefore = lines.size();
      try {
        switch (item.stage()) {
          case RECONCILE -> {
            ReconcileJob.Result r = ReconcileJob.run(spark, ctx, logs, d, d);
            for (var c : r.dates()) {
              line(
                  lines,
                  d,
                  stage,
                  String.format(
                      "input %d = accepted %d + duplicates %d + quarantined %d",
                      c.input(), c.accepted(), c.duplicates(), c.quarantined()));
            }
            for (var e : r.experiments()) {
              line(
                  lines,
                  d,
                  stage,
                  String.format(
                      "%s@%s accepted %d, match rate %.4f",
                      e.experiment(),
                      e.version(),
                      e.accepted(),
                      e.accepted() == 0 ? 1.0 : (double) e.matched() / e.accepted()));
            }
            for (var a : r.alerts()) {
              alerted = true;
              line(
                  lines,
                  d,
                  stage,
                  String.format(
                      "ALERT %s@%s mismatch rate %.4f > %.4f",
                      a.experiment(), a.version(), a.mismatchRate(), a.threshold()));
            }
          }
          case BALANCE -> {
            BalanceJob.Result r = BalanceJob.run(spark, ctx, d);
            for (var s : r.experiments()) {
              line(
                  lines,
                  d,
                  stage,
                  String.format(
                      "%s units %d, SRM overall p %s, %d slice(s) flagged",
                      s.experiment(),
                      s.units(),
                      s.overallP() == null ? "-" : String.format("%.2g", s.overallP()),
                      s.slicesFlagged()));
            }
            for (var f : r.failures()) {
              failures.add(line(lines, d, stage, "FAILED " + f.experiment() + ": " + f.error()));
            }
            for (var a : r.alerts()) {
              alerted = true;
              line(lines, d, stage, "ALERT " + a.message());
            }
          }
          case ANALYZE -> {
            for (var s : AnalyzeJob.run(spark, ctx, d)) {
              if (s.error() != null) {
                failures.add(
                    line(
                        lines,
                        d,
                        stage,
                        "FAILED " + s.experiment() + "@" + s.version() + ": " + s.error()));
              } else {
                line(
                    lines,
                    d,
                    stage,
                    String.format(
                        "%s@%s units %d, %s",
                        s.experiment(),
                        s.version(),
                        s.enrolledUnits(),
                        String.join(", ", s.decisions())));
              }
            }
          }
          case REPORT -> {
            ReportJob.Result r = ReportJob.run(spark, ctx, d);
            lastReport = r.reports().resolve("index.html");
            line(lines, d, stage, r.experiments().size() + " report(s) → " + lastReport);
          }
        }
        ctx.log().step(new RunLog.Step(stage, null, null, "succeeded", d.toString()));
        progress(d, stage, began, lines.subList(linesBefore, lines.size()));
      } catch (RuntimeException e) {
        broken.add(d);
        LOG.error("nightly {} {}: failed", d, stage, e);
        failures.add(line(lines, d, stage, "FAILED: " + e.getMessage()));
        ctx.log().step(new RunLog.Step(stage, null, null, "failed", d + ": " + e));
      }
    }
    return new Outcome(lines, failures, alerted, lastReport);
  }

  /**
   * Summary lines are printed once, when the run ends (the command's output); the log says only
   * that a stage finished, how long it took, and how many of its lines are alerts or failures, so
   * output and log read together never say a thing twice.
   */
  private static String line(List<String> lines, LocalDate d, String stage, String text) {
    String l = String.format("%s %-9s %s", d, stage, text);
    lines.add(l);
    return l;
  }

  private static void progress(LocalDate d, String stage, long began, List<String> stageLines) {
    long alerts = stageLines.stream().filter(l -> l.contains(" ALERT ")).count();
    long failures = stageLines.stream().filter(l -> l.contains(" FAILED ")).count();
    LOG.info(
        "nightly {} {}: done in {} s, {} alert(s), {} experiment failure(s)",
        d,
        stage,
        String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - began) / 1e9),
        alerts,
        failures);
  }
}
