package io.assay.assignment;

import io.assay.config.AssayConfig;
import io.assay.config.ExperimentDefinition;
import io.assay.config.HashScheme;
import io.assay.config.Holdout;
import io.assay.config.NamespaceRange;
import io.assay.config.RampStep;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One experiment version resolved for assignment: the scheme, its salts, and the arm ranges at
 * every ramp step, computed once. Both evaluators read this object — {@link Assigner} in Java and
 * the Spark twin ({@code io.assay.reconcile.SparkAssignment}) as column expressions — so they
 * compare positions against the very same doubles.
 */
public final class AssignmentPlan {
  /** A ramp step with the arm ranges in force from {@code at} on. */
  public record Step(Instant at, double traffic, double[][] ranges) {}

  /** The namespace slice with the salt of its hash. */
  public record NamespaceSlice(String name, String salt, double start, double end) {
    public boolean contains(double position) {
      return position >= start && position < end;
    }
  }

  private final ExperimentDefinition definition;
  private final List<Step> steps;
  private final Optional<NamespaceSlice> namespace;
  private final Optional<Holdout> holdout;

  private AssignmentPlan(
      ExperimentDefinition definition,
      List<Step> steps,
      Optional<NamespaceSlice> namespace,
      Optional<Holdout> holdout) {
    this.definition = definition;
    this.steps = List.copyOf(steps);
    this.namespace = namespace;
    this.holdout = holdout;
  }

  /**
   * Resolves a definition against the site configuration (namespace salts, holdouts). The
   * configuration loader has already checked that the names exist.
   */
  public static AssignmentPlan of(ExperimentDefinition d, AssayConfig site) {
    double[] w = d.weights();
    List<Step> steps = new ArrayList<>();
    for (RampStep s : d.traffic().steps()) {
      steps.add(new Step(s.at(), s.traffic(), Allocation.ranges(w, s.traffic())));
    }
    Optional<NamespaceSlice> ns = Optional.empty();
    if (d.namespace().isPresent()) {
      NamespaceRange r = d.namespace().get();
      String salt =
          site == null
              ? r.namespace()
              : site.namespace(r.namespace()).map(n -> n.salt()).orElse(r.namespace());
      ns = Optional.of(new NamespaceSlice(r.namespace(), salt, r.start(), r.end()));
    }
    if (d.holdout().isPresent() && site == null) {
      throw new IllegalArgumentException(
          d.id()
              + " respects holdout "
              + d.holdout().get()
              + " but no site configuration was given");
    }
    Optional<Holdout> h =
        d.holdout()
            .map(
                name ->
                    site.holdout(name)
                        .orElseThrow(
                            () ->
                                new IllegalArgumentException(
                                    d.id() + " names undeclared holdout " + name)));
    return new AssignmentPlan(d, steps, ns, h);
  }

  public ExperimentDefinition definition() {
    return definition;
  }

  public HashScheme scheme() {
    return definition.hash();
  }

  public List<Step> steps() {
    return steps;
  }

  public Optional<NamespaceSlice> namespace() {
    return namespace;
  }

  public Optional<Holdout> holdout() {
    return holdout;
  }

  /** The ramp step in force at {@code t}, or -1 before the first step. */
  public int stepAt(Instant t) {
    return definition.traffic().stepAt(t);
  }

  /** The unit's position in [0, 1) under the experiment's scheme and salt. */
  public double position(String unitId) {
    String salt = definition.salt();
    return switch (definition.hash()) {
      case NATIVE -> NativeHash.position(salt, unitId);
      case GROWTHBOOK_V1 -> GrowthBookHash.hash(salt, unitId, 1);
      case GROWTHBOOK_V2 -> GrowthBookHash.hash(salt, unitId, 2);
      case PLANOUT -> PlanOutHash.uniform(salt, unitId, 0.0, 1.0);
    };
  }

  /** The unit's namespace position: GrowthBook's {@code inNamespace} hash, else native. */
  public double namespacePosition(String unitId) {
    NamespaceSlice ns = namespace.orElseThrow();
    return switch (definition.hash()) {
      case GROWTHBOOK_V1, GROWTHBOOK_V2 -> GrowthBookHash.hash("__" + ns.name(), unitId, 1);
      default -> NativeHash.position(ns.salt(), unitId);
    };
  }

  /** Holdouts span experiments of every scheme, so they always use the native hash. */
  public double holdoutPosition(String unitId) {
    return NativeHash.position(holdout.orElseThrow().salt(), unitId);
  }

  /** The arm index for a unit at a ramp step, or -1 when it falls outside the traffic. */
  public int arm(String unitId, int step) {
    if (step < 0) {
      return -1;
    }
    if (definition.hash() == HashScheme.PLANOUT) {
      // PlanOut experiments run at full traffic (validated); WeightedChoice picks the arm.
      return PlanOutHash.weightedChoice(definition.salt(), unitId, definition.weights());
    }
    return Allocation.choose(position(unitId), steps.get(step).ranges());
  }
}
