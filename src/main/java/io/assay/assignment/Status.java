package io.assay.assignment;

/** The outcome of one assignment decision, in the order the checks run. */
public enum Status {
  /** In the window, eligible, outside the holdout, in the namespace slice and in traffic. */
  ASSIGNED,
  /** The timestamp is outside the definition's [start, end). */
  OUTSIDE_WINDOW,
  /** The eligibility condition is false for the unit's attributes. */
  NOT_ELIGIBLE,
  /** The unit's holdout position falls in the holdout range the experiment respects. */
  HOLDOUT,
  /** The unit's namespace position falls outside the experiment's slice of the namespace. */
  NOT_IN_NAMESPACE,
  /** The unit's position falls outside every arm's range at the traffic in force. */
  NOT_IN_TRAFFIC;

  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
