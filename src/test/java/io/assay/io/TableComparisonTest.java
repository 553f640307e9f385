package io.assay.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.assay.testing.SparkTest;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Exact non-double columns, doubles within a relative 10⁻⁸, run stamps ignored. */
@SparkTest
class TableComparisonTest {
  static final StructType SCHEMA =
      StructType.fromDDL("key STRING, n BIGINT, x DOUBLE, y DOUBLE, run_id STRING");

  static Dataset<Row> table(SparkSession spark, Object[]... rows) {
    List<Row> list = Arrays.stream(rows).map(RowFactory::create).toList();
    return spark.createDataFrame(list, SCHEMA);
  }

  static final Object[] A = {"a", 1L, 314273.8135499947, 0.0, "run-1"};
  static final Object[] B = {"b", 2L, Double.NaN, null, "run-1"};

  @Test
  void lastBitDifferencesAndRunStampsAreEqual(SparkSession spark) {
    // the two required sample sizes a standalone cluster and local Spark wrote for one row: they
    // round differently at 9 significant digits but are 3.6e-10 apart
    Object[] a2 = {"a", 1L, 314273.8134376578, 1e-17, "run-2"};
    Object[] b2 = {"b", 2L, Double.NaN, null, "run-2"};
    assertEquals(0, TableComparison.differences(table(spark, A, B), table(spark, b2, a2)));
  }

  @Test
  void aRealDifferenceInADoubleIsFoundAndNamed(SparkSession spark) {
    Object[] a2 = {"a", 1L, 314273.8135499947 * (1 + 1e-6), 0.0, "run-1"};
    List<Row> rows =
        TableComparison.mismatches(table(spark, A, B), table(spark, a2, B)).collectAsList();
    assertEquals(1, rows.size());
    assertEquals("a", rows.get(0).getAs("key"));
    assertEquals("x", rows.get(0).getAs("differing"));
  }

  @Test
  void nullAgainstAValueNaNAgainstANumberAndAnExactColumnDiffer(SparkSession spark) {
    Object[] nullX = {"a", 1L, null, 0.0, "run-1"};
    Object[] numberForNaN = {"b", 2L, 1.0, null, "run-1"};
    Object[] otherCount = {"a", 3L, 314273.8135499947, 0.0, "run-1"};
    assertEquals(1, TableComparison.differences(table(spark, A, B), table(spark, nullX, B)));
    assertEquals(1, TableComparison.differences(table(spark, A, B), table(spark, A, numberForNaN)));
    Object[] infinite = {"a", 1L, Double.POSITIVE_INFINITY, 0.0, "run-1"};
    assertEquals(1, TableComparison.differences(table(spark, A, B), table(spark, infinite, B)));
    assertEquals(0, TableComparison.differences(table(spark, infinite), table(spark, infinite)));
    // a changed BIGINT is a different key: one group only on each side
    assertEquals(2, TableComparison.differences(table(spark, A, B), table(spark, otherCount, B)));
  }

  /**
   * A map is unordered: the same attributes read from a JSON record and built from columns are
   * equal, at any depth; a different value, or another order of an array's elements, differs.
   */
  @Test
  void mapsCompareByTheirEntriesWhateverTheirOrderAndArraysByTheirOrder(SparkSession spark) {
    String ddl =
        "SELECT 'u' AS key, map('country', 'US', 'platform', 'ios') AS m,"
            + " named_struct('ts', 1, 'attributes', map('a', '1', 'b', '2')) AS s,"
            + " array(map('x', '1', 'y', '2')) AS l, array('p', 'q') AS tags";
    Dataset<Row> a = spark.sql(ddl);
    Dataset<Row> b =
        spark.sql(
            "SELECT 'u' AS key, map('platform', 'ios', 'country', 'US') AS m,"
                + " named_struct('ts', 1, 'attributes', map('b', '2', 'a', '1')) AS s,"
                + " array(map('y', '2', 'x', '1')) AS l, array('p', 'q') AS tags");
    assertEquals(0, TableComparison.differences(a, b));
    assertEquals(
        2, // the row of each side, unmatched
        TableComparison.differences(
            a, spark.sql(ddl.replace("'platform', 'ios'", "'platform', 'android'"))));
    assertEquals(
        2, TableComparison.differences(a, spark.sql(ddl.replace("'b', '2')", "'b', '3')"))));
    assertEquals(
        2, // the row of each side, unmatched
        TableComparison.differences(
            a, spark.sql(ddl.replace("array('p', 'q')", "array('q', 'p')"))));
  }

  @Test
  void aMissingOrDuplicatedRowDiffers(SparkSession spark) {
    assertEquals(1, TableComparison.differences(table(spark, A, B), table(spark, A)));
    Row r = TableComparison.mismatches(table(spark, A, B), table(spark, A, B, B)).first();
    assertEquals(1L, r.<Long>getAs("rows_first"));
    assertEquals(2L, r.<Long>getAs("rows_second"));
  }

  @Test
  void tablesWithDifferentColumnsAreRefused(SparkSession spark) {
    Dataset<Row> other = table(spark, A).drop("y");
    assertThrows(
        IllegalArgumentException.class, () -> TableComparison.differences(table(spark, A), other));
  }
}
