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
 *
 * <p>The single-stage commands ({@code reconcile}, {@code balance}, {@code analyze}, {@code
 * report}) execute their one-stage plans ({@link NightlyPlan#stage}) here too, through {@link
 * #runStage}: the same execution, job groups and run-log steps as a nightly's, except that a stage
 * that throws stops the command (its exit code tells the kind of failure) where a nightly goes on
 * with the next date. Each command prints its own report from the typed {@link Outcome#results}.
 */
public final class NightlyRunner {
  private static final Logger LOG = LoggerFactory.getLogger(NightlyRunner.class);

  /**
   * What happened: summary lines, whether anything failed or alerted, and what each executed item's
   * job returned, in plan order ({@link ReconcileJob.Result}, {@link BalanceJob.Result}, {@link
   * Analyzed}, {@link ReportJob.Result}).
   */
  public record Outcome(
      List<String> lines,
      List<String> failures,
      boolean alerted,
      Location lastReport,
      List<Object> results) {
    public boolean failed() {
      return !failures.isEmpty();
    }

    /** The results of one type, in plan order. */
    public <T> List<T> results(Class<T> type) {
      return results.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Why the run failed (every failure, one per line), or null when nothing failed. */
    public String failureReason() {
      return failures.isEmpty() ? null : String.join("\n", failures);
    }
  }

  /** What {@code analyze} returned for a date: one summary per experiment version. */
  public record Analyzed(LocalDate date, List<AnalyzeJob.Summary> experiments) {}

  private NightlyRunner() {}

  /** Runs the plan over log files at {@code logs} in {@code format}. */
  public static Outcome run(
      SparkSession spark, RunContext ctx, NightlyPlan plan, Location logs, String format) {
    return run(spark, ctx, plan, ExposureSource.files(logs, format));
  }

  /** Runs a nightly's plan: a failed stage is recorded and the run goes on with the next date. */
  public static Outcome run(
      SparkSession spark, RunContext ctx, NightlyPlan plan, ExposureSource logs) {
    return run(spark, ctx, plan, logs, false);
  }

  /**
   * Runs a single-stage command's plan ({@link NightlyPlan#stage}; {@code logs} is read by {@code
   * reconcile} only, null for the other stages): as a nightly, but the first stage that throws is
   * recorded in the run log and its exception stops the run.
   */
  public static Outcome runStage(
      SparkSession spark, RunContext ctx, NightlyPlan plan, ExposureSource logs) {
    return run(spark, ctx, plan, logs, true);
  }

  private static Outcome run(
      SparkSession spark, RunContext ctx, NightlyPlan plan, ExposureSource logs, boolean stop) {
    List<String> lines = new ArrayList<>();
    List<Object> results = new ArrayList<>();
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
      String span = d.equals(item.through()) ? d.toString() : d + ".." + item.through();
      String dates = (d.equals(item.through()) ? "date=" : "dates=") + span;
      spark
          .sparkContext()
          .setJobGroup(
              stop ? stage + " " + dates : "nightly " + dates + " stage=" + stage,
              "assay " + (stop ? stage : "nightly"),
              false);
      long began = System.nanoTime();
      int linesBefore = lines.size();
      try {
        switch (item.stage()) {
          case RECONCILE -> {
            ReconcileJob.Result r = ReconcileJob.run(spark, ctx, logs, d, item.through());
            results.add(r);
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
            results.add(r);
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
            List<AnalyzeJob.Summary> summaries = AnalyzeJob.run(spark, ctx, d);
            results.add(new Analyzed(d, summaries));
            for (var s : summaries) {
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
            results.add(r);
            lastReport = r.reports().resolve("index.html");
            line(lines, d, stage, r.experiments().size() + " report(s) → " + lastReport);
          }
        }
        ctx.log().step(new RunLog.Step(stage, null, null, "succeeded", span));
        progress(
            stop ? stage + " " + span : "nightly " + span + " " + stage,
            began,
            lines.subList(linesBefore, lines.size()));
      } catch (RuntimeException e) {
        ctx.log().step(new RunLog.Step(stage, null, null, "failed", d + ": " + e));
        if (stop) {
          throw e; // the command reports it, with the exit code of its kind
        }
        broken.add(d);
        LOG.error("nightly {} {}: failed", d, stage, e);
        failures.add(line(lines, d, stage, "FAILED: " + e.getMessage()));
      }
    }
    return new Outcome(lines, failures, alerted, lastReport, results);
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

  private static void progress(String what, long began, List<String> stageLines) {
    long alerts = stageLines.stream().filter(l -> l.contains(" ALERT ")).count();
    long failures = stageLines.stream().filter(l -> l.contains(" FAILED ")).count();
    LOG.info(
        "{}: done in {} s, {} alert(s), {} experiment failure(s)",
        what,
        String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - began) / 1e9),
        alerts,
        failures);
  }
}
