package io.assay.balance;

import io.assay.io.CovariateBalanceTable;
import io.assay.io.OutputTables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The balance stage's output rows as Datasets with explicit schemas ({@code docs/schema.md}
 * documents every column). Rows are built on the driver from aggregated results: a few hundred per
 * experiment version.
 */
final class BalanceTables {
  static final String STAGE = "balance";
  static final String COVARIATE_KIND = CovariateBalanceTable.KIND;

  static final StructType CHECKS = OutputTables.BALANCE_CHECKS.columns();

  static final StructType COVARIATES = OutputTables.COVARIATE_BALANCE.columns();

  /**
   * The rows of {@code covariate_balance} this stage owns; the metrics stage writes {@code
   * pre_period_metric} rows for the same dates.
   */
  static final String OWN_COVARIATE_ROWS =
      COVARIATE_KIND + " IN ('" + CovariateRow.NUMERIC + "', '" + CovariateRow.CATEGORICAL + "')";

  private BalanceTables() {}

  static Dataset<Row> checks(SparkSession spark, LocalDate asOf, List<ExperimentBalance> results) {
    List<Row> rows = new ArrayList<>();
    for (ExperimentBalance e : results) {
      for (CheckRow r : e.checks()) {
        rows.add(
            RowFactory.create(
                Date.valueOf(asOf),
                e.definition().key(),
                e.definition().version().toString(),
                r.check(),
                r.slice().type().code,
                r.slice().key(),
                r.slice().value(),
                r.arm(),
                r.n(),
                r.observed(),
                r.expected(),
                r.observedShare(),
                r.expectedShare(),
                r.statistic(),
                r.df(),
                r.pValue(),
                r.pValueAdjusted(),
                r.flagged(),
                r.skippedReason(),
                r.message()));
      }
    }
    return spark.createDataFrame(rows, CHECKS);
  }

  static Dataset<Row> covariates(
      SparkSession spark, LocalDate asOf, List<ExperimentBalance> results) {
    List<Row> rows = new ArrayList<>();
    for (ExperimentBalance e : results) {
      for (CovariateRow r : e.covariates()) {
        rows.add(
            RowFactory.create(
                Date.valueOf(asOf),
                e.definition().key(),
                e.definition().version().toString(),
                r.covariate(),
                r.kind(),
                r.arm(),
                r.control(),
                r.nControl(),
                r.nArm(),
                r.meanControl(),
                r.meanArm(),
                r.sdControl(),
                r.sdArm(),
                r.smd(),
                r.levelsControl(),
                r.levelsArm(),
                r.statistic(),
                r.df(),
                r.pValue(),
                r.pValueAdjusted(),
                r.flagged(),
                r.skippedReason(),
                r.message()));
      }
    }
    return spark.createDataFrame(rows, COVARIATES);
  }

  static Dataset<Row> alerts(SparkSession spark, LocalDate asOf, List<ExperimentBalance> results) {
    List<Row> rows = new ArrayList<>();
    for (ExperimentBalance e : results) {
      for (BalanceAlert a : e.alerts()) {
        rows.add(
            RowFactory.create(
                Date.valueOf(asOf),
                STAGE,
                a.experiment(),
                a.version(),
                a.check(),
                a.severity(),
                a.value(),
                a.threshold(),
                a.message()));
      }
    }
    return spark.createDataFrame(rows, OutputTables.ALERTS.columns());
  }
}
