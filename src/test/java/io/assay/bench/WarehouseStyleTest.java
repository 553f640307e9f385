package io.assay.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * {@code assay bench --analyze-only --warehouse} on a small world of the scale configuration (one
 * experiment, seven metrics per source: every kind, a percentile cap with CUPED, a ratio across two
 * sources, filters and shifted windows): analyze's {@code metric_stats} and one SQL query per
 * experiment × metric, written without assay's metric code, agree on every count and sum. And the
 * comparison finds a difference when there is one.
 */
class WarehouseStyleTest {
  @Test
  void differencesNameTheRowAndTheSum() {
    StructType schema = new StructType();
    schema = schema.add(new StructField("n", DataTypes.LongType, false, null));
    for (String s : WarehouseStyle.SUMS) {
      schema = schema.add(new StructField(s, DataTypes.DoubleType, true, null));
    }
    Map<String, Row> a = new LinkedHashMap<>();
    Map<String, Row> b = new LinkedHashMap<>();
    a.put("e 1.0.0 control m", row(schema, 10, 5.0, null));
    b.put("e 1.0.0 control m", row(schema, 10, 5.0 + 1e-12, null));
    assertEquals(List.of(), WarehouseStyle.differences(a, b), "rounding is not a difference");

    b.put("e 1.0.0 control m", row(schema, 10, 5.001, null));
    assertEquals(
        List.of("e 1.0.0 control m: sum_y 5.0 (warehouse) vs 5.001 (assay)"),
        WarehouseStyle.differences(a, b));
    b.put("e 1.0.0 control m", row(schema, 11, 5.0, 2.0));
    List<String> d = WarehouseStyle.differences(a, b);
    assertEquals(2, d.size(), "" + d);
    assertTrue(d.get(0).contains("n 10 (warehouse) vs 11 (assay)"), "" + d);
    assertTrue(d.get(1).contains("sum_p Optional.empty (warehouse)"), "" + d);
    b.put("e 1.0.0 treatment m", row(schema, 10, 5.0, null));
    assertTrue(WarehouseStyle.differences(a, b).contains("e 1.0.0 treatment m: no warehouse row"));
    assertFalse(WarehouseStyle.differences(b, a).isEmpty());
  }

  /** A row with n, sum_y = y, sum_p = p and every other sum 0. */
  private static Row row(StructType schema, long n, double y, Double p) {
    Object[] v = new Object[schema.size()];
    v[0] = n;
    for (int i = 1; i < v.length; i++) {
      String name = schema.fields()[i].name();
      v[i] = name.equals("sum_y") ? (Object) y : name.equals("sum_p") ? p : (Object) 0.0;
    }
    return new GenericRowWithSchema(v, schema);
  }
}
