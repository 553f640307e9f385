package io.assay.cli;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Option;

/** {@code --date D} or {@code --from D1 --to D2}: the log partitions a command works on. */
public final class DateRange {
  @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "One date.")
  String date;

  @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "First date of a range.")
  String from;

  @Option(
      names = "--to",
      paramLabel = "YYYY-MM-DD",
      description = "Last date of a range (inclusive).")
  String to;

  public LocalDate from() {
    check();
    return parse(date != null ? date : from, date != null ? "--date" : "--from");
  }

  public LocalDate to() {
    check();
    return parse(date != null ? date : to, date != null ? "--date" : "--to");
  }

  private void check() {
    if (date != null && (from != null || to != null)) {
      throw new UsageProblem("give either --date or --from/--to, not both");
    }
    if (date == null && (from == null || to == null)) {
      throw new UsageProblem("give --date YYYY-MM-DD, or both --from and --to");
    }
    if (date == null && parse(to, "--to").isBefore(parse(from, "--from"))) {
      throw new UsageProblem("--to " + to + " is before --from " + from);
    }
  }

  static LocalDate parse(String s, String option) {
    try {
      return LocalDate.parse(s);
    } catch (DateTimeParseException e) {
      throw new UsageProblem(option + " '" + s + "' is not a date; write YYYY-MM-DD");
    }
  }
}
