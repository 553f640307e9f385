package io.assay.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.to_json;

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
 * Output rows in a form that can be compared across runs: run stamps dropped, doubles as text with
 * 9 significant digits (a distributed sum may differ in its last bits with the order partial sums
 * are combined), nested values as JSON. Used by {@code assay reproduce} and the incremental tests.
 */
public final class TableComparison {
  private TableComparison() {}

  public static Dataset<Row> comparable(Dataset<Row> t) {
    List<Column> cols = new ArrayList<>();
    for (StructField f : t.schema().fields()) {
      if (f.name().equals("run_id") || f.name().equals("schema_version")) {
        continue;
      }
      Column c = col(f.name());
      if (f.dataType().equals(DataTypes.DoubleType)) {
        c = format_string("%.9g", c);
      } else if (f.dataType() instanceof MapType
          || f.dataType() instanceof ArrayType
          || f.dataType() instanceof StructType) {
        c = to_json(c);
      }
      cols.add(c.cast(DataTypes.StringType).as(f.name()));
    }
    return t.select(cols.toArray(Column[]::new));
  }

  /** Rows of {@code a} not in {@code b} plus rows of {@code b} not in {@code a} (multisets). */
  public static long differences(Dataset<Row> a, Dataset<Row> b) {
    Dataset<Row> x = comparable(a);
    Dataset<Row> y = comparable(b);
    return x.exceptAll(y).count() + y.exceptAll(x).count();
  }
}
