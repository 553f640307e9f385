package io.assay.io;

import static org.apache.spark.sql.functions.lit;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Names and schema versions of the output tables (Delta, one directory each under the output root).
 * Every row carries {@code run_id} and {@code schema_version}; {@code docs/schema.md} documents
 * every column. Bump a table's version whenever its columns change meaning.
 */
public final class OutputTables {
  public static final String QUARANTINE = "quarantine";
  public static final String INGEST_SUMMARY = "ingest_summary";
  public static final String RECONCILIATION_SUMMARY = "reconciliation_summary";
  public static final String RECONCILIATION_MISMATCHES = "reconciliation_mismatches";
  public static final String ENROLLMENT_DAYS = "enrollment_days";
  public static final String ENROLLMENTS = "enrollments";
  public static final String TRAFFIC_DAILY = "traffic_daily";
  public static final String ALERTS = "alerts";
  public static final String BALANCE_CHECKS = "balance_checks";
  public static final String COVARIATE_BALANCE = "covariate_balance";
  public static final String METRIC_STATS = "metric_stats";
  public static final String METRIC_RESULTS = "metric_results";
  public static final String EXPERIMENT_DECISIONS = "experiment_decisions";
  public static final String RUNS = "runs";

  /** Every table above: what a run may write under the output root. */
  public static final List<String> ALL =
      List.of(
          QUARANTINE,
          INGEST_SUMMARY,
          RECONCILIATION_SUMMARY,
          RECONCILIATION_MISMATCHES,
          ENROLLMENT_DAYS,
          ENROLLMENTS,
          TRAFFIC_DAILY,
          ALERTS,
          BALANCE_CHECKS,
          COVARIATE_BALANCE,
          METRIC_STATS,
          METRIC_RESULTS,
          EXPERIMENT_DECISIONS,
          RUNS);

  /** The schema version written by this code for every table above. */
  public static final int SCHEMA_VERSION = 1;

  private OutputTables() {}

  /** Adds {@code run_id} and {@code schema_version} to an output frame. */
  public static Dataset<Row> stamp(Dataset<Row> rows, String runId) {
    return rows.withColumn("run_id", lit(runId)).withColumn("schema_version", lit(SCHEMA_VERSION));
  }
}
