package io.assay.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Assertions on small Datasets (after the unit-level work is done, e.g. summaries), in the style of
 * Iceberg's test helpers: {@code row(...)} builds an expected row, {@link #ANY} matches any value,
 * doubles compare within a tolerance, and row order does not matter. Failures name the row and
 * column that differ.
 */
public final class DatasetAssert {
  /** Matches any value in an expected row. */
  public static final Object ANY =
      new Object() {
        @Override
        public String toString() {
          return "ANY";
        }
      };

  private static final double TOLERANCE = 1e-9;

  private DatasetAssert() {}

  public static Object[] row(Object... values) {
    return values;
  }

  /** Asserts the schema's DDL, e.g. {@code "unit_id STRING, n BIGINT"} (nullability ignored). */
  public static void assertSchema(Dataset<Row> ds, String ddl) {
    StructType expected = StructType.fromDDL(ddl);
    assertEquals(
        expected.toDDL(), ds.schema().asNullable().toDDL().replace(" NOT NULL", ""), "schema");
  }

  /** Asserts the Dataset holds exactly these rows, in any order (columns in schema order). */
  public static void assertRows(Dataset<Row> ds, List<Object[]> expected) {
    List<Row> actual = ds.collectAsList();
    String[] cols = ds.columns();
    List<Object[]> remaining = new ArrayList<>(expected);
    List<Row> unmatched = new ArrayList<>();
    for (Row r : actual) {
      Object[] hit = null;
      for (Object[] e : remaining) {
        if (matches(r, e)) {
          hit = e;
          break;
        }
      }
      if (hit == null) {
        unmatched.add(r);
      } else {
        remaining.remove(hit);
      }
    }
    if (!unmatched.isEmpty() || !remaining.isEmpty()) {
      StringBuilder b = new StringBuilder("rows differ; columns ").append(Arrays.toString(cols));
      for (Row r : unmatched) {
        b.append("\n  unexpected: ").append(r);
      }
      for (Object[] e : remaining) {
        b.append("\n  missing:    ").append(Arrays.deepToString(e));
      }
      fail(b.toString());
    }
  }

  /** Asserts a single-row Dataset's columns, naming the column that differs. */
  public static void assertSingleRow(Dataset<Row> ds, Object... expected) {
    List<Row> rows = ds.collectAsList();
    assertEquals(1, rows.size(), "row count");
    Row r = rows.get(0);
    for (int i = 0; i < expected.length; i++) {
      if (!valueMatches(r.get(i), expected[i])) {
        fail("column " + ds.columns()[i] + ": expected " + expected[i] + " but was " + r.get(i));
      }
    }
  }

  private static boolean matches(Row r, Object[] e) {
    if (r.size() != e.length) {
      return false;
    }
    for (int i = 0; i < e.length; i++) {
      if (!valueMatches(r.get(i), e[i])) {
        return false;
      }
    }
    return true;
  }

  private static boolean valueMatches(Object actual, Object expected) {
    if (expected == ANY) {
      return true;
    }
    if (expected == null || actual == null) {
      return expected == actual;
    }
    if (expected instanceof Double || expected instanceof Float) {
      if (!(actual instanceof Number n)) {
        return false;
      }
      double a = n.doubleValue();
      double x = ((Number) expected).doubleValue();
      return Math.abs(a - x) <= TOLERANCE * Math.max(1.0, Math.abs(x));
    }
    if (expected instanceof Number x && actual instanceof Number a) {
      return x.longValue() == a.longValue() && !(actual instanceof Double);
    }
    return expected.equals(actual);
  }
}
