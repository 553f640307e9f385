package io.assay.assignment;

import java.time.Instant;
import java.util.Map;

/**
 * The pure-Java assignment function: which arm (if any) a unit gets in an experiment version at an
 * instant. Deterministic, stateless and thread-safe; usable by an online service.
 *
 * <p>Checks run in this order and stop at the first that excludes the unit: window, eligibility,
 * holdout, namespace, traffic. The arm is then the range that holds the unit's hash position (see
 * {@link Allocation}). The Spark twin evaluates the same sequence as column expressions.
 *
 * <p>The unit id must be valid ({@link UnitIds}): reconciliation quarantines the ids this class
 * refuses, so neither evaluator ever hashes them.
 */
public final class Assigner {
  private Assigner() {}

  /**
   * The decision for one unit.
   *
   * @throws IllegalArgumentException when the unit id is not valid ({@link UnitIds#problem})
   */
  public static Decision decide(
      AssignmentPlan plan, String unitId, Map<String, String> attributes, Instant at) {
    String problem = UnitIds.problem(unitId);
    if (problem != null) {
      throw new IllegalArgumentException("invalid unit id: " + problem);
    }
    var d = plan.definition();
    if (!d.inWindow(at)) {
      return new Decision(Status.OUTSIDE_WINDOW, null, -1, null, null, null, null, null);
    }
    boolean eligible = d.eligibility().test(attributes == null ? Map.of() : attributes);
    if (!eligible) {
      return new Decision(Status.NOT_ELIGIBLE, null, -1, false, null, null, null, null);
    }
    Double holdoutPos = null;
    if (plan.holdout().isPresent()) {
      holdoutPos = plan.holdoutPosition(unitId);
      if (plan.holdout().get().contains(holdoutPos)) {
        return new Decision(Status.HOLDOUT, null, -1, true, holdoutPos, null, null, null);
      }
    }
    Double nsPos = null;
    if (plan.namespace().isPresent()) {
      nsPos = plan.namespacePosition(unitId);
      if (!plan.namespace().get().contains(nsPos)) {
        return new Decision(Status.NOT_IN_NAMESPACE, null, -1, true, holdoutPos, nsPos, null, null);
      }
    }
    int step = plan.stepAt(at);
    double traffic = step < 0 ? 0.0 : plan.steps().get(step).traffic();
    double position = plan.position(unitId);
    int arm = plan.arm(unitId, step);
    if (arm < 0) {
      return new Decision(
          Status.NOT_IN_TRAFFIC, null, -1, true, holdoutPos, nsPos, traffic, position);
    }
    return new Decision(
        Status.ASSIGNED, d.arms().get(arm).key(), arm, true, holdoutPos, nsPos, traffic, position);
  }
}
