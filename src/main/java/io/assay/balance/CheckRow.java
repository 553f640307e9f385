package io.assay.balance;

import java.util.Map;

/**
 * One row of {@code balance_checks} for one experiment version as of a date (the writer adds the
 * date, experiment and version). Maps keep insertion order (arms in definition order).
 *
 * @param check {@code srm}, {@code arm_share} or {@code exposure_share}
 * @param slice where: the slice checked
 * @param arm the arm ({@code arm_share}); null otherwise
 * @param n units in the slice ({@code exposure_share}: eligible units)
 * @param observed counts per arm ({@code exposure_share}: {@code logged_units}, {@code
 *     assigned_units})
 * @param expected expected counts per arm; null for {@code exposure_share}
 * @param observedShare the arm's share ({@code arm_share}) or logged / eligible ({@code
 *     exposure_share}); null for {@code srm}
 * @param expectedShare the arm's weight, or the intended traffic; null for {@code srm}
 * @param statistic X² ({@code srm}) or the one-sided z ({@code arm_share}, {@code exposure_share})
 * @param df degrees of freedom of X²
 * @param pValue the test's p-value
 * @param pValueAdjusted Holm-adjusted over the version's SRM slices ({@code srm} only)
 * @param flagged whether the check failed
 * @param skippedReason why no test was run, null when it was
 * @param message what was found, in words
 */
record CheckRow(
    String check,
    Slice slice,
    String arm,
    long n,
    Map<String, Long> observed,
    Map<String, Double> expected,
    Double observedShare,
    Double expectedShare,
    Double statistic,
    Integer df,
    Double pValue,
    Double pValueAdjusted,
    boolean flagged,
    String skippedReason,
    String message) {

  static final String SRM = "srm";
  static final String ARM_SHARE = "arm_share";
  static final String EXPOSURE_SHARE = "exposure_share";
}
