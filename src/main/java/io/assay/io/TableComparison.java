package io.assay.io;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Compares output tables across runs (used by {@code assay reproduce}, the cluster test and the
 * crash tests). Run stamps ({@code run_id}, {@code schema_version}) are ignored. Every column that
 * is not a double is compared exactly (nested values as JSON); doubles are compared with a relative
 * tolerance of {@value #RELATIVE_TOLERANCE}, because a distributed sum may differ in its last bits
 * with the order in which partial sums are combined, and a root finder that stops at its tolerance
 * (the required sample sizes) turns such a difference into one of about 10⁻¹⁰ relative. Rounding to
 * a fixed number of digits is not enough: two values a hair apart can round differently.
 *
 * <p>Rows are grouped by all their non-double columns; a group matches when it has the same number
 * of rows on both sides and the minimum, maximum and sum of every double column agree within the
 * tolerance. For the output tables, whose non-double columns identify a row, this is a row-by-row
 * comparison.
 */
public final class TableComparison {
  /** Relative tolerance for double columns. */
  public static final double RELATIVE_TOLERANCE = 1e-8;

  /** Absolute tolerance for doubles near zero (e.g. an effect that is 0 up to rounding). */
  public static final double ABSOLUTE_TOLERANCE = 1e-12;

  private static final String[] AGGREGATES = {"min", "max", "sum"};

  private TableComparison() {}

  /**
   * The table with run stamps dropped, doubles as text with 9 significant digits, nested as JSON.
   */
  public static Dataset<Row> comparable(Dataset<Row> t) {
    List<Column> cols = new ArrayList<>();
    for (StructField f : compared(t)) {
      Column c = keyColumn(f);
      if (f.dataType().equals(DataTypes.DoubleType)) {
        c = format_string("%.9g", col(f.name()));
      }
      cols.add(c.as(f.name()));
    }
    return t.select(cols.toArray(Column[]::new));
  }

  /** The number of row groups that differ between {@code a} and {@code b}; 0 when they match. */
  public static long differences(Dataset<Row> a, Dataset<Row> b) {
    return mismatches(a, b).count();
  }

  /**
   * The row groups that differ: the non-double columns, {@code rows_first} and {@code rows_second}
   * (how many rows each side has in the group) and {@code differing} (the double columns that
   * differ beyond the tolerance).
   */
  public static Dataset<Row> mismatches(Dataset<Row> a, Dataset<Row> b) {
    List<StructField> fields = compared(a);
    List<String> names = fields.stream().map(StructField::name).toList();
    List<String> namesB = compared(b).stream().map(StructField::name).toList();
    if (!names.equals(namesB)) {
      throw new IllegalArgumentException(
          "the tables have different columns: " + names + " and " + namesB);
    }
    List<StructField> keys = new ArrayList<>();
    List<StructField> doubles = new ArrayList<>();
    for (StructField f : fields) {
      (f.dataType().equals(DataTypes.DoubleType) ? doubles : keys).add(f);
    }
    Dataset<Row> x = summarize(a, "a", keys, doubles);
    Dataset<Row> y = summarize(b, "b", keys, doubles);
    Column on = lit(true);
    for (int i = 0; i < keys.size(); i++) {
      on = on.and(col("a_k" + i).eqNullSafe(col("b_k" + i)));
    }
    List<Column> differs = new ArrayList<>();
    Column any = col("a_n").isNull().or(col("b_n").isNull()).or(col("a_n").notEqual(col("b_n")));
    for (int i = 0; i < doubles.size(); i++) {
      Column bad = lit(false);
      for (String agg : AGGREGATES) {
        bad = bad.or(close(col("a_d" + i + agg), col("b_d" + i + agg)).unary_$bang());
      }
      differs.add(when(bad, lit(doubles.get(i).name())));
      any = any.or(bad);
    }
    List<Column> out = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      out.add(coalesce(col("a_k" + i), col("b_k" + i)).as(keys.get(i).name()));
    }
    out.add(coalesce(col("a_n"), lit(0L)).as("rows_first"));
    out.add(coalesce(col("b_n"), lit(0L)).as("rows_second"));
    out.add(concat_ws(",", differs.toArray(Column[]::new)).as("differing"));
    return x.join(y, on, "full_outer").filter(any).select(out.toArray(Column[]::new));
  }

  private static Dataset<Row> summarize(
      Dataset<Row> t, String side, List<StructField> keys, List<StructField> doubles) {
    List<Column> groups = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      groups.add(keyColumn(keys.get(i)).as(side + "_k" + i));
    }
    List<Column> aggs = new ArrayList<>();
    for (int i = 0; i < doubles.size(); i++) {
      Column d = col(doubles.get(i).name());
      aggs.add(min(d).as(side + "_d" + i + "min"));
      aggs.add(max(d).as(side + "_d" + i + "max"));
      aggs.add(sum(d).as(side + "_d" + i + "sum"));
    }
    return t.groupBy(groups.toArray(Column[]::new))
        .agg(count(lit(1)).as(side + "_n"), aggs.toArray(Column[]::new));
  }

  /**
   * Equal, both null, both NaN (Spark's = treats NaN as equal) or finite and within the tolerance.
   */
  private static Column close(Column x, Column y) {
    Column near =
        abs(x.minus(y))
            .leq(
                greatest(abs(x), abs(y))
                    .multiply(RELATIVE_TOLERANCE)
                    .plus(lit(ABSOLUTE_TOLERANCE)));
    return x.eqNullSafe(y).or(coalesce(finite(x).and(finite(y)).and(near), lit(false)));
  }

  /** Not null, NaN or infinite (Spark orders NaN above every number, so NaN < ∞ is false). */
  private static Column finite(Column x) {
    return abs(x).lt(lit(Double.POSITIVE_INFINITY));
  }

  private static List<StructField> compared(Dataset<Row> t) {
    List<StructField> out = new ArrayList<>();
    for (StructField f : t.schema().fields()) {
      if (!f.name().equals("run_id") && !f.name().equals("schema_version")) {
        out.add(f);
      }
    }
    return out;
  }

  private static Column keyColumn(StructField f) {
    Column c = col(f.name());
    if (f.dataType() instanceof MapType
        || f.dataType() instanceof ArrayType
        || f.dataType() instanceof StructType) {
      c = to_json(canonical(c, f.dataType()));
    }
    return c.cast(DataTypes.StringType);
  }

  /**
   * A nested value in a form whose JSON does not depend on the order in which a map's entries were
   * inserted (a map is unordered: the same attributes read from a JSON record and built from
   * columns come in different orders): every map, at any depth, becomes its entries sorted by key.
   * Arrays keep their order, which is data.
   */
  static Column canonical(Column c, org.apache.spark.sql.types.DataType type) {
    if (type instanceof MapType m) {
      Column entries =
          org.apache.spark.sql.functions.transform(
              org.apache.spark.sql.functions.map_entries(c),
              e ->
                  org.apache.spark.sql.functions.struct(
                      canonical(e.getField("key"), m.keyType()).as("key"),
                      canonical(e.getField("value"), m.valueType()).as("value")));
      return org.apache.spark.sql.functions.array_sort(entries);
    }
    if (type instanceof ArrayType a && needsCanonical(a.elementType())) {
      return org.apache.spark.sql.functions.transform(c, e -> canonical(e, a.elementType()));
    }
    if (type instanceof StructType s && needsCanonical(s)) {
      List<Column> fields = new ArrayList<>();
      for (StructField f : s.fields()) {
        fields.add(canonical(c.getField(f.name()), f.dataType()).as(f.name()));
      }
      return org.apache.spark.sql.functions.when(
          c.isNotNull(), org.apache.spark.sql.functions.struct(fields.toArray(Column[]::new)));
    }
    return c;
  }

  /** Whether a value of this type holds a map somewhere. */
  private static boolean needsCanonical(org.apache.spark.sql.types.DataType type) {
    if (type instanceof MapType) {
      return true;
    }
    if (type instanceof ArrayType a) {
      return needsCanonical(a.elementType());
    }
    if (type instanceof StructType s) {
      for (StructField f : s.fields()) {
        if (needsCanonical(f.dataType())) {
          return true;
        }
      }
    }
    return false;
  }
}
