package io.assay.config;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One immutable version of an experiment, resolved and validated from {@code
 * conf/experiments/<key>/<version>.yaml}. A change to an experiment is a new version file; the lock
 * file ({@link DefinitionLock}) proves that no version changed in place.
 *
 * @param key experiment key, as logged in exposure events
 * @param version the definition's semantic version, as logged in exposure events
 * @param unit the randomization unit's kind (user, device, account), for documentation
 * @param salt the seed of the assignment hash (for GrowthBook the experiment seed; for PlanOut the
 *     full salt)
 * @param namespace the namespace slice this experiment owns, if any
 * @param holdout the name of the holdout this experiment respects, if any
 * @param arms arms in order; their cumulative weights lay out the hash range
 * @param start first instant (inclusive) at which units may be assigned
 * @param end instant (exclusive) after which no unit is assigned
 * @param strata attributes recorded at first exposure and used for stratified checks
 * @param sha256 canonical content hash (see {@link DefinitionLock})
 */
public record ExperimentDefinition(
    String key,
    SemVer version,
    String owner,
    String hypothesis,
    String unit,
    String salt,
    HashScheme hash,
    Optional<NamespaceRange> namespace,
    Optional<String> holdout,
    TrafficSchedule traffic,
    List<Arm> arms,
    String control,
    Instant start,
    Instant end,
    Condition eligibility,
    List<String> strata,
    MetricRefs metrics,
    AnalysisSettings analysis,
    String sourceFile,
    String sha256,
    ArmsLoggedAs armsLoggedAs) {

  /**
   * How exposure logs name this version's arms ({@code arms_logged_as}): by key, or by position in
   * {@code arms} ({@code 0, 1, 2 …}, as SDKs that log variation indices do), mapped to the key at
   * ingest.
   */
  public enum ArmsLoggedAs {
    KEY,
    INDEX
  }

  public ExperimentDefinition {
    arms = List.copyOf(arms);
    strata = List.copyOf(strata);
  }

  /** {@code key@version}, the id used in logs, outputs and the CLI. */
  public String id() {
    return key + "@" + version;
  }

  public List<String> armKeys() {
    return arms.stream().map(Arm::key).toList();
  }

  public int armIndex(String armKey) {
    for (int i = 0; i < arms.size(); i++) {
      if (arms.get(i).key().equals(armKey)) {
        return i;
      }
    }
    return -1;
  }

  public double[] weights() {
    return arms.stream().mapToDouble(Arm::weight).toArray();
  }

  /** Whether {@code t} lies in {@code [start, end)}. */
  public boolean inWindow(Instant t) {
    return !t.isBefore(start) && t.isBefore(end);
  }
}
