package io.assay.io;

/**
 * The reconciliation category of one accepted (clean, deduplicated) exposure: what the definition
 * says should have happened versus what was logged. Codes are stable: they are the values of the
 * {@code category} column of {@code reconciliation_summary} and {@code reconciliation_mismatches}
 * (so the vocabulary lives with the table declarations, and a stage that reads those tables needs
 * nothing of {@code reconcile}).
 *
 * <p>Per exposure, in the order the recomputation checks them: outside the window, not eligible,
 * holdout conflict, namespace conflict, not in traffic at that time (ramp-aware), wrong arm, match.
 * Per unit (over all its accepted exposures of one experiment version): logged in more than one
 * arm, counted separately in {@link #MULTIPLE_ARMS}.
 */
public enum Category {
  /** The recomputed arm equals the logged arm. */
  MATCH,
  /** The unit was assigned, but to another arm than the one logged. */
  WRONG_ARM,
  /** The unit fails the eligibility condition (attributes as logged). */
  NOT_ELIGIBLE,
  /** The unit's position lies outside every arm's range at the traffic in force at that time. */
  NOT_IN_TRAFFIC,
  /** The exposure's timestamp is outside the definition's [start, end). */
  OUTSIDE_WINDOW,
  /** The unit is outside the experiment's namespace slice (it belongs to another experiment). */
  NAMESPACE_CONFLICT,
  /** The unit is in a holdout the experiment respects. */
  HOLDOUT_CONFLICT,
  /** Per unit: the unit's accepted exposures name more than one arm. */
  MULTIPLE_ARMS;

  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
