package io.assay.reconcile;

/**
 * Why an exposure row was quarantined at ingest. A quarantined row is kept with its raw text and
 * counted; it never stops the job. Codes are stable: they appear in the {@code quarantine} table.
 */
public enum QuarantineReason {
  /**
   * The line is not a JSON object, or not valid UTF-8 (or the Parquet/Delta row could not be read
   * as one).
   */
  UNPARSEABLE,
  /** A required field is absent or null; the {@code detail} column names it. */
  MISSING_FIELD,
  /**
   * A required field holds a JSON object or array where text is expected (its text starts with
   * {@code {} or {@code [}); the {@code detail} column names it.
   */
  WRONG_TYPE,
  /**
   * {@code ts} is present but not an ISO-8601 timestamp ({@link Ingest#TIMESTAMP_PATTERN}: date and
   * time separated by {@code T} or one space).
   */
  BAD_TIMESTAMP,
  /** {@code unit_id} is empty or only white space. */
  EMPTY_UNIT_ID,
  /**
   * {@code unit_id} is longer than {@value Ingest#MAX_UNIT_ID_CHARS} characters, contains a control
   * character (an id no logging SDK produces; hashing it would enrol garbage) or a lone UTF-16
   * surrogate, or is not valid UTF-8: the ids {@link io.assay.assignment.UnitIds} calls invalid and
   * the Java assigner refuses.
   */
  INVALID_UNIT_ID,
  /** {@code arm} is the empty string. */
  EMPTY_ARM,
  /** {@code experiment} names no definition in conf/experiments. */
  UNKNOWN_EXPERIMENT,
  /** {@code version} names no version of a known experiment. */
  UNKNOWN_VERSION,
  /** {@code arm} is not an arm of the named definition version. */
  UNKNOWN_ARM;

  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
