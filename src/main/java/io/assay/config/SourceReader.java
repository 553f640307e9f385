package io.assay.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@link Source} written as fields of an object: exactly one of {@code path:} (with an
 * optional {@code format:}), {@code table:} and {@code sql:}. The syntax of a table name and of a
 * query is checked later with Spark's parser (still before a session starts); whether the table
 * exists and the query analyzes needs a session ({@code io.assay.io.SourceCheck}).
 */
final class SourceReader {
  static final List<String> KINDS = List.of("path", "table", "sql");

  private SourceReader() {}

  /**
   * The source of {@code n}, or null (with problems recorded) when it does not name exactly one.
   *
   * @param base what a relative path resolves against
   * @param formats the formats a {@code path} source may have
   * @param defaultFormat the format of a {@code path} source without {@code format:} (null: detect)
   */
  static Source read(SpecNode n, Location base, Map<String, String> formats, String defaultFormat) {
    List<String> given = new ArrayList<>();
    for (String kind : KINDS) {
      if (n.hasKey(kind)) {
        given.add(kind);
      }
    }
    String format = n.choice("format", formats, defaultFormat);
    if (given.isEmpty()) {
      n.error(
          null,
          "no source: give exactly one of path, table and sql",
          "add path: DIR (relative to data.root, with format: "
              + String.join("|", formats.keySet())
              + "), table: DB.NAME (a table of the session catalog) or sql: SELECT …");
      return null;
    }
    for (String extra : given.subList(1, given.size())) {
      n.error(
          extra,
          "'"
              + given.get(0)
              + "' and '"
              + extra
              + "' are both set; a source is exactly one of path, table and sql",
          "keep one of them");
    }
    String kind = given.get(0);
    if (!kind.equals("path") && n.has("format")) {
      n.error(
          "format",
          "format applies to a path; a " + kind + " source is read through the session catalog",
          "remove format");
    }
    String text = n.requiredString(kind, "a " + kind);
    if (text != null && text.isBlank()) {
      n.error(kind, "the " + kind + " is empty", "write a " + what(kind));
      return null;
    }
    if (text == null || given.size() > 1) {
      return null;
    }
    return switch (kind) {
      case "path" -> new Source.Files(AssayConfigReader.location(n, "path", text, base), format);
      case "table" -> new Source.Table(text.strip());
      default -> new Source.Query(text);
    };
  }

  private static String what(String kind) {
    return switch (kind) {
      case "path" -> "path or a Hadoop URI";
      case "table" -> "table name such as lake.orders";
      default -> "Spark SQL query such as SELECT * FROM lake.orders";
    };
  }
}
