package io.assay.robust;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the bad-row corpora under {@code src/test/resources/bad-rows/}. */
final class BadRows {
  static final Path DIR = Path.of("src/test/resources/bad-rows");
  private static final Pattern MACRO =
      Pattern.compile("\\{\\{(U\\+([0-9A-F]{4})|repeat:(\\d+):([^}]*))}}");

  /** One case: the expected outcome, why, and the text (macros expanded). */
  record Case(String expected, String why, String text) {
    /** The case's event id ({@code bNN}), or null when the line carries none. */
    String eventId() {
      return eventId("b");
    }

    /** The event id with the given letter prefix ({@code tNN}), or null. */
    String eventId(String prefix) {
      Matcher m = Pattern.compile("\"event_id\":\\s*\"(" + prefix + "\\d+)").matcher(text);
      return m.find() ? m.group(1) : null;
    }
  }

  private BadRows() {}

  /** The cases of a corpus file: {@code EXPECTED<TAB>WHY<TAB>TEXT}, {@code #} comments. */
  static List<Case> read(String file) {
    try {
      List<Case> out = new ArrayList<>();
      for (String l : Files.readAllLines(DIR.resolve(file))) {
        if (l.startsWith("#") || l.isBlank()) {
          continue;
        }
        String[] f = l.split("\t", 3);
        out.add(new Case(f[0], f[1], f.length > 2 ? expand(f[2]) : ""));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String expand(String s) {
    Matcher m = MACRO.matcher(s);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String r =
          m.group(2) != null
              ? String.valueOf((char) Integer.parseInt(m.group(2), 16))
              : m.group(4).repeat(Integer.parseInt(m.group(3)));
      m.appendReplacement(b, Matcher.quoteReplacement(r));
    }
    m.appendTail(b);
    return b.toString();
  }
}
