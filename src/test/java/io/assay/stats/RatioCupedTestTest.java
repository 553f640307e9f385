package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RatioCupedTestTest {
  /**
   * Per-unit values of one arm: numerator y, denominator d; pre-period numerator p, denominator q.
   */
  record Units(double[] y, double[] d, double[] p, double[] q) {
    RatioMoments moments() {
      return RatioMoments.of(y, d, p, q);
    }

    int n() {
      return y.length;
    }
  }

  /**
   * Units whose pre-period and experiment-period ratios are correlated through a unit effect u:
   * sessions d, q = 1 + a uniform count, each worth 2 + u + noise (pre 1.8 + u + noise).
   */
  static Units units(Random random, int n) {
    double[] y = new double[n];
    double[] d = new double[n];
    double[] p = new double[n];
    double[] q = new double[n];
    for (int i = 0; i < n; i++) {
      double u = random.nextGaussian();
      d[i] = 1 + random.nextInt(6);
      q[i] = 1 + random.nextInt(6);
      y[i] = d[i] * (2 + u) + Math.sqrt(d[i]) * random.nextGaussian();
      p[i] = q[i] * (1.8 + u) + Math.sqrt(q[i]) * random.nextGaussian();
    }
    return new Units(y, d, p, q);
  }

  static double sum(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return s;
  }

  /** The delta method's linearized values {@code (num_i − R·den_i)/mean(den)}, R = Σnum/Σden. */
  static double[] linearized(double[] num, double[] den) {
    double r = sum(num) / sum(den);
    double m = sum(den) / den.length;
    double[] l = new double[num.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = (num[i] - r * den[i]) / m;
    }
    return l;
  }

  /** Σ (a_i − ā)(b_i − b̄), two passes. */
  static double centredProducts(double[] a, double[] b) {
    double ma = sum(a) / a.length;
    double mb = sum(b) / b.length;
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (a[i] - ma) * (b[i] - mb);
    }
    return s;
  }

  static void assertRelative(double expected, double actual, double tolerance, String what) {
    assertEquals(expected, actual, tolerance * Math.abs(expected), what);
  }

  /**
   * The sums-based implementation against an independent computation from the raw per-unit values
   * of three arms (sizes 23, 41 and 17), written as influence functions: per unit L_i = (y_i −
   * R·d_i)/d̄ and M_i = (p_i − R_pre·q_i)/q̄ in its own arm; θ = Σ_arms Σ_i (L_i − L̄)(M_i − M̄) /
   * Σ_arms Σ_i (M_i − M̄)², the pooled within-arm slope; ψ_i = L_i − θ·M_i and the arm's variance
   * is the sample variance of ψ (two passes); the adjusted ratio is R − θ(R_pre − Σp/Σq over all
   * arms). Control is compared with each treatment under the one θ; everything to 1e-10 relative.
   */
  @Test
  void matchesAnExplicitLinearizationOfTheUnits() {
    Random random = new Random(20240622L);
    Units[] arms = {units(random, 23), units(random, 41), units(random, 17)};
    double numerator = 0;
    double denominator = 0;
    double allP = 0;
    double allQ = 0;
    double[][] l = new double[3][];
    double[][] m = new double[3][];
    for (int a = 0; a < 3; a++) {
      l[a] = linearized(arms[a].y(), arms[a].d());
      m[a] = linearized(arms[a].p(), arms[a].q());
      numerator += centredProducts(l[a], m[a]);
      denominator += centredProducts(m[a], m[a]);
      allP += sum(arms[a].p());
      allQ += sum(arms[a].q());
    }
    double theta = numerator / denominator;
    double centre = allP / allQ;
    double[] estimate = new double[3];
    double[] variance = new double[3];
    double[] rawVariance = new double[3];
    for (int a = 0; a < 3; a++) {
      Units u = arms[a];
      estimate[a] = sum(u.y()) / sum(u.d()) - theta * (sum(u.p()) / sum(u.q()) - centre);
      double[] psi = new double[u.n()];
      for (int i = 0; i < psi.length; i++) {
        psi[i] = l[a][i] - theta * m[a][i];
      }
      variance[a] = centredProducts(psi, psi) / (u.n() - 1);
      rawVariance[a] = centredProducts(l[a], l[a]) / (u.n() - 1);
    }

    List<RatioMoments> moments = List.of(arms[0].moments(), arms[1].moments(), arms[2].moments());
    RatioCupedAdjustment adj = RatioCupedAdjustment.fit(moments);
    assertRelative(theta, adj.theta(), 1e-10, "theta");
    assertTrue(Math.abs(theta - 1) < 0.5, "a real adjustment: θ = " + theta);
    assertRelative(centre, adj.pooledPreRatio(), 1e-12, "pooled pre-period ratio");
    for (int t = 1; t < 3; t++) {
      RatioCupedTest.Result r =
          RatioCupedTest.withDefaults().test(moments.get(0), moments.get(t), adj);
      Comparison c = r.comparison();
      assertNull(c.error());
      assertRelative(estimate[0], c.control().mean(), 1e-10, "control estimate");
      assertRelative(estimate[t], c.treatment().mean(), 1e-10, "treatment estimate");
      assertRelative(estimate[0], adj.adjustedRatio(moments.get(0)), 1e-10, "adjustedRatio");
      assertRelative(variance[0], c.control().variance(), 1e-10, "control variance");
      assertRelative(variance[t], c.treatment().variance(), 1e-10, "treatment variance");
      double n0 = arms[0].n();
      double nt = arms[t].n();
      double se2 = variance[0] / n0 + variance[t] / nt;
      assertRelative(estimate[t] - estimate[0], c.absolute().effect(), 1e-10, "effect");
      assertRelative(Math.sqrt(se2), c.absolute().se(), 1e-10, "se");
      assertNull(c.absolute().df());
      double reduction = 1 - se2 / (rawVariance[0] / n0 + rawVariance[t] / nt);
      assertRelative(reduction, r.varianceReduction(), 1e-10, "variance reduction");
      assertTrue(reduction > 0.2, "correlated pre-period: reduction " + reduction);
      // The lift δ/|R_adj,c| with the delta-method se of Comparison.
      double lift = (estimate[t] - estimate[0]) / Math.abs(estimate[0]);
      double ratio = estimate[t] / estimate[0];
      double liftVariance =
          (variance[t] / nt + ratio * ratio * variance[0] / n0) / (estimate[0] * estimate[0]);
      assertRelative(lift, c.relative().effect(), 1e-10, "lift");
      assertRelative(Math.sqrt(liftVariance), c.relative().se(), 1e-10, "lift se");
    }
  }

  /** GrowthBook's test arms, as gbstats' {@code RegressionAdjustedRatioStatistic} names them. */
  static RatioMoments growthBook(
      long n,
      double mPostSum,
      double mPostSquares,
      double dPostSum,
      double dPostSquares,
      double mPreSum,
      double mPreSquares,
      double dPreSum,
      double dPreSquares,
      double mPostMPre,
      double dPostDPre,
      double mPreDPre,
      double mPostDPost,
      double mPostDPre,
      double mPreDPost) {
    return new RatioMoments(
        n,
        mPostSum,
        mPostSquares,
        dPostSum,
        dPostSquares,
        mPostDPost,
        mPreSum,
        mPreSquares,
        dPreSum,
        dPreSquares,
        mPreDPre,
        mPostMPre,
        mPostDPre,
        mPreDPost,
        dPostDPre);
  }

  /**
   * GrowthBook's own test vector for {@code RegressionAdjustedRatioStatistic}: gbstats'
   * tests/frequentist/test_tests.py {@code test_two_sided_ttest_test_runs_ratio_ra} (the same arms
   * are RATIO_RA_STATISTICS_DF in tests/test_gbstats.py), 100 units per arm. Arguments in gbstats'
   * order: m_statistic_post, d_statistic_post, m_statistic_pre, d_statistic_pre (sum, sum_squares),
   * then m_post_m_pre, d_post_d_pre, m_pre_d_pre, m_post_d_post, m_post_d_pre, m_pre_d_post sums of
   * products.
   *
   * <p>Published in those tests: the arms' ratios ("cr") 0.713495487 and 0.729754963, and the
   * relative effect −0.000701483 — GrowthBook's lift divides the adjusted difference by the
   * <em>unadjusted</em> control ratio, so {@code δ/R_c} of our δ must give it. Full-precision
   * values computed with gbstats itself (growthbook/growthbook at 8f1db445, statistics.py last
   * changed in ad44ec1c; {@code compute_theta_regression_adjusted_ratio}, the statistics' {@code
   * variance} and {@code EffectMoments} with difference_type "absolute") while writing this test: θ
   * = 0.8290044254063291 (equal arm sizes: our n − 1 weights give the same θ), per-unit variances
   * 0.0003359501759794268 and 0.0004414779281452276, δ = −0.0005005051931391558, se =
   * 0.00278823977470492. Those gbstats run reproduced the published figures above (p = 0.857710405
   * for the relative test) before the values were taken.
   */
  @Test
  void reproducesGrowthBooksTestVector() {
    RatioMoments a =
        growthBook(
            100,
            485.112236689623,
            2715.484666118136,
            679.9093275844917,
            4939.424001640236,
            192.59138069991536,
            460.076026390857,
            290.1398399750233,
            920.9461385038898,
            1113.6215759318352,
            2130.9404074446747,
            634.239482353647,
            3602.146836776702,
            1559.2878434944676,
            1460.3181079276983);
    RatioMoments b =
        growthBook(
            100,
            514.7757826608777,
            2994.897482705013,
            705.4090874383759,
            5291.36604146392,
            206.94157227402536,
            514.2903702246757,
            302.54389139107326,
            994.4506208125663,
            1237.0953021125997,
            2292.081739775257,
            698.4173425817908,
            3918.1561431600717,
            1701.0287270040265,
            1604.0759503266522);
    RatioCupedAdjustment adj = RatioCupedAdjustment.fit(List.of(a, b));
    assertRelative(0.8290044254063291, adj.theta(), 1e-12, "theta");
    RatioCupedTest.Result r = RatioCupedTest.withDefaults().test(a, b, adj);
    Comparison c = r.comparison();
    assertNull(c.error());
    assertRelative(0.0003359501759794268, c.control().variance(), 1e-10, "control variance");
    assertRelative(0.0004414779281452276, c.treatment().variance(), 1e-10, "treatment variance");
    assertRelative(-0.0005005051931391558, c.absolute().effect(), 1e-10, "effect");
    assertRelative(0.00278823977470492, c.absolute().se(), 1e-10, "se");
    // Published, rounded to 9 decimals: the ratios and GrowthBook's lift δ/|R_c|.
    double controlRatio = a.sumY() / a.sumD();
    assertEquals(0.713495487, controlRatio, 5e-10);
    assertEquals(0.729754963, b.sumY() / b.sumD(), 5e-10);
    assertEquals(-0.000701483, c.absolute().effect() / controlRatio, 5e-10);
    // Our arm estimates are GrowthBook's R − θ·R_pre shifted by θ·R̄_pre (the centring).
    assertRelative(
        0.1632121927219502 + adj.theta() * adj.pooledPreRatio(),
        c.control().mean(),
        1e-12,
        "centred control");
  }

  /**
   * Unequal arms (40 and 120 units; sums generated with NumPy and fed to gbstats as they are here),
   * where our θ = Σ(n_a − 1)C_a/Σ(n_a − 1)V_a differs from GrowthBook's (C_a + C_b)/(V_a + V_b).
   * From gbstats (same version as above): the per-arm linearized covariances C =
   * 1.6088482035740448, 1.2146731669635595 and pre-period variances V = 2.386379013546934,
   * 1.5059642414610819 (its {@code -covariance} and {@code var_pre} at θ = 1), GrowthBook's θ =
   * 0.725404001022975; and at our θ = 0.7613203643111897 its per-unit variances 1.0387229105429043
   * and 1.2942744250039224, difference of means 0.15046031950593752 and se 0.1917125269040566. With
   * GrowthBook's θ given explicitly, its variances 1.0268636356475862 and 1.301112634894373.
   */
  @Test
  void unequalArmsAgainstGbstats() {
    RatioMoments a =
        new RatioMoments(
            40,
            335.71025356158884,
            5772.798145511404,
            122.0,
            598.0,
            1732.92527348877,
            297.66218175803823,
            4227.4783488011835,
            110.0,
            446.0,
            1254.5177854395174,
            4152.370174678932,
            1231.1277062077006,
            1308.5474587075485,
            444.0);
    RatioMoments b =
        new RatioMoments(
            120,
            1228.0484095379766,
            27588.171465360672,
            392.0,
            2304.0,
            7551.854213852432,
            1161.43743180335,
            20021.02054763763,
            386.0,
            2116.0,
            6202.251822262345,
            19180.97933884664,
            6061.420053210841,
            5499.92200293285,
            1889.0);
    // Our weighting of gbstats' per-arm pieces.
    double theta =
        (39 * 1.6088482035740448 + 119 * 1.2146731669635595)
            / (39 * 2.386379013546934 + 119 * 1.5059642414610819);
    RatioCupedAdjustment adj = RatioCupedAdjustment.fit(List.of(a, b));
    assertRelative(theta, adj.theta(), 1e-12, "theta from gbstats' pieces");
    assertRelative(0.7613203643111897, adj.theta(), 1e-12, "theta");
    Comparison c = RatioCupedTest.withDefaults().test(a, b, adj).comparison();
    assertRelative(1.0387229105429043, c.control().variance(), 1e-10, "control variance");
    assertRelative(1.2942744250039224, c.treatment().variance(), 1e-10, "treatment variance");
    assertRelative(0.15046031950593752, c.absolute().effect(), 1e-10, "effect");
    assertRelative(0.1917125269040566, c.absolute().se(), 1e-10, "se");

    RatioCupedAdjustment gb = new RatioCupedAdjustment(0.725404001022975, adj.pooledPreRatio());
    assertRelative(1.0268636356475862, gb.adjust(a).variance(), 1e-10, "gbstats θ, control");
    assertRelative(1.301112634894373, gb.adjust(b).variance(), 1e-10, "gbstats θ, treatment");
  }

  /**
   * A pre-period independent of the experiment period carries nothing: θ ≈ 0 and the variance
   * reduction ≈ 0. With 2000 units per arm, the sample correlation of independent linearized values
   * is about N(0, 1/4000), so |θ| and the reduction (≈ ρ̂²) stay well below 0.05 and 0.005.
   */
  @Test
  void independentPrePeriodReducesNothing() {
    Random random = new Random(8);
    RatioMoments[] arms = new RatioMoments[2];
    for (int k = 0; k < 2; k++) {
      Units post = units(random, 2000);
      Units pre = units(random, 2000); // other units' values: independent of post
      arms[k] = new Units(post.y(), post.d(), pre.p(), pre.q()).moments();
    }
    RatioCupedTest.Result r = RatioCupedTest.withDefaults().test(arms[0], arms[1]);
    double theta = RatioCupedAdjustment.fit(List.of(arms)).theta();
    assertTrue(Math.abs(theta) < 0.05, "θ = " + theta);
    assertTrue(Math.abs(r.varianceReduction()) < 0.005, "reduction " + r.varianceReduction());
    Comparison raw = RatioTest.withDefaults().test(arms[0].yd(), arms[1].yd());
    assertRelative(raw.absolute().se(), r.comparison().absolute().se(), 0.005, "se unchanged");
  }

  /**
   * A pre-period identical to the experiment period up to scale (p = a·y, q = b·d) is a perfect
   * predictor: M = (a/b)·L per unit, so θ = b/a, every unit's L − θM = 0, the adjusted variance is
   * 0 up to rounding and the variance reduction 1. Every arm's adjusted ratio is then the pooled
   * ratio R − (R − R̄) = R̄ = Σy/Σd over all arms, so δ = 0: the adjustment removes the whole
   * difference, which is right for this data (the "pre-period" already contains it).
   */
  @Test
  void prePeriodEqualToThePeriodCollapsesTheVariance() {
    Random random = new Random(9);
    Units c = units(random, 50);
    Units t = units(random, 70);
    for (double[] ab : new double[][] {{1, 1}, {2.5, 0.5}}) {
      RatioMoments mc = scaledCopy(c, ab[0], ab[1]);
      RatioMoments mt = scaledCopy(t, ab[0], ab[1]);
      RatioCupedAdjustment adj = RatioCupedAdjustment.fit(List.of(mc, mt));
      assertRelative(ab[1] / ab[0], adj.theta(), 1e-12, "θ = b/a");
      RatioCupedTest.Result r = RatioCupedTest.withDefaults().test(mc, mt, adj);
      double pooled = (sum(c.y()) + sum(t.y())) / (sum(c.d()) + sum(t.d()));
      Comparison cmp = r.comparison();
      assertRelative(pooled, cmp.control().mean(), 1e-13, "control at the pooled ratio");
      assertRelative(pooled, cmp.treatment().mean(), 1e-13, "treatment at the pooled ratio");
      double raw = RatioTest.linearize(mc.yd()).variance();
      assertTrue(cmp.control().variance() <= 1e-13 * raw, "control " + cmp.control().variance());
      assertTrue(cmp.treatment().variance() <= 1e-13 * raw, "treatment");
      assertTrue(r.varianceReduction() > 1 - 1e-13, "reduction " + r.varianceReduction());
      assertTrue(Math.abs(cmp.absolute().effect()) < 1e-14, "δ " + cmp.absolute().effect());
    }
  }

  static RatioMoments scaledCopy(Units u, double a, double b) {
    double[] p = u.y().clone();
    double[] q = u.d().clone();
    for (int i = 0; i < p.length; i++) {
      p[i] *= a;
      q[i] *= b;
    }
    return RatioMoments.of(u.y(), u.d(), p, q);
  }

  /**
   * A pre-period ratio that is the same for every unit (p = 0.3·q: a fixed price per session)
   * varies by rounding only; θ must be exactly 0 and the test exactly {@link RatioTest} (without
   * the rounding allowance θ was 14.4, the ratio of two rounding errors). So for no pre-period data
   * at all (p = q = 0: Σq = 0 is then no error).
   */
  @Test
  void constantOrMissingPrePeriodIsTheRatioTest() {
    Random random = new Random(1);
    for (double price : new double[] {0.3, 0}) {
      RatioMoments[] arms = new RatioMoments[2];
      for (int k = 0; k < 2; k++) {
        Units u = units(random, 50);
        double[] q = u.q().clone();
        double[] p = new double[q.length];
        for (int i = 0; i < q.length; i++) {
          q[i] = price == 0 ? 0 : q[i] + random.nextDouble();
          p[i] = price * q[i];
        }
        arms[k] = RatioMoments.of(u.y(), u.d(), p, q);
      }
      RatioCupedAdjustment adj = RatioCupedAdjustment.fit(List.of(arms));
      assertEquals(0.0, adj.theta(), 0, "price " + price);
      RatioCupedTest.Result r = RatioCupedTest.withDefaults().test(arms[0], arms[1], adj);
      assertEquals(RatioTest.withDefaults().test(arms[0].yd(), arms[1].yd()), r.comparison());
      assertEquals(0.0, r.varianceReduction(), 0);
    }
  }

  static final RatioMoments SMALL =
      RatioMoments.of(
          new double[] {2, 3, 7},
          new double[] {1, 2, 3},
          new double[] {1, 3, 5},
          new double[] {1, 1, 2});
  static final RatioMoments OTHER =
      RatioMoments.of(
          new double[] {4, 6, 5, 9},
          new double[] {1, 2, 1, 4},
          new double[] {2, 4, 2, 7},
          new double[] {1, 2, 1, 3});

  static void assertUndefined(ErrorCode code, RatioCupedTest.Result r) {
    assertEquals(code, r.comparison().error());
    assertEquals(Inference.UNDEFINED, r.comparison().absolute());
    assertEquals(Inference.UNDEFINED, r.comparison().relative());
    assertNull(r.comparison().control());
    assertNull(r.varianceReduction());
  }

  @Test
  void errorCodesNotExceptions() {
    RatioCupedTest test = RatioCupedTest.withDefaults();
    assertTrue(RatioCupedAdjustment.fit(List.of(SMALL, OTHER)).theta() != 0);
    assertUndefined(ErrorCode.EMPTY_ARM, test.test(RatioMoments.EMPTY, OTHER));
    assertUndefined(
        ErrorCode.TOO_FEW_UNITS,
        RatioCupedTest.with(TestOptions.defaults().withMinUnitsPerArm(4)).test(SMALL, OTHER));
    // Σd = 0 in an arm.
    RatioMoments noDenominator =
        RatioMoments.of(
            new double[] {0, 0}, new double[] {0, 0}, new double[] {1, 2}, new double[] {1, 1});
    assertUndefined(ErrorCode.ZERO_DENOMINATOR, test.test(noDenominator, OTHER));
    // Σq = 0 in one arm while the other arms give θ ≠ 0: that arm's pre-period ratio is undefined.
    RatioMoments noPreDenominator =
        RatioMoments.of(
            new double[] {2, 3, 7},
            new double[] {1, 2, 3},
            new double[] {0, 0, 0},
            new double[] {0, 0, 0});
    RatioCupedAdjustment adj = RatioCupedAdjustment.fit(List.of(noPreDenominator, SMALL, OTHER));
    assertTrue(adj.theta() != 0);
    assertUndefined(ErrorCode.ZERO_DENOMINATOR, test.test(noPreDenominator, OTHER, adj));
    // A fit out of range.
    assertUndefined(ErrorCode.OUT_OF_RANGE, test.test(SMALL, OTHER, null));
  }

  /**
   * Subnormal sums of squares (values around 1e-160) and a denominator near 0 are out of range: the
   * fit is null or the comparison OUT_OF_RANGE, never NaN or an exception.
   */
  @Test
  void outOfRange() {
    double s = 1e-160;
    RatioMoments tiny =
        RatioMoments.of(
            new double[] {2 * s, 3 * s, 7 * s}, new double[] {1, 2, 3},
            new double[] {s, 3 * s, 5 * s}, new double[] {1, 1, 2});
    assertNull(RatioCupedAdjustment.fit(List.of(tiny, tiny)));
    assertUndefined(ErrorCode.OUT_OF_RANGE, RatioCupedTest.withDefaults().test(tiny, tiny));
    // A pre-period denominator near 0: V_M ≈ s_p²/q̄² = 4e300/(1.3e-150)² overflows.
    RatioMoments nearZero =
        RatioMoments.of(
            new double[] {2, 3, 7},
            new double[] {1, 2, 3},
            new double[] {1e150, 3e150, 5e150},
            new double[] {1e-150, 1e-150, 2e-150});
    assertNull(RatioCupedAdjustment.fit(List.of(nearZero, SMALL)));
    assertUndefined(ErrorCode.OUT_OF_RANGE, RatioCupedTest.withDefaults().test(nearZero, SMALL));
    // Pooled sums that overflow although each arm's are finite.
    RatioMoments big =
        RatioMoments.of(
            new double[] {9e153, 9e153},
            new double[] {1, 2},
            new double[] {1, 2},
            new double[] {1, 1});
    assertNull(RatioCupedAdjustment.fit(List.of(big, big)));
  }

  /**
   * Every unit with the same ratios in both arms (y = 2d, p = 4q; powers of two, so the sums are
   * exact): no variance anywhere, θ = 0, and the effect 0 is reported with zero_variance.
   */
  @Test
  void zeroVariance() {
    double[] d = {1, 2, 3, 5};
    double[] q = {2, 1, 1, 3};
    double[] y = new double[4];
    double[] p = new double[4];
    for (int i = 0; i < 4; i++) {
      y[i] = 2 * d[i];
      p[i] = 4 * q[i];
    }
    RatioMoments m = RatioMoments.of(y, d, p, q);
    RatioCupedTest.Result r = RatioCupedTest.withDefaults().test(m, m);
    assertEquals(ErrorCode.ZERO_VARIANCE, r.comparison().error());
    assertEquals(0.0, r.comparison().absolute().effect(), 0);
    assertNull(r.comparison().absolute().pValue());
    assertNull(r.varianceReduction());
  }

  /**
   * Multiplying y, d, p and q by powers of two is exact and changes no p-value or lift (θ scales by
   * 2^(a − b − c + e)): the divisions are ordered so that the scale does not matter until a
   * quantity leaves the range of a double, which is OUT_OF_RANGE, never another number.
   */
  @Test
  void scalingByPowersOfTwoChangesNothingOrIsOutOfRange() {
    Random random = new Random(22);
    RatioMoments c = units(random, 30).moments();
    RatioMoments t = units(random, 40).moments();
    Comparison base = RatioCupedTest.withDefaults().test(c, t).comparison();
    assertNotNull(base.absolute().pValue());
    int same = 0;
    int outOfRange = 0;
    for (int i = 0; i < 1500; i++) {
      int[] k = new int[4];
      for (int j = 0; j < 4; j++) {
        k[j] = random.nextInt(900) - 450;
      }
      RatioMoments cs = scale(c, k);
      RatioMoments ts = scale(t, k);
      if (cs == null || ts == null) {
        continue;
      }
      Comparison r = RatioCupedTest.withDefaults().test(cs, ts).comparison();
      if (r.error() == ErrorCode.OUT_OF_RANGE) {
        outOfRange++;
        continue;
      }
      String at = java.util.Arrays.toString(k);
      assertEquals(base.error(), r.error(), at);
      OutOfRangeTest.assertClose(base.absolute().pValue(), r.absolute().pValue(), at);
      OutOfRangeTest.assertClose(base.relative().effect(), r.relative().effect(), at);
      OutOfRangeTest.assertClose(base.relative().pValue(), r.relative().pValue(), at);
      same++;
    }
    assertTrue(same > 300 && outOfRange > 30, same + " same, " + outOfRange + " out of range");
  }

  /** The moments of (y·2^k0, d·2^k1, p·2^k2, q·2^k3), or null when a sum is not exact. */
  static RatioMoments scale(RatioMoments m, int[] k) {
    double[] s = RatioMomentsTest.sums(m);
    // Exponent of each sum in RatioMomentsTest.FIELDS order, in units of (y, d, p, q).
    int[][] powers = {
      {0}, {0, 0}, {1}, {1, 1}, {0, 1}, {2}, {2, 2}, {3}, {3, 3}, {2, 3}, {0, 2}, {0, 3}, {1, 2},
      {1, 3}
    };
    double[] out = new double[14];
    for (int i = 0; i < 14; i++) {
      int e = 0;
      for (int v : powers[i]) {
        e += k[v];
      }
      out[i] = Math.scalb(s[i], e);
      if (Math.scalb(out[i], -e) != s[i]) {
        return null;
      }
    }
    return RatioMomentsTest.make(m.n(), out);
  }
}
