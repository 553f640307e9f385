package io.assay.metrics;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.when;

import io.assay.stats.QuantileBuckets;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The bucket key of a quantile metric's value as a Spark column: {@code 0} for 0, else {@code
 * sign(v)·(OFFSET + ⌈ln|v| / ln γ⌉)} with {@code γ = (1 + α)/(1 − α)} for the metric's accuracy
 * {@code α}: {@link QuantileBuckets#key} as a column. Keys sort as their values do. Spark's {@code
 * log} is {@code StrictMath.log}, the function {@code QuantileBuckets.key} uses, with the same
 * {@code ln γ}, so both put every value in the same bucket ({@code QuantileKeysTest}).
 */
final class QuantileKeys {
  /** The type of a unit's keys. */
  static final ArrayType TYPE = DataTypes.createArrayType(DataTypes.LongType);

  private QuantileKeys() {}

  /** The key of {@code v} (a double column; null stays null). */
  static Column key(Column v, double accuracy) {
    Column k =
        ceil(log(abs(v)).divide(lit(new QuantileBuckets(accuracy).logGamma())))
            .plus(lit(QuantileBuckets.OFFSET));
    return when(v.isNull(), lit(null).cast(DataTypes.LongType))
        .when(v.gt(0), k)
        .when(v.lt(0), k.multiply(lit(-1L)))
        .otherwise(lit(0L));
  }

  /**
   * The value that stands for bucket {@code key} ({@link QuantileBuckets#value(long)} as a column:
   * {@code sign·min(MAX, e^(j·ln γ)·2/(γ + 1))}, {@code j = |key| − OFFSET}; Spark's {@code exp} is
   * {@code StrictMath.exp}, as there).
   */
  static Column value(Column key, double accuracy) {
    QuantileBuckets b = new QuantileBuckets(accuracy);
    Column j = abs(key).minus(lit(QuantileBuckets.OFFSET)).cast(DataTypes.DoubleType);
    Column magnitude =
        least(exp(j.multiply(lit(b.logGamma()))).multiply(lit(b.scale())), lit(Double.MAX_VALUE));
    return when(key.equalTo(0L), lit(0.0))
        .when(key.gt(0L), magnitude)
        .otherwise(magnitude.multiply(lit(-1.0)));
  }
}
