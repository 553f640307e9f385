package io.assay.balance;

import java.util.Map;

/**
 * One row of {@code covariate_balance}: one covariate, one treatment arm against control, for one
 * experiment version as of a date (the writer adds the date, experiment and version).
 *
 * @param covariate attribute name (or, for rows of the metrics stage, the metric)
 * @param kind {@code attribute_numeric}, {@code attribute_categorical} or {@code pre_period_metric}
 * @param arm the treatment arm
 * @param control the control arm
 * @param nControl units with a value, control
 * @param nArm units with a value, treatment arm
 * @param meanControl numeric: mean in control
 * @param meanArm numeric: mean in the arm
 * @param sdControl numeric: sample SD in control
 * @param sdArm numeric: sample SD in the arm
 * @param smd numeric: standardized mean difference (arm − control)
 * @param levelsControl categorical: units per level in control
 * @param levelsArm categorical: units per level in the arm
 * @param statistic numeric: Welch's t; categorical: X² of independence
 * @param df degrees of freedom of the statistic (fractional for Welch)
 * @param pValue the test's p-value
 * @param pValueAdjusted categorical: Holm-adjusted over the version's categorical tests
 * @param flagged numeric: |smd| above {@code alerts.smd}; categorical: adjusted p below {@code
 *     alerts.srm_p_value}
 * @param skippedReason why nothing was computed, null when it was
 * @param message what was found, in words
 */
record CovariateRow(
    String covariate,
    String kind,
    String arm,
    String control,
    long nControl,
    long nArm,
    Double meanControl,
    Double meanArm,
    Double sdControl,
    Double sdArm,
    Double smd,
    Map<String, Long> levelsControl,
    Map<String, Long> levelsArm,
    Double statistic,
    Double df,
    Double pValue,
    Double pValueAdjusted,
    boolean flagged,
    String skippedReason,
    String message) {

  static final String NUMERIC = io.assay.io.CovariateBalanceTable.NUMERIC;
  static final String CATEGORICAL = io.assay.io.CovariateBalanceTable.CATEGORICAL;
}
