package io.assay.pipeline;

import io.assay.config.Conf;
import io.assay.config.ExperimentDefinition;
import io.assay.config.ExposureSource;
import io.assay.config.Location;
import io.assay.config.Source;
import io.assay.io.ExposureLogs;
import io.assay.io.Storage;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;

/**
 * The worklist of a nightly run, built before anything executes (and printed by {@code --dry-run}):
 * for each date, the stages reconcile → balance → analyze → report, each with the experiment
 * versions active that day. A date whose log partition has not landed (a catalog source: whose date
 * has no rows) is "not ready": its stages are planned as skips, not failures. A value: tests assert
 * on it without Spark (for log files, the plan is built without Spark too).
 */
public record NightlyPlan(List<Item> items) {
  /** The stages, in the order they run for a date. */
  public enum Stage {
    RECONCILE,
    BALANCE,
    ANALYZE,
    REPORT;

    public String code() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One unit of work: a stage over the dates {@code [date, through]} (one date, except a {@code
   * reconcile} command's range, which is one pass over its logs).
   *
   * @param ready false when the date's input has not landed (the item is a logged skip)
   * @param reason why the item is skipped, or null
   */
  public record Item(
      LocalDate date,
      LocalDate through,
      Stage stage,
      List<String> experiments,
      boolean ready,
      String reason) {

    /** One date's stage. */
    public Item(
        LocalDate date, Stage stage, List<String> experiments, boolean ready, String reason) {
      this(date, date, stage, experiments, ready, reason);
    }
  }

  public NightlyPlan {
    items = List.copyOf(items);
  }

  /**
   * Plans {@code [from, to]} of log files.
   *
   * @param logs the exposure logs root (checked for each date's partition before Spark starts, with
   *     the {@code spark.hadoop.*} settings the session will get)
   * @param format the log format; for Delta logs readiness is not checked by partition
   */
  public static NightlyPlan of(
      Conf conf, Location logs, String format, LocalDate from, LocalDate to) {
    Storage storage = format.equals("delta") ? null : Storage.beforeSpark();
    return of(
        conf,
        from,
        to,
        d ->
            storage == null || storage.isDirectory(logs.resolve("date=" + d))
                ? null
                : "not ready: " + logs.resolve("date=" + d) + " has not landed");
  }

  /**
   * Plans {@code [from, to]} of any logs. Files are checked as above, before Spark starts; a
   * catalog table or query is asked in one Spark job (on {@code spark}) which dates of the range
   * have rows: a date without rows has not landed.
   */
  public static NightlyPlan of(
      Conf conf, ExposureSource logs, LocalDate from, LocalDate to, SparkSession spark) {
    if (logs.source() instanceof Source.Files f) {
      return of(conf, f.location(), f.format(), from, to);
    }
    List<LocalDate> dates = from.datesUntil(to.plusDays(1)).toList();
    Set<LocalDate> landed = ExposureLogs.landed(spark, logs, dates);
    return of(
        conf,
        from,
        to,
        d ->
            landed.contains(d)
                ? null
                : "not ready: "
                    + logs.source().describe()
                    + " has no rows with "
                    + logs.dateColumn()
                    + " = "
                    + d
                    + " (not landed)");
  }

  /**
   * The plan of one stage's command: {@code reconcile} over {@code [from, to]} as one item (one
   * pass over the range's logs), any other stage once per date. Nothing is checked for readiness: a
   * stage command that lacks its input fails, naming it, where a nightly would skip the date.
   */
  public static NightlyPlan stage(Conf conf, Stage stage, LocalDate from, LocalDate to) {
    List<Item> items = new ArrayList<>();
    if (stage == Stage.RECONCILE) {
      List<String> active = new ArrayList<>();
      for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
        active(conf, d).stream().filter(e -> !active.contains(e)).forEach(active::add);
      }
      items.add(new Item(from, to, stage, active, true, null));
    } else {
      for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
        items.add(new Item(d, stage, active(conf, d), true, null));
      }
    }
    return new NightlyPlan(items);
  }

  /** Plans {@code [from, to]}; {@code notReady} says why a date cannot run yet, or null. */
  static NightlyPlan of(
      Conf conf, LocalDate from, LocalDate to, Function<LocalDate, String> notReady) {
    List<Item> items = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      List<String> active = active(conf, d);
      String reason = notReady.apply(d);
      for (Stage s : Stage.values()) {
        items.add(new Item(d, s, active, reason == null, reason));
      }
    }
    return new NightlyPlan(items);
  }

  /** Experiment versions whose window overlaps the day. */
  static List<String> active(Conf conf, LocalDate d) {
    var dayStart = d.atStartOfDay(ZoneOffset.UTC).toInstant();
    var dayEnd = d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    List<String> out = new ArrayList<>();
    for (ExperimentDefinition e : conf.experiments()) {
      if (e.start().isBefore(dayEnd) && e.end().isAfter(dayStart)) {
        out.add(e.id());
      }
    }
    return out;
  }

  /** The plan as text, one line per item. */
  public String render() {
    StringBuilder b = new StringBuilder();
    for (Item i : items) {
      b.append(
          String.format(
              "%s  %-9s  %-9s  %s%n",
              i.date(),
              i.stage().code(),
              i.ready() ? "run" : "skip",
              i.ready() ? String.join(", ", i.experiments()) : i.reason()));
    }
    return b.toString();
  }
}
