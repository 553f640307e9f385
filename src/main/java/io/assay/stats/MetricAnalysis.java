package io.assay.stats;

import java.util.ArrayList;
import java.util.List;

/**
 * The analysis of one metric: every treatment arm against control, from each arm's additive state.
 * A pure function of the {@link Request}; the nightly pipeline builds requests from the Spark
 * aggregation's {@code metric_stats} rows, and {@code assay stats} from JSON ({@code
 * io.assay.stats.json}, which only parses and renders). Results are typed; undefined values are
 * null, never NaN or ±∞, and a (partly) undefined comparison carries its {@link ErrorCode}.
 *
 * <p>Which test: {@link Kind} chooses it from the arms' state — {@code mean} → Welch's t-test on y;
 * {@code binomial} → two-proportion z-test on y; {@code ratio} → delta method on (y, d); {@code
 * quantile} → the difference of the arms' quantiles ({@link QuantileTest}) from their {@link
 * QuantileSketch}es; with {@code cuped}: mean or binomial → Welch's t-test on CUPED-adjusted means
 * of (y, p), ratio → the regression-adjusted ratio of (y, d) on the pre-period ratio (p, q) by the
 * delta method ({@link RatioCupedTest}), each with one θ pooled over all arms. Adjusted p-values
 * apply the request's correction across the treatment arms.
 */
public final class MetricAnalysis {
  private MetricAnalysis() {}

  /** The tests, one per kind of per-arm state. */
  public enum Kind {
    /** A mean of per-unit values (means and counts): Welch's t-test. */
    MEAN("mean"),
    /** A proportion of units: the two-proportion z-test. */
    BINOMIAL("binomial"),
    /** Σy/Σd over units: the delta method. */
    RATIO("ratio"),
    /** A quantile of the arms' values: Woodruff's interval with a delta-method rank variance. */
    QUANTILE("quantile");

    public final String label;

    Kind(String label) {
      this.label = label;
    }

    /** Whether CUPED's pre-period adjustment is implemented for the kind. */
    public boolean cupedApplies() {
      return this != QUANTILE;
    }

    /** The arm's point estimate, or null when it is undefined (no units, no denominator). */
    Double estimate(Arm arm, Double quantile) {
      MetricMoments m = arm.moments();
      if (m.n() == 0) {
        return null;
      }
      if (this == QUANTILE) {
        return arm.sketch() == null ? null : arm.sketch().quantile(quantile);
      }
      if (this == RATIO) {
        return m.sumD() == 0 ? null : m.sumY() / m.sumD();
      }
      return m.sumY() / m.n();
    }

    private Comparison compare(TestOptions options, Request req, Arm control, Arm treatment) {
      return switch (this) {
        case QUANTILE ->
            QuantileTest.with(options).test(control.sketch(), treatment.sketch(), req.quantile());
        case MEAN -> WelchTTest.with(options).test(control.y(), treatment.y());
        case BINOMIAL -> ProportionZTest.with(options).test(control.y(), treatment.y());
        case RATIO ->
            RatioTest.with(options).test(control.moments().yd(), treatment.moments().yd());
      };
    }
  }

  /**
   * What to analyse: one metric, several arms, one of them control; the field meanings are in
   * {@code docs/statistics.md}.
   *
   * @param kind the test
   * @param alpha significance level
   * @param alternative two-sided, greater or less
   * @param cuped adjust with the pre-period covariate (the arms' {@code p} sums)
   * @param control the control arm's name
   * @param arms every arm, control included, in request order
   * @param correction multiple-testing correction across the treatment arms
   * @param mde target relative MDE for the power diagnostics, or null
   * @param power target power for the diagnostics
   * @param minUnitsPerArm fewer units than this give {@code TOO_FEW_UNITS}
   * @param increaseIsGood direction for the Bayesian summaries
   * @param sequential always-valid (mSPRT) settings, or null when off
   * @param enrollmentPerDay units entering the experiment per day over all arms, or null
   * @param quantile the quantile a {@code quantile} request compares, in (0, 1); null otherwise
   */
  public record Request(
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
      Double enrollmentPerDay,
      Double quantile) {

    public Request {
      arms = List.copyOf(arms);
      if (cuped && !kind.cupedApplies()) {
        throw new IllegalArgumentException("cuped is not supported for kind " + kind.label);
      }
      if ((kind == Kind.QUANTILE) != (quantile != null)) {
        throw new IllegalArgumentException(
            "quantile must be set for kind quantile, and only then, was " + quantile);
      }
      if (quantile != null && !(quantile > 0 && quantile < 1)) {
        throw new IllegalArgumentException("quantile must be in (0, 1), was " + quantile);
      }
      if (kind == Kind.QUANTILE && arms.stream().anyMatch(a -> a.sketch() == null)) {
        throw new IllegalArgumentException("every arm of a quantile request needs its sketch");
      }
    }

    /** A request of a kind other than quantile. */
    public Request(
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
      this(
          kind,
          alpha,
          alternative,
          cuped,
          control,
          arms,
          correction,
          mde,
          power,
          minUnitsPerArm,
          increaseIsGood,
          sequential,
          enrollmentPerDay,
          null);
    }
  }

  /**
   * One arm's state: its name, its additive moments (sums a kind does not use are 0) and, for a
   * quantile, its sketch.
   *
   * @param name the arm
   * @param moments n and the sums of y, d (ratio) and p (CUPED) with squares and cross-products
   * @param sketch the arm's values in buckets (kind quantile), else null
   */
  public record Arm(String name, MetricMoments moments, QuantileSketch sketch) {
    /** An arm whose state is its moments. */
    public Arm(String name, MetricMoments moments) {
      this(name, moments, null);
    }

    /** The metric value's moments. */
    public SampleMoments y() {
      return moments.y();
    }

    /** Units. */
    public long n() {
      return moments.n();
    }
  }

  /**
   * mSPRT settings: exactly one of {@code rho} and {@code plannedUnitsPerArm}, or neither for the
   * default ρ.
   */
  public record Sequential(Double rho, Double plannedUnitsPerArm) {}

  /** One treatment arm against control. */
  public record ArmResult(
      Arm arm,
      Comparison comparison,
      Double adjustedPValue,
      Double varianceReduction,
      NormalPosterior absolutePosterior,
      NormalPosterior relativePosterior,
      PowerDiagnostics power,
      MixtureSprt.Result sequential,
      Double sequentialRho) {}

  /**
   * The analysis of one metric: control, the CUPED fit if any (null without CUPED, or when it is
   * out of range), and every treatment arm.
   */
  public record Result(
      Request request,
      Arm control,
      CupedAdjustment adjustment,
      RatioCupedAdjustment ratioAdjustment,
      List<ArmResult> arms) {

    /** The arm's point estimate: a mean, a proportion or a ratio; null when undefined. */
    public Double estimate(Arm arm) {
      return request.kind().estimate(arm, request.quantile());
    }

    /** The arm's CUPED-adjusted mean, or null without CUPED, without a fit, or below two units. */
    public Double adjustedEstimate(Arm arm) {
      if (!request.cuped() || arm.n() < 2) {
        return null;
      }
      if (request.kind() == Kind.RATIO) {
        return ratioAdjustment == null || arm.moments().sumD() == 0
            ? null
            : ratioAdjustment.adjustedRatio(arm.moments().ratio());
      }
      return adjustment == null ? null : adjustment.adjustedMean(arm.moments().yp());
    }
  }

  /** Every treatment arm against control. */
  public static Result compute(Request req) {
    TestOptions options = new TestOptions(req.alpha(), req.alternative(), req.minUnitsPerArm());
    Arm control =
        req.arms().stream()
            .filter(a -> a.name().equals(req.control()))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no arm named " + req.control()));
    List<Arm> treatments = req.arms().stream().filter(a -> a != control).toList();
    boolean ratioCuped = req.cuped() && req.kind() == Kind.RATIO;
    CupedAdjustment adjustment =
        req.cuped() && !ratioCuped
            ? CupedAdjustment.fit(req.arms().stream().map(a -> a.moments().yp()).toList())
            : null;
    RatioCupedAdjustment ratioAdjustment =
        ratioCuped
            ? RatioCupedAdjustment.fit(req.arms().stream().map(a -> a.moments().ratio()).toList())
            : null;
    long totalUnits = req.arms().stream().mapToLong(Arm::n).sum();

    List<Comparison> comparisons = new ArrayList<>();
    List<Double> reductions = new ArrayList<>();
    for (Arm t : treatments) {
      if (ratioCuped) {
        RatioCupedTest.Result r =
            RatioCupedTest.with(options)
                .test(control.moments().ratio(), t.moments().ratio(), ratioAdjustment);
        comparisons.add(r.comparison());
        reductions.add(r.varianceReduction());
      } else if (req.cuped()) {
        CupedTest.Result r =
            CupedTest.with(options).test(control.moments().yp(), t.moments().yp(), adjustment);
        comparisons.add(r.comparison());
        reductions.add(r.varianceReduction());
      } else {
        comparisons.add(req.kind().compare(options, req, control, t));
        reductions.add(null);
      }
    }
    List<Double> adjusted =
        req.correction().adjust(comparisons.stream().map(c -> c.absolute().pValue()).toList());
    List<ArmResult> arms = new ArrayList<>();
    for (int i = 0; i < treatments.size(); i++) {
      Comparison c = comparisons.get(i);
      MixtureSprt.Result seq = null;
      Double rho = null;
      if (req.sequential() != null) {
        MixtureSprt m = mixture(req);
        seq = m.test(c, req.alternative());
        rho = m.rho();
      }
      arms.add(
          new ArmResult(
              treatments.get(i),
              c,
              adjusted.get(i),
              reductions.get(i),
              NormalPosterior.of(c.absolute(), req.increaseIsGood()),
              NormalPosterior.of(c.relative(), req.increaseIsGood()),
              powerOf(c, control, treatments.get(i), req, totalUnits),
              seq,
              rho));
    }
    return new Result(req, control, adjustment, ratioAdjustment, arms);
  }

  private static PowerDiagnostics powerOf(
      Comparison c, Arm control, Arm treatment, Request req, long totalUnits) {
    PowerDiagnostics d = PowerDiagnostics.UNDEFINED;
    if (c.control() != null && c.treatment() != null) {
      Double rc = null;
      Double rt = null;
      if (req.enrollmentPerDay() != null && totalUnits > 0) {
        rc = req.enrollmentPerDay() * control.n() / totalUnits;
        rt = req.enrollmentPerDay() * treatment.n() / totalUnits;
      }
      PowerDiagnostics.Target target =
          new PowerDiagnostics.Target(
              req.alpha(), req.power(), req.alternative(), req.mde(), rc, rt);
      ArmSummary cs = c.control();
      ArmSummary ts = c.treatment();
      d =
          req.kind() == Kind.BINOMIAL && !req.cuped()
              ? PowerDiagnostics.forProportions(cs, ts, target)
              : PowerDiagnostics.forMeans(cs, ts, target);
    }
    return d;
  }

  private static MixtureSprt mixture(Request req) {
    MixtureSprt m = MixtureSprt.withDefaults().withAlpha(req.alpha());
    Sequential s = req.sequential();
    if (s.rho() != null) {
      m = m.withRho(s.rho());
    } else if (s.plannedUnitsPerArm() != null) {
      m = m.tunedFor(s.plannedUnitsPerArm());
    }
    return m;
  }
}
