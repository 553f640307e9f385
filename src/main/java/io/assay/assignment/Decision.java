package io.assay.assignment;

/**
 * The decision for one unit at one instant, with the trace that explains it. Fields after the
 * status are null when the check that produces them did not run (checks stop at the first that
 * excludes the unit).
 *
 * @param arm the arm key when {@code status == ASSIGNED}, else null
 * @param armIndex the arm's index in the definition, or -1
 * @param eligible the eligibility condition's value
 * @param holdoutPosition the unit's holdout position, when the experiment respects a holdout
 * @param namespacePosition the unit's namespace position, when the experiment is in a namespace
 * @param traffic the traffic in force at the instant
 * @param position the unit's hash position under the experiment's salt
 */
public record Decision(
    Status status,
    String arm,
    int armIndex,
    Boolean eligible,
    Double holdoutPosition,
    Double namespacePosition,
    Double traffic,
    Double position) {

  public boolean assigned() {
    return status == Status.ASSIGNED;
  }
}
