package io.assay.stats.json;

import io.assay.stats.Alternative;
import io.assay.stats.BivariateMoments;
import io.assay.stats.PValueAdjustment;
import io.assay.stats.SampleMoments;
import java.util.List;

/**
 * A validated request of {@code assay stats}: one metric, several arms, one of them control. Built
 * by {@link StatsRequestParser}; the field meanings are in {@code docs/statistics.md}.
 *
 * @param kind mean, binomial or ratio
 * @param alpha significance level
 * @param alternative two-sided, greater or less
 * @param cuped adjust with the pre-period covariate ({@code pre_*} fields)
 * @param control the control arm's name
 * @param arms every arm, control included, in request order
 * @param correction multiple-testing correction across the treatment arms
 * @param mde target relative MDE for the power diagnostics, or null
 * @param power target power for the diagnostics
 * @param minUnitsPerArm fewer units than this give {@code TOO_FEW_UNITS}
 * @param increaseIsGood direction for the Bayesian summaries
 * @param sequential always-valid (mSPRT) settings, or null when off
 * @param enrollmentPerDay units entering the experiment per day over all arms, or null
 */
public record StatsRequest(
    Kind kind,
    double alpha,
    Alternative alternative,
    boolean cuped,
    String control,
    List<Arm> arms,
    PValueAdjustment correction,
    Double mde,
    double power,
    long minUnitsPerArm,
    boolean increaseIsGood,
    Sequential sequential,
    Double enrollmentPerDay) {

  public StatsRequest {
    arms = List.copyOf(arms);
  }

  /** The metric kinds the stats API accepts. */
  public enum Kind {
    MEAN("mean"),
    BINOMIAL("binomial"),
    RATIO("ratio");

    public final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /**
   * One arm's sufficient statistics. {@code x} is the ratio denominator (ratio) or the pre-period
   * covariate (CUPED), null when neither applies.
   */
  public record Arm(String name, SampleMoments y, BivariateMoments xy) {}

  /**
   * mSPRT settings: exactly one of {@code rho} and {@code plannedUnitsPerArm}, or neither for the
   * default ρ.
   */
  public record Sequential(Double rho, Double plannedUnitsPerArm) {}
}
