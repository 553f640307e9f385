package io.assay.io;

import org.apache.spark.sql.types.StructType;

/**
 * The {@code covariate_balance} table, written by two stages: balance (attribute rows) and analyze
 * (pre-period metric rows). Each stage replaces only its own kinds of rows for a date.
 */
public final class CovariateBalanceTable {
  public static final String KIND = "covariate_kind";
  public static final String NUMERIC = "attribute_numeric";
  public static final String CATEGORICAL = "attribute_categorical";
  public static final String PRE_PERIOD_METRIC = "pre_period_metric";

  public static final StructType SCHEMA =
      StructType.fromDDL(
          "date DATE, experiment STRING, version STRING, covariate STRING, "
              + KIND
              + " STRING, arm STRING, control STRING, n_control BIGINT, n_arm BIGINT,"
              + " mean_control DOUBLE, mean_arm DOUBLE, sd_control DOUBLE, sd_arm DOUBLE,"
              + " smd DOUBLE, levels_control MAP<STRING, BIGINT>, levels_arm MAP<STRING, BIGINT>,"
              + " statistic DOUBLE, df DOUBLE, p_value DOUBLE, p_value_adjusted DOUBLE,"
              + " flagged BOOLEAN, skipped_reason STRING, message STRING");

  private CovariateBalanceTable() {}
}
