package io.assay.metrics;

import static org.apache.spark.sql.functions.expr;

import io.assay.config.ExperimentDefinition;
import io.assay.config.MetricCatalog;
import io.assay.config.MetricSource;
import io.assay.io.InputProblem;
import io.assay.io.Inputs;
import io.assay.io.RunContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * The metric sources an analysis reads, each opened once and checked against what its metrics need
 * before any metric is computed: the unit column exists and holds text or whole numbers, the time
 * column exists and holds a timestamp, a date or ISO-8601 text, every value expression (mean and
 * ratio metrics) evaluates to a number, text or a boolean, and every filter to a boolean. Checking
 * needs the tables' schemas only (Spark's analyzer; no data is scanned).
 *
 * <p>A source that cannot be used gets one problem message naming its path (or table, or query),
 * the source, each column or expression at fault, the type found and the types expected. The
 * analysis fails the experiments that read it (exit 1) and goes on with the others
 * (docs/bad-data.md).
 */
final class MetricSources {
  /** The types a unit column may have: ids as text, or whole numbers (read as their text). */
  static final String UNIT_TYPES = "STRING or a whole-number type (TINYINT, SMALLINT, INT, BIGINT)";

  /** The types a time column may have. */
  static final String TIME_TYPES = "TIMESTAMP, TIMESTAMP_NTZ, DATE or STRING (ISO-8601 text)";

  /** The types a value expression may have (text that is not a number is a dropped row). */
  static final String VALUE_TYPES =
      "a number (any numeric type), a BOOLEAN (1 or 0) or STRING holding a number";

  /**
   * The sources, opened, and what is wrong with the ones that cannot be used.
   *
   * @param tables source name → its table, for the usable sources
   * @param problems source name → the problem (its path first), for the others
   */
  record Opened(Map<String, Dataset<Row>> tables, Map<String, String> problems) {
    /** The problems of the sources {@code e}'s metrics read, in catalog order; empty when none. */
    List<String> problemsOf(ExperimentDefinition e, MetricCatalog catalog) {
      Set<String> sources = new LinkedHashSet<>();
      UnitMetrics.partsBySource(catalog, new LinkedHashSet<>(e.metrics().all()))
          .keySet()
          .forEach(sources::add);
      List<String> out = new ArrayList<>();
      for (String s : sources) {
        if (problems.containsKey(s)) {
          out.add(problems.get(s));
        }
      }
      return out;
    }
  }

  private MetricSources() {}

  /** Opens and checks every source in {@code bySource} (each source's parts). */
  static Opened open(
      SparkSession spark,
      RunContext ctx,
      MetricCatalog catalog,
      Map<String, List<UnitMetrics.Part>> bySource) {
    Map<String, Dataset<Row>> tables = new LinkedHashMap<>();
    Map<String, String> problems = new LinkedHashMap<>();
    for (Map.Entry<String, List<UnitMetrics.Part>> e : bySource.entrySet()) {
      MetricSource source = catalog.sources().get(e.getKey());
      Dataset<Row> table;
      try {
        table = Inputs.source(spark, ctx, source.name(), source.source());
      } catch (InputProblem p) {
        problems.put(source.name(), p.getMessage());
        continue;
      }
      List<String> found = check(source, table, e.getValue());
      if (found.isEmpty()) {
        tables.put(source.name(), table);
      } else {
        problems.put(
            source.name(),
            source.source().describe()
                + ": source '"
                + source.name()
                + "' "
                + String.join("; ", found));
      }
    }
    return new Opened(tables, problems);
  }

  /** What is wrong with one opened source, as phrases; empty when nothing is. */
  static List<String> check(MetricSource source, Dataset<Row> table, List<UnitMetrics.Part> parts) {
    List<String> out = new ArrayList<>();
    List<String> columns = Arrays.asList(table.columns());
    DataType unit = column(out, table, columns, source, source.unitColumn(), "unit_column");
    if (unit != null && !isUnitType(unit)) {
      out.add(wrongType(source, source.unitColumn(), "unit_column", unit, UNIT_TYPES));
    }
    DataType time = column(out, table, columns, source, source.timeColumn(), "time_column");
    if (time != null && !isTimeType(time)) {
      out.add(wrongType(source, source.timeColumn(), "time_column", time, TIME_TYPES));
    }
    Set<String> seen = new LinkedHashSet<>();
    for (UnitMetrics.Part p : parts) {
      if (MetricKinds.of(p.metric().kind()).readsValue()) {
        String value = p.measure().value();
        if (seen.add("value " + value)) {
          DataType t = typeOf(out, table, p, "value", value);
          if (t != null && !isValueType(t)) {
            out.add(
                "metric '"
                    + p.metric().name()
                    + "' value '"
                    + value
                    + "' is "
                    + t.sql()
                    + "; expected "
                    + VALUE_TYPES
                    + ": fix "
                    + field(p, "value")
                    + " in metrics.yaml, or the column's type in the table");
          }
        }
      }
      p.measure()
          .filter()
          .ifPresent(
              f -> {
                if (seen.add("filter " + f)) {
                  DataType t = typeOf(out, table, p, "filter", f);
                  if (t != null && !(t instanceof BooleanType)) {
                    out.add(
                        "metric '"
                            + p.metric().name()
                            + "' filter '"
                            + f
                            + "' is "
                            + t.sql()
                            + "; expected BOOLEAN: fix "
                            + field(p, "filter")
                            + " in metrics.yaml (a condition, e.g. status = 'paid')");
                  }
                }
              });
    }
    return out;
  }

  /** The column's type, or null (and a problem) when the table has no such column. */
  private static DataType column(
      List<String> out,
      Dataset<Row> table,
      List<String> columns,
      MetricSource source,
      String name,
      String field) {
    if (!columns.contains(name)) {
      out.add(
          "has no column '"
              + name
              + "' ("
              + field
              + "; columns: "
              + columns
              + "): fix sources."
              + source.name()
              + " in metrics.yaml, or add the column to the table");
      return null;
    }
    return table.schema().apply(name).dataType();
  }

  private static String wrongType(
      MetricSource source, String column, String field, DataType found, String expected) {
    return "column '"
        + column
        + "' ("
        + field
        + ") is "
        + found.sql()
        + "; expected "
        + expected
        + ": convert the column in the table, or name another one in sources."
        + source.name()
        + "."
        + field
        + " in metrics.yaml";
  }

  /** Where a part's expression is written in metrics.yaml. */
  private static String field(UnitMetrics.Part p, String what) {
    String metric = "metrics." + p.metric().name();
    if (p.metric().denominator().isEmpty()) { // a ratio's parts are under numerator/denominator
      return metric + "." + what;
    }
    return metric + (p.role().equals(UnitMetrics.D) ? ".denominator." : ".numerator.") + what;
  }

  /**
   * The type of an expression over the table (Spark's analyzer resolves it; nothing runs), or null
   * with a problem when it does not resolve (an unknown column, a function that does not apply).
   */
  private static DataType typeOf(
      List<String> out, Dataset<Row> table, UnitMetrics.Part p, String what, String sql) {
    try {
      return table.select(expr(sql)).schema().fields()[0].dataType();
    } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes
      String m = e.getMessage() == null ? e.toString() : e.getMessage().strip();
      int nl = m.indexOf('\n');
      out.add(
          "metric '"
              + p.metric().name()
              + "' "
              + what
              + " '"
              + sql
              + "' does not evaluate on this table: "
              + (nl > 0 ? m.substring(0, nl) : m)
              + ": fix "
              + field(p, what)
              + " in metrics.yaml");
      return null;
    }
  }

  static boolean isUnitType(DataType t) {
    return t instanceof StringType
        || t instanceof ByteType
        || t instanceof ShortType
        || t instanceof IntegerType
        || t instanceof LongType;
  }

  static boolean isTimeType(DataType t) {
    return t instanceof TimestampType
        || t instanceof TimestampNTZType
        || t instanceof DateType
        || t instanceof StringType;
  }

  static boolean isValueType(DataType t) {
    return t instanceof NumericType || t instanceof BooleanType || t instanceof StringType;
  }
}
