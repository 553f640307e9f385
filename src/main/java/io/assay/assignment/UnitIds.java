package io.assay.assignment;

/**
 * What a valid unit id is — one rule for both evaluators: the pure-Java {@link Assigner} refuses an
 * invalid id, and reconciliation quarantines it ({@code empty_unit_id} or {@code invalid_unit_id},
 * in {@code io.assay.reconcile.Ingest}, which uses the patterns below as Spark {@code rlike}s).
 *
 * <p>A unit id is valid when it is not blank, has at most {@value #MAX_CHARS} characters (code
 * points), holds no control character and is valid Unicode text: no lone UTF-16 surrogate. A lone
 * surrogate (U+D800..U+DFFF without its partner, e.g. from a JavaScript string cut in the middle of
 * an emoji) is not a character and has no UTF-8 encoding: Java's encoder writes {@code ?} for it,
 * Spark's strings (UTF-8) cannot hold it, and GrowthBook's hash reads the UTF-16 unit itself — so
 * the schemes would disagree about the very same id. Such ids are refused on both sides.
 */
public final class UnitIds {
  /** Longer unit ids (in code points) are invalid. */
  public static final int MAX_CHARS = 256;

  /** An empty or white-space-only id (Java regex, found anywhere: {@code find()}). */
  public static final String BLANK_PATTERN = "^\\s*\\z";

  /** A control character (U+0000..U+001F, U+007F). */
  public static final String CONTROL_PATTERN = "\\p{Cntrl}";

  private UnitIds() {}

  /** Whether the id is null, empty or only white space ({@link #BLANK_PATTERN}). */
  public static boolean blank(String id) {
    if (id == null) {
      return true;
    }
    for (int i = 0; i < id.length(); i++) {
      if (!space(id.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Why the id is not a valid unit id, or null when it is. The sentence names the first problem
   * found, in the order ingest checks them: blank, too long, control character, lone surrogate. One
   * pass over the characters, no regex: the assigner calls it for every decision.
   */
  public static String problem(String id) {
    if (blank(id)) {
      return "it is empty or only white space";
    }
    int chars = id.codePointCount(0, id.length());
    if (chars > MAX_CHARS) {
      return "it has " + chars + " characters; at most " + MAX_CHARS + " are allowed";
    }
    for (int i = 0; i < id.length(); i++) {
      if (control(id.charAt(i))) {
        return String.format(
            "it contains the control character U+%04X at index %d", (int) id.charAt(i), i);
      }
    }
    int lone = loneSurrogate(id);
    if (lone >= 0) {
      return String.format(
          "it contains a lone UTF-16 surrogate U+%04X at index %d, which is not a character (it"
              + " has no UTF-8 encoding)",
          (int) id.charAt(lone), lone);
    }
    return null;
  }

  /** Whether the id is valid ({@link #problem} is null). */
  public static boolean valid(String id) {
    return problem(id) == null;
  }

  /** Java regex {@code \s}: space, tab, newline, vertical tab, form feed, carriage return. */
  private static boolean space(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
  }

  /** Java regex {@code \p{Cntrl}}: U+0000..U+001F and U+007F. */
  private static boolean control(char c) {
    return c < 0x20 || c == 0x7F;
  }

  /** The index of the first lone surrogate in {@code s}, or -1 when every surrogate is paired. */
  public static int loneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }
}
