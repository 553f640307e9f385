package io.assay.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A semantic version (https://semver.org 2.0.0): MAJOR.MINOR.PATCH with an optional pre-release.
 * Build metadata is rejected because it would make two files with different names compare equal.
 */
public record SemVer(int major, int minor, int patch, String preRelease)
    implements Comparable<SemVer> {

  private static final Pattern SEMVER =
      Pattern.compile(
          "^(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})"
              + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)"
              + "(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?$");

  /** Parses a version, or returns null when the text is not a semantic version. */
  public static SemVer parse(String s) {
    if (s == null) {
      return null;
    }
    Matcher m = SEMVER.matcher(s);
    if (!m.matches()) {
      return null;
    }
    return new SemVer(
        Integer.parseInt(m.group(1)),
        Integer.parseInt(m.group(2)),
        Integer.parseInt(m.group(3)),
        m.group(4) == null ? "" : m.group(4));
  }

  @Override
  public int compareTo(SemVer o) {
    int c = Integer.compare(major, o.major);
    if (c == 0) {
      c = Integer.compare(minor, o.minor);
    }
    if (c == 0) {
      c = Integer.compare(patch, o.patch);
    }
    if (c != 0) {
      return c;
    }
    // A version without a pre-release ranks above one with it (1.0.0-rc.1 < 1.0.0).
    if (preRelease.isEmpty() || o.preRelease.isEmpty()) {
      return Boolean.compare(preRelease.isEmpty(), o.preRelease.isEmpty());
    }
    String[] a = preRelease.split("\\.");
    String[] b = o.preRelease.split("\\.");
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      boolean an = a[i].chars().allMatch(Character::isDigit);
      boolean bn = b[i].chars().allMatch(Character::isDigit);
      int d;
      if (an && bn) {
        d = new java.math.BigInteger(a[i]).compareTo(new java.math.BigInteger(b[i]));
      } else if (an != bn) {
        d = an ? -1 : 1;
      } else {
        d = a[i].compareTo(b[i]);
      }
      if (d != 0) {
        return d;
      }
    }
    return Integer.compare(a.length, b.length);
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch + (preRelease.isEmpty() ? "" : "-" + preRelease);
  }
}
