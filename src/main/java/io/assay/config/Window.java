package io.assay.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A half-open window {@code [from, to)} relative to a unit's first exposure, e.g. {@code [0d, 7d)}
 * for the first week after exposure, or {@code [-14d, 0d)} for the two weeks before it.
 */
public record Window(Duration from, Duration to) {
  private static final Pattern DURATION = Pattern.compile("^(-?\\d+)([dhm])$");

  /** Parses {@code 7d}, {@code -14d}, {@code 12h} or {@code 30m}; null when malformed. */
  public static Duration parseDuration(String s) {
    if (s == null) {
      return null;
    }
    Matcher m = DURATION.matcher(s.trim());
    if (!m.matches()) {
      return null;
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "d" -> Duration.ofDays(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofMinutes(n);
    };
  }

  public static String format(Duration d) {
    long s = d.getSeconds();
    if (s % 86400 == 0) {
      return (s / 86400) + "d";
    }
    if (s % 3600 == 0) {
      return (s / 3600) + "h";
    }
    return (s / 60) + "m";
  }

  @Override
  public String toString() {
    return "[" + format(from) + ", " + format(to) + ")";
  }
}
