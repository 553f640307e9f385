package io.assay.pipeline;

import io.assay.config.Conf;
import io.assay.config.ExperimentDefinition;
import io.assay.config.Location;
import io.assay.io.Storage;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The worklist of a nightly run, built before anything executes (and printed by {@code --dry-run}):
 * for each date, the stages reconcile → balance → analyze → report, each with the experiment
 * versions active that day. A date whose log partition has not landed is "not ready": its stages
 * are planned as skips, not failures. A value: tests assert on it without Spark.
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
   * One unit of work.
   *
   * @param ready false when the date's input has not landed (the item is a logged skip)
   * @param reason why the item is skipped, or null
   */
  public record Item(
      LocalDate date, Stage stage, List<String> experiments, boolean ready, String reason) {}

  public NightlyPlan {
    items = List.copyOf(items);
  }

  /**
   * Plans {@code [from, to]}.
   *
   * @param logs the exposure logs root (checked for each date's partition before Spark starts, with
   *     the {@code spark.hadoop.*} settings the session will get)
   * @param format the log format; for Delta logs readiness is not checked by partition
   */
  public static NightlyPlan of(
      Conf conf, Location logs, String format, LocalDate from, LocalDate to) {
    Storage storage = format.equals("delta") ? null : Storage.beforeSpark();
    List<Item> items = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      List<String> active = active(conf, d);
      boolean landed = storage == null || storage.isDirectory(logs.resolve("date=" + d));
      String reason = landed ? null : "not ready: " + logs.resolve("date=" + d) + " has not landed";
      for (Stage s : Stage.values()) {
        items.add(new Item(d, s, active, landed, reason));
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
