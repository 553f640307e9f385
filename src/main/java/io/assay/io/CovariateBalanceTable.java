package io.assay.io;

/**
 * The kinds of {@code covariate_balance} rows ({@link OutputTables#COVARIATE_BALANCE}): the table
 * is written by two stages, balance (attribute rows) and analyze (pre-period metric rows), and each
 * stage replaces only its own kinds of rows for a date.
 */
public final class CovariateBalanceTable {
  public static final String KIND = "covariate_kind";
  public static final String NUMERIC = "attribute_numeric";
  public static final String CATEGORICAL = "attribute_categorical";
  public static final String PRE_PERIOD_METRIC = "pre_period_metric";

  private CovariateBalanceTable() {}
}
