package io.assay.io;

import io.assay.config.Location;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Tables of the session catalog (Spark's in-memory catalog, a Hive metastore, Unity Catalog, Glue:
 * whatever the session is configured with; nothing here is specific to one). Names given in the
 * configuration are parsed with Spark's parser and every part is back-quoted before it goes into a
 * statement, so a name can never be read as SQL.
 *
 * <p>Costs: metastore calls on the driver ({@code DESCRIBE TABLE EXTENDED} runs no Spark job).
 */
public final class CatalogTables {
  private CatalogTables() {}

  /**
   * What the catalog says of a table.
   *
   * @param provider {@code delta}, {@code parquet}, {@code hive} …; empty for a view
   * @param type {@code MANAGED}, {@code EXTERNAL} or {@code VIEW}
   * @param location where its files are, if it has any
   */
  public record Described(String provider, String type, Optional<Location> location) {
    public boolean isDelta() {
      return provider.equalsIgnoreCase("delta") && location.isPresent();
    }
  }

  /**
   * The parts of a table or database name ({@code db.t}, {@code catalog.db.t}, {@code `my-db`.t}).
   *
   * @throws IllegalArgumentException with Spark's reason when it is not a name
   */
  public static List<String> parts(String name) {
    try {
      return new ArrayList<>(
          CollectionConverters.asJava(CatalystSqlParser$.MODULE$.parseMultipartIdentifier(name)));
    } catch (Exception e) { // Spark's ParseException is checked in Java's eyes
      throw new IllegalArgumentException(firstLine(e), e);
    }
  }

  /** The name with every part back-quoted, for a SQL statement. */
  public static String quoted(String name) {
    return quoted(parts(name));
  }

  static String quoted(List<String> parts) {
    return String.join(".", parts.stream().map(p -> "`" + p.replace("`", "``") + "`").toList());
  }

  /**
   * Checks that {@code expression} is one Spark SQL expression (a column, a function call, a CASE
   * …), by Spark's parser; no session needed.
   *
   * @throws IllegalArgumentException with Spark's reason and position when it is not
   */
  public static void requireExpression(String expression) {
    try {
      CatalystSqlParser$.MODULE$.parseExpression(expression);
    } catch (Exception e) { // Spark's ParseException is checked in Java's eyes
      throw new IllegalArgumentException(firstLine(e), e);
    }
  }

  /**
   * Checks that {@code sql} is one query (SELECT, WITH … SELECT, VALUES, TABLE): anything else
   * would be executed when it is handed to {@code spark.sql} (a DROP, an INSERT), and a source only
   * reads.
   *
   * @throws IllegalArgumentException saying what it is instead: a statement, or not SQL (with
   *     Spark's reason and position)
   */
  public static void requireQuery(String sql) {
    try {
      CatalystSqlParser$.MODULE$.parseQuery(sql);
      return;
    } catch (Exception notAQuery) {
      String statement;
      try {
        statement = CatalystSqlParser$.MODULE$.parsePlan(sql).nodeName();
      } catch (Exception syntax) {
        throw new IllegalArgumentException(
            "it is not valid Spark SQL: " + firstLine(notAQuery), notAQuery);
      }
      throw new IllegalArgumentException(
          "it is a statement (" + statement + "), not a query; a source only reads", notAQuery);
    }
  }

  /** Whether the session catalog has the table (or view). */
  public static boolean exists(SparkSession spark, String name) {
    return spark.catalog().tableExists(quoted(name));
  }

  /** The catalog's description of a table, or empty when it does not exist. */
  public static Optional<Described> describe(SparkSession spark, String name) {
    if (!exists(spark, name)) {
      return Optional.empty();
    }
    String provider = "";
    String type = "";
    String location = null;
    for (Row r : spark.sql("DESCRIBE TABLE EXTENDED " + quoted(name)).collectAsList()) {
      String key = r.isNullAt(0) ? "" : r.getString(0).strip();
      String value = r.isNullAt(1) ? "" : r.getString(1).strip();
      switch (key) {
        case "Provider" -> provider = value.toLowerCase(Locale.ROOT);
        case "Type" -> type = value.toUpperCase(Locale.ROOT);
        case "Location" -> location = value;
        default -> {}
      }
    }
    Optional<Location> loc =
        location == null || location.isEmpty()
            ? Optional.empty()
            : Optional.of(Tables.location(location));
    return Optional.of(new Described(provider, type, loc));
  }

  static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage().strip();
    int nl = m.indexOf('\n');
    return nl > 0 ? m.substring(0, nl) : m;
  }
}
