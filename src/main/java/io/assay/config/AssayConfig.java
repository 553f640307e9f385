package io.assay.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The site configuration ({@code conf/assay.yaml}): where data lives, alert thresholds, privacy
 * settings, and the namespaces and holdouts that experiments may refer to. Locations are Hadoop
 * URIs or paths; relative paths resolve against the directory holding {@code assay.yaml} ({@code
 * data.logs} and {@code data.population} against the data root). The logs and the population may
 * instead be a catalog table or a SQL query ({@link Source}).
 *
 * @param outputDatabase the database of the session catalog in which every output table is also
 *     registered by name ({@code output.database}), if any
 */
public record AssayConfig(
    Location dataRoot,
    ExposureSource logs,
    Source population,
    Location outputRoot,
    Optional<String> outputDatabase,
    Reconcile reconcile,
    Alerts alerts,
    Balance balance,
    Privacy privacy,
    List<Namespace> namespaces,
    List<Holdout> holdouts) {

  public AssayConfig {
    namespaces = List.copyOf(namespaces);
    holdouts = List.copyOf(holdouts);
  }

  /**
   * Reconciliation settings.
   *
   * @param multiArmPolicy what enrollments do with a unit logged in more than one arm: {@code
   *     exclude} (default) or {@code keep_first}
   * @param mismatchSampleSize rows kept per experiment, version, date and mismatch category
   * @param lateLookbackDays how many earlier log partitions an incremental night re-reads
   */
  public record Reconcile(String multiArmPolicy, int mismatchSampleSize, int lateLookbackDays) {}

  /**
   * Alert thresholds.
   *
   * @param srmPValue SRM alert when the (Holm-adjusted) chi-square p-value is below this
   * @param mismatchRate reconciliation alert when the share of mismatched exposures exceeds this
   * @param smd covariate imbalance flag when |standardized mean difference| exceeds this
   * @param exposureShareTolerance alert when an arm's share exceeds its weight by more than this
   * @param minExpectedCount SRM cells with a smaller expected count are skipped, with the reason
   */
  public record Alerts(
      double srmPValue,
      double mismatchRate,
      double smd,
      double exposureShareTolerance,
      double minExpectedCount) {}

  /**
   * Balance-check settings.
   *
   * @param crossAllStrata SRM also per cell of the full cross of each experiment's strata (for
   *     experiments with two or more strata attributes)
   * @param crossings attribute combinations to cross, each used for the experiments whose strata
   *     include all of its attributes
   * @param maxLevels categorical covariates with more distinct values are skipped, with the reason
   */
  public record Balance(boolean crossAllStrata, List<List<String>> crossings, int maxLevels) {
    /** No crossed strata; at most 50 levels per categorical covariate. */
    public static final Balance DEFAULTS = new Balance(false, List.of(), 50);

    public Balance {
      crossings = crossings.stream().map(List::copyOf).toList();
    }

    /**
     * The crossed strata of an experiment with the given strata attributes: the full cross when
     * {@code crossAllStrata}, else each configured crossing whose attributes are all strata of the
     * experiment, in the configured order.
     */
    public List<List<String>> crossingsFor(List<String> strata) {
      if (crossAllStrata) {
        return strata.size() >= 2 ? List.of(List.copyOf(strata)) : List.of();
      }
      return crossings.stream().filter(strata::containsAll).toList();
    }
  }

  /**
   * Privacy settings.
   *
   * @param pseudonymize whether row-level outputs replace unit ids with a keyed hash
   * @param keyEnv environment variable holding the pseudonymization key
   * @param keyFile file holding the key when the variable is unset (must lie outside conf/)
   * @param minCellSize segments with fewer units are suppressed in reports
   */
  public record Privacy(
      boolean pseudonymize, String keyEnv, Optional<Path> keyFile, int minCellSize) {}

  public Optional<Namespace> namespace(String name) {
    return namespaces.stream().filter(n -> n.name().equals(name)).findFirst();
  }

  public Optional<Holdout> holdout(String name) {
    return holdouts.stream().filter(h -> h.name().equals(name)).findFirst();
  }
}
