package io.assay.balance;

/**
 * One row of the shared {@code alerts} table raised by the balance stage (the writer adds the date
 * and the stage).
 *
 * @param experiment experiment key
 * @param version definition version
 * @param check {@code srm}, {@code arm_share}, {@code exposure_share} or {@code
 *     covariate_imbalance}
 * @param severity {@code error} or {@code warning}
 * @param value the measured value (an adjusted p-value, a share or an |SMD|)
 * @param threshold the configured threshold it crossed
 * @param message what is wrong and where
 */
public record BalanceAlert(
    String experiment,
    String version,
    String check,
    String severity,
    double value,
    double threshold,
    String message) {
  static final String ERROR = "error";
  static final String WARNING = "warning";
  static final String COVARIATE_IMBALANCE = "covariate_imbalance";
}
