package io.assay.io;

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

  /** The schema version written by this code for every table above. */
  public static final int SCHEMA_VERSION = 1;

  private OutputTables() {}
}
