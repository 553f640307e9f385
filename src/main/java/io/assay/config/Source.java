package io.assay.config;

import java.util.Optional;

/**
 * Where a table of input data comes from: files at a {@link Location} (Parquet, Delta or JSON
 * lines), a table of the session catalog (Hive metastore, Unity Catalog, Glue) by name, or a Spark
 * SQL query. One of the three, as {@code path:}, {@code table:} or {@code sql:} in the
 * configuration; the stages read every kind through one reader and never know which it was.
 */
public sealed interface Source {
  /**
   * Files at a location.
   *
   * @param format {@code json}, {@code parquet} or {@code delta}; null to detect (a {@code
   *     _delta_log} means Delta, anything else Parquet)
   */
  record Files(Location location, String format) implements Source {
    @Override
    public String field() {
      return "path";
    }

    @Override
    public String describe() {
      return location.toString();
    }
  }

  /**
   * A table (or view) of the session catalog, read with {@code spark.table(name)}.
   *
   * @param name as written: {@code table}, {@code db.table} or {@code catalog.db.table}
   */
  record Table(String name) implements Source {
    @Override
    public String field() {
      return "table";
    }

    @Override
    public String describe() {
      return "table " + name;
    }
  }

  /** The result of a Spark SQL query (a join, a view, a filter), read with {@code spark.sql}. */
  record Query(String sql) implements Source {
    /** At most this many characters of the query in messages. */
    private static final int SHOWN = 60;

    @Override
    public String field() {
      return "sql";
    }

    @Override
    public String describe() {
      String oneLine = sql.strip().replaceAll("\\s+", " ");
      return "sql '"
          + (oneLine.length() > SHOWN ? oneLine.substring(0, SHOWN - 3) + "..." : oneLine)
          + "'";
    }
  }

  /** The configuration field that names this source: {@code path}, {@code table} or {@code sql}. */
  String field();

  /** How messages name the source: a location, {@code table NAME} or {@code sql '…'}. */
  String describe();

  /** The location of a {@link Files} source; empty for a catalog source. */
  default Optional<Location> fileLocation() {
    return this instanceof Files f ? Optional.of(f.location()) : Optional.empty();
  }

  /** A table or a query: read through the session catalog, not from a location. */
  default boolean isCatalog() {
    return !(this instanceof Files);
  }
}
