package io.assay.io;

import static org.apache.spark.sql.functions.lit;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Every output table, declared once: name, columns and partitioning ({@link OutputTable}), and the
 * schema version (Delta, one directory each under the output root). Stages write through {@link
 * Outputs} and read one another's tables through {@link Inputs#upstream}, both by these
 * declarations, so no stage needs another stage's classes to read its output. Every row carries
 * {@code run_id} and {@code schema_version}; {@code docs/schema.md} documents every column ({@code
 * OutputTablesTest} checks it against these declarations). Bump the version whenever a table's
 * columns change meaning.
 */
public final class OutputTables {
  public static final OutputTable QUARANTINE =
      OutputTable.byDate(
          "quarantine",
          String.join(
              ", ",
              "date DATE",
              "reason STRING",
              "detail STRING",
              "event_id STRING",
              "experiment STRING",
              "version STRING",
              "raw STRING",
              "file STRING"));

  public static final OutputTable INGEST_SUMMARY =
      OutputTable.byDate(
          "ingest_summary",
          String.join(
              ", ",
              "date DATE",
              "input_rows BIGINT",
              "accepted_rows BIGINT",
              "duplicate_rows BIGINT",
              "quarantined_rows BIGINT"));

  public static final OutputTable RECONCILIATION_SUMMARY =
      OutputTable.byDate(
          "reconciliation_summary",
          String.join(
              ", ",
              "date DATE",
              "experiment STRING",
              "version STRING",
              "category STRING",
              "exposures BIGINT",
              "units BIGINT",
              "rate DOUBLE"));

  public static final OutputTable RECONCILIATION_MISMATCHES =
      OutputTable.byDate(
          "reconciliation_mismatches",
          String.join(
              ", ",
              "date DATE",
              "experiment STRING",
              "version STRING",
              "category STRING",
              "event_id STRING",
              "ts TIMESTAMP",
              "unit_key STRING",
              "logged_arm STRING",
              "recomputed_arm STRING",
              "recomputed_status STRING",
              "position DOUBLE",
              "traffic DOUBLE",
              "attributes MAP<STRING, STRING>",
              "source STRING"));

  public static final OutputTable ENROLLMENT_DAYS =
      OutputTable.byDate(
          "enrollment_days",
          String.join(
              ", ",
              "experiment STRING",
              "version STRING",
              "date DATE",
              "logged_arm STRING",
              "first_ts TIMESTAMP",
              "exposures BIGINT",
              "mismatched_exposures BIGINT",
              "first STRUCT<ts: TIMESTAMP, category: STRING, attributes: MAP<STRING, STRING>, source: STRING>",
              "first_assigned STRUCT<ts: TIMESTAMP, arm: STRING, attributes: MAP<STRING, STRING>, source: STRING>",
              "unit_key STRING"));

  public static final OutputTable ENROLLMENTS =
      OutputTable.whole(
          "enrollments",
          String.join(
              ", ",
              "experiment STRING",
              "version STRING",
              "unit_key STRING",
              "first_exposure_ts TIMESTAMP",
              "first_exposure_date DATE",
              "first_category STRING",
              "first_logged_arm STRING",
              "enrolled_ts TIMESTAMP",
              "enrolled_date DATE",
              "arm STRING",
              "logged_arms ARRAY<STRING>",
              "multiple_arms BOOLEAN",
              "multiple_arms_since TIMESTAMP",
              "exposures BIGINT",
              "mismatched_exposures BIGINT",
              "excluded BOOLEAN",
              "exclusion_reason STRING",
              "multi_arm_policy STRING",
              "strata MAP<STRING, STRING>",
              "attributes MAP<STRING, STRING>",
              "source STRING"));

  public static final OutputTable TRAFFIC_DAILY =
      OutputTable.byDate(
          "traffic_daily",
          String.join(
              ", ",
              "date DATE",
              "experiment STRING",
              "version STRING",
              "units_seen BIGINT",
              "eligible_units BIGINT",
              "assigned_units BIGINT",
              "intended_traffic DOUBLE",
              "logged_units BIGINT",
              "observed_share DOUBLE"));

  public static final OutputTable ALERTS =
      OutputTable.byDate(
          "alerts",
          String.join(
              ", ",
              "date DATE",
              "stage STRING",
              "experiment STRING",
              "version STRING",
              "check STRING",
              "severity STRING",
              "value DOUBLE",
              "threshold DOUBLE",
              "message STRING"));

  public static final OutputTable BALANCE_CHECKS =
      OutputTable.byDate(
          "balance_checks",
          String.join(
              ", ",
              "date DATE",
              "experiment STRING",
              "version STRING",
              "check STRING",
              "slice_type STRING",
              "slice_key STRING",
              "slice_value STRING",
              "arm STRING",
              "n BIGINT",
              "observed MAP<STRING, BIGINT>",
              "expected MAP<STRING, DOUBLE>",
              "observed_share DOUBLE",
              "expected_share DOUBLE",
              "statistic DOUBLE",
              "df INT",
              "p_value DOUBLE",
              "p_value_adjusted DOUBLE",
              "flagged BOOLEAN",
              "skipped_reason STRING",
              "message STRING"));

  public static final OutputTable COVARIATE_BALANCE =
      OutputTable.byDate(
          "covariate_balance",
          String.join(
              ", ",
              "date DATE",
              "experiment STRING",
              "version STRING",
              "covariate STRING",
              "covariate_kind STRING",
              "arm STRING",
              "control STRING",
              "n_control BIGINT",
              "n_arm BIGINT",
              "mean_control DOUBLE",
              "mean_arm DOUBLE",
              "sd_control DOUBLE",
              "sd_arm DOUBLE",
              "smd DOUBLE",
              "levels_control MAP<STRING, BIGINT>",
              "levels_arm MAP<STRING, BIGINT>",
              "statistic DOUBLE",
              "df DOUBLE",
              "p_value DOUBLE",
              "p_value_adjusted DOUBLE",
              "flagged BOOLEAN",
              "skipped_reason STRING",
              "message STRING"));

  public static final OutputTable METRIC_STATS =
      OutputTable.byDate(
          "metric_stats",
          String.join(
              ", ",
              "experiment STRING",
              "version STRING",
              "arm STRING",
              "metric STRING",
              "segment_key STRING",
              "segment_value STRING",
              "n BIGINT",
              "sum_y DOUBLE",
              "sum_y2 DOUBLE",
              "sum_d DOUBLE",
              "sum_d2 DOUBLE",
              "sum_yd DOUBLE",
              "sum_p DOUBLE",
              "sum_p2 DOUBLE",
              "sum_yp DOUBLE",
              "sum_q DOUBLE",
              "sum_q2 DOUBLE",
              "sum_pq DOUBLE",
              "sum_yq DOUBLE",
              "sum_dp DOUBLE",
              "sum_dq DOUBLE",
              "dropped_values BIGINT",
              "date DATE"));

  public static final OutputTable METRIC_QUANTILES =
      OutputTable.byDate(
          "metric_quantiles",
          String.join(
              ", ",
              "experiment STRING",
              "version STRING",
              "arm STRING",
              "metric STRING",
              "segment_key STRING",
              "segment_value STRING",
              "bucket BIGINT",
              "bucket_value DOUBLE",
              "count DOUBLE",
              "squares DOUBLE",
              "cross DOUBLE",
              "date DATE"));

  public static final OutputTable METRIC_RESULTS =
      OutputTable.byDate(
          "metric_results",
          String.join(
              ", ",
              "date DATE",
              "experiment STRING",
              "version STRING",
              "metric STRING",
              "metric_kind STRING",
              "role STRING",
              "segment_key STRING",
              "segment_value STRING",
              "arm STRING",
              "control_arm STRING",
              "n_control BIGINT",
              "n_treatment BIGINT",
              "estimate_control DOUBLE",
              "estimate_treatment DOUBLE",
              "estimate_control_adjusted DOUBLE",
              "estimate_treatment_adjusted DOUBLE",
              "effect DOUBLE",
              "se DOUBLE",
              "ci_lower DOUBLE",
              "ci_upper DOUBLE",
              "p_value DOUBLE",
              "p_value_adjusted DOUBLE",
              "df DOUBLE",
              "relative_effect DOUBLE",
              "relative_se DOUBLE",
              "relative_ci_lower DOUBLE",
              "relative_ci_upper DOUBLE",
              "relative_p_value DOUBLE",
              "cuped BOOLEAN",
              "cuped_theta DOUBLE",
              "variance_reduction DOUBLE",
              "cap_value DOUBLE",
              "mde_target DOUBLE",
              "mde_absolute DOUBLE",
              "mde_relative DOUBLE",
              "achieved_power DOUBLE",
              "required_n_control DOUBLE",
              "required_n_treatment DOUBLE",
              "days_left DOUBLE",
              "sequential_p_value DOUBLE",
              "sequential_ci_lower DOUBLE",
              "sequential_ci_upper DOUBLE",
              "chance_to_beat_control DOUBLE",
              "expected_loss DOUBLE",
              "guardrail_margin DOUBLE",
              "guardrail_status STRING",
              "error STRING",
              "suppressed BOOLEAN",
              "alpha DOUBLE",
              "alternative STRING",
              "correction STRING"));

  public static final OutputTable EXPERIMENT_DECISIONS =
      OutputTable.byDate(
          "experiment_decisions",
          String.join(
              ", ",
              "date DATE",
              "experiment STRING",
              "version STRING",
              "arm STRING",
              "decision STRING",
              "reasons ARRAY<STRING>",
              "srm_failed BOOLEAN",
              "srm_checked BOOLEAN",
              "reconciliation_failed BOOLEAN",
              "planned_sample_reached BOOLEAN",
              "enrolled_units BIGINT"));

  /** The run records: one row per run, written by {@code Runs} (its own {@code run_id}). */
  public static final OutputTable RUNS = new OutputTable("runs", RunLog.SCHEMA, List.of());

  /** Every table above: what a run may write under the output root. */
  public static final List<OutputTable> ALL =
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
          METRIC_QUANTILES,
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
