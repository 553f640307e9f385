package io.assay.config;

import io.assay.stats.Alternative;
import io.assay.stats.PValueAdjustment;
import java.util.Map;

/**
 * How an experiment is analysed, declared before launch.
 *
 * @param alpha two-sided significance level (family-wise or false-discovery, per {@code
 *     correction})
 * @param power target power for the sample-size diagnostics
 * @param alternative {@code two-sided}, {@code greater} or {@code less} (parsed once, when the
 *     definition is read)
 * @param correction multiple-testing correction over each family (primary, secondary, guardrail
 *     metrics × arms): holm, hochberg, bh, by or none (R's {@code p.adjust} names; parsed once)
 * @param cuped whether to adjust with the pre-period covariate where the metric defines one
 * @param sequential whether to report always-valid (sequential) p-values and intervals
 * @param mde target minimum detectable effect per metric, relative to control (0.02 = 2%)
 * @param minUnitsPerArm below this, an arm's results carry a too-few-units error code
 */
public record AnalysisSettings(
    double alpha,
    double power,
    Alternative alternative,
    PValueAdjustment correction,
    boolean cuped,
    boolean sequential,
    Map<String, Double> mde,
    int minUnitsPerArm) {
  public AnalysisSettings {
    mde = Map.copyOf(mde);
  }

  public static AnalysisSettings defaults() {
    return new AnalysisSettings(
        0.05, 0.8, Alternative.TWO_SIDED, PValueAdjustment.HOLM, true, false, Map.of(), 100);
  }
}
