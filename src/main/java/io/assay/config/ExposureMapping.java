package io.assay.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How an exposure source's columns become assay's exposure fields ({@code data.logs.columns}): for
 * each field a Spark SQL expression over the source's columns, and {@code attributes} also as a
 * list of column names (each becomes an attribute of that name). A field that is not mapped is read
 * from the source's column of the same name; where the source has no such column, {@code event_id}
 * is derived from the row's content, {@code version} is the definition version whose window holds
 * the row's time, {@code attributes}, {@code flags} and {@code source} are empty, and the other
 * fields are an error. The empty mapping is assay's own log shape (docs/schema.md).
 *
 * @param expressions field → Spark SQL expression, in the order written
 * @param attributeColumns the columns that become attributes, by name (empty: none given so)
 */
public record ExposureMapping(Map<String, String> expressions, List<String> attributeColumns) {
  /** The fields a mapping may set, in the order of the normalized log shape. */
  public static final List<String> FIELDS =
      List.of(
          "event_id",
          "ts",
          "unit_id",
          "experiment",
          "version",
          "arm",
          "attributes",
          "flags",
          "source");

  /** assay's own log shape: every field from the column of its name. */
  public static final ExposureMapping IDENTITY = new ExposureMapping(Map.of(), List.of());

  public ExposureMapping {
    expressions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(expressions));
    attributeColumns = List.copyOf(attributeColumns);
  }

  /** Whether this is assay's own shape (no field mapped). */
  public boolean isIdentity() {
    return expressions.isEmpty() && attributeColumns.isEmpty();
  }

  /** The expression that gives {@code field}, if mapped. */
  public Optional<String> expression(String field) {
    return Optional.ofNullable(expressions.get(field));
  }

  /** Whether {@code field} is mapped (by an expression, or attributes by a list of columns). */
  public boolean maps(String field) {
    return expressions.containsKey(field)
        || (field.equals("attributes") && !attributeColumns.isEmpty());
  }
}
