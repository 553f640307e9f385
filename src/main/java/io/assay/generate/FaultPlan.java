package io.assay.generate;

import io.assay.assignment.Status;
import io.assay.config.ExperimentDefinition;
import io.assay.reconcile.QuarantineReason;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which faults to inject and how often. Rates are per candidate row, and candidates are chosen by
 * hash draws, so counts are random but exact in {@code truth.json}.
 *
 * <ul>
 *   <li>{@link #clean}: for each clean (assigned, logged) event, the probability of each fault that
 *       alters or copies it; at most one per event.
 *   <li>{@link #extra}: for each visit at which the online system did <em>not</em> assign the unit,
 *       by the twin's status, the probability that a faulty client logs an exposure anyway.
 *   <li>{@link #srm}: the stratum and arm whose units lose all their exposures.
 * </ul>
 */
public record FaultPlan(Map<String, Double> clean, Map<Status, Double> extra, Optional<Srm> srm) {

  /**
   * Units of {@code experiment} served {@code arm} whose attribute {@code attribute} equals {@code
   * value} lose every exposure of that experiment with probability {@code unitShare}.
   */
  public record Srm(
      String experiment, String arm, String attribute, String value, double unitShare) {}

  /** Experiment key the SRM fault prefers; else the first served experiment. */
  static final String SRM_EXPERIMENT = "checkout_button";

  /** An experiment key no configuration should use (checked against the served ones). */
  static final String UNKNOWN_EXPERIMENT = "legacy_banner";

  /** A version no served experiment has (checked). */
  static final String UNKNOWN_VERSION = "0.9.0";

  /** An arm name served experiments do not have (checked). */
  static final String UNKNOWN_ARM = "treatment";

  public FaultPlan {
    // Insertion order fixes the draw intervals of the clean-event faults.
    clean = Collections.unmodifiableMap(new LinkedHashMap<>(clean));
    EnumMap<Status, Double> byStatus = new EnumMap<>(Status.class);
    byStatus.putAll(extra);
    extra = Collections.unmodifiableMap(byStatus);
  }

  /** A clean world: nothing injected. */
  public static FaultPlan none() {
    return new FaultPlan(Map.of(), Map.of(), Optional.empty());
  }

  /**
   * The default faults. Parquet cannot hold a broken JSON line or an unparseable timestamp, so
   * those two are not injected into Parquet logs.
   */
  public static FaultPlan defaults(
      OnlineSystem online, Collection<ExperimentDefinition> all, WorldSpec.LogFormat format) {
    Map<String, Double> clean = new LinkedHashMap<>();
    clean.put(Fault.DUPLICATES.code(), 0.005);
    clean.put(Fault.WRONG_ARM.code(), 0.002);
    clean.put(Fault.LATE.code(), 0.005);
    clean.put(Fault.MULTIPLE_ARMS.code(), 0.002);
    clean.put(Fault.OUTSIDE_WINDOW.code(), 0.002);
    for (QuarantineReason r : QuarantineReason.values()) {
      boolean jsonOnly = r == QuarantineReason.UNPARSEABLE || r == QuarantineReason.BAD_TIMESTAMP;
      if (format == WorldSpec.LogFormat.JSON || !jsonOnly) {
        clean.put(r.code(), 0.0005);
      }
    }
    Map<Status, Double> extra = new EnumMap<>(Status.class);
    extra.put(Status.NOT_ELIGIBLE, 0.01);
    extra.put(Status.HOLDOUT, 0.02);
    extra.put(Status.NOT_IN_NAMESPACE, 0.01);
    extra.put(Status.NOT_IN_TRAFFIC, 0.02);
    ExperimentDefinition target =
        online.experiments().stream()
            .filter(d -> d.key().equals(SRM_EXPERIMENT))
            .findFirst()
            .orElse(online.experiments().get(0));
    String arm =
        target.armKeys().stream()
            .filter(a -> !a.equals(target.control()))
            .findFirst()
            .orElseThrow();
    checkUnused(all);
    return new FaultPlan(
        clean, extra, Optional.of(new Srm(target.key(), arm, Units.PLATFORM, "android", 0.10)));
  }

  /** The arm logged by the unknown-arm fault: {@link #UNKNOWN_ARM} unless the definition has it. */
  static String unknownArm(ExperimentDefinition d) {
    return d.armKeys().contains(UNKNOWN_ARM) ? UNKNOWN_ARM + "_x" : UNKNOWN_ARM;
  }

  /** The unknown markers must be unknown to the reconciler, which knows every version. */
  private static void checkUnused(Collection<ExperimentDefinition> all) {
    for (ExperimentDefinition d : all) {
      if (d.key().equals(UNKNOWN_EXPERIMENT) || d.version().toString().equals(UNKNOWN_VERSION)) {
        throw new IllegalArgumentException(
            d.id()
                + " collides with the generator's unknown experiment/version markers "
                + UNKNOWN_EXPERIMENT
                + "@"
                + UNKNOWN_VERSION);
      }
    }
  }
}
