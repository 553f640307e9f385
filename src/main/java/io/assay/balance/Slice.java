package io.assay.balance;

/**
 * One slice of an experiment version's enrolled units: a slice type, the attribute(s) it is keyed
 * by ({@code platform}, or {@code platform,country} for a crossing; null for overall, day,
 * cumulative and source) and the value ({@code android}, {@code android,US}, a date, a source; null
 * for overall, and for units lacking the attribute).
 */
record Slice(SliceType type, String key, String value) {
  static final Slice OVERALL = new Slice(SliceType.OVERALL, null, null);

  /** Where the slice is, in words, for messages: {@code stratum platform=android}. */
  String describe() {
    return switch (type) {
      case OVERALL -> "overall";
      case STRATUM -> "stratum " + key + (value == null ? " absent" : "=" + value);
      case CROSSED_STRATUM ->
          "stratum ("
              + key.replace(",", ", ")
              + ") = "
              + (value == null ? "(some absent)" : "(" + value.replace(",", ", ") + ")");
      case DAY -> "units enrolled on " + value;
      case CUMULATIVE -> "units enrolled through " + value;
      case SOURCE -> "source " + (value == null ? "(none)" : value);
    };
  }
}
