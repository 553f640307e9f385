package io.assay.cli;

import java.time.LocalDate;
import picocli.CommandLine.Option;

/** {@code --date D}: the one date a command works as of (through the end of D, UTC). */
public final class AsOfDate {
  @Option(
      names = "--date",
      required = true,
      paramLabel = "YYYY-MM-DD",
      description = "As of the end of this date (UTC).")
  String date;

  /** The parsed date; a {@link UsageProblem} naming the option when it is not one. */
  public LocalDate value() {
    return DateRange.parse(date, "--date");
  }
}
