package io.assay.stats;

/**
 * Why a chi-square test was not run: its large-sample approximation would not hold for the data at
 * hand. A skipped test has a null statistic, degrees of freedom and p-value, and takes no part in a
 * multiple-testing family.
 */
public enum SkipReason {
  /** A cell's expected count is below the minimum (see each test for what happens to it). */
  MIN_EXPECTED_COUNT("min_expected_count"),
  /** Fewer than two levels (columns) are left to compare. */
  TOO_FEW_LEVELS("too_few_levels");

  private final String label;

  SkipReason(String label) {
    this.label = label;
  }

  /** The spelling in output tables. */
  public String label() {
    return label;
  }
}
