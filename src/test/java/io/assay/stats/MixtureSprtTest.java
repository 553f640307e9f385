package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MixtureSprtTest {
  /**
   * By hand: z = 2, r = τ²/s² = 1 (n̄ = ρ): Λ = (1 + 1)^(−½)·exp(1·4/(2·2)) = e/√2, so p = √2/e =
   * 0.520260095022889. With s = 1, α = 0.05 the half-width is √((2/1)(2 ln 20 + ln 2)) = √(2 ·
   * 6.684611727667927) = 3.6563948713638483.
   */
  @Test
  void formulaByHand() {
    MixtureSprt.Result r =
        MixtureSprt.withDefaults().withRho(100).test(2, 1, 100, Alternative.TWO_SIDED);
    assertEquals(0.520260095022889, r.pValue(), 1e-14);
    assertEquals(2 - 3.6563948713638483, r.ciLower(), 1e-13);
    assertEquals(2 + 3.6563948713638483, r.ciUpper(), 1e-13);
    assertEquals(1.0, r.mixingVariance(), 1e-15);

    MixtureSprt.Result g = MixtureSprt.withDefaults().test(2, 1, 100, Alternative.GREATER);
    assertNull(g.ciUpper());
  }

  /** u = 2 ln 20 + ln(1 + u) at α = 0.05 (fixed point by hand iteration: 8.211968062068253). */
  @Test
  void tuning() {
    assertEquals(8.211968062068253, MixtureSprt.tightestAt(0.05), 1e-12);
    assertEquals(
        10_000 / 8.211968062068253, MixtureSprt.withDefaults().tunedFor(10_000).rho(), 1e-9);
  }

  /** The combined result keeps the smallest p and the intersection of the intervals. */
  @Test
  void runningIntersection() {
    MixtureSprt.Result earlier = new MixtureSprt.Result(0.2, -1.0, 3.0, 1.0);
    MixtureSprt.Result now = new MixtureSprt.Result(0.4, -0.5, 3.5, 1.0);
    assertEquals(new MixtureSprt.Result(0.2, -0.5, 3.0, 1.0), now.since(earlier));
  }

  @Test
  void hugeStatisticGivesZeroNotNaN() {
    MixtureSprt.Result r = MixtureSprt.withDefaults().test(1e6, 1e-3, 1e6, Alternative.TWO_SIDED);
    assertEquals(0.0, r.pValue(), 0);
  }

  /**
   * The always-valid property (Johari et al. 2017, Theorem 1) by simulation: A/A data N(0, 1),
   * looking after every 40 units per arm for 50 looks (2000 per arm), 2000 experiments. Rejecting
   * at the first look with p ≤ 0.05 must happen in at most α + 4 Monte-Carlo standard errors of the
   * experiments, and the confidence sequence must exclude the truth (0) at some look equally
   * rarely. The same peeking with the fixed-horizon Welch test must inflate the error well above α
   * — which shows this simulation can see the difference.
   */
  @Test
  void alwaysValidUnderContinuousPeeking() {
    int experiments = 2000;
    int looks = 50;
    int batch = 40;
    MixtureSprt msprt = MixtureSprt.withDefaults().tunedFor(looks * batch);
    Simulation sim = new Simulation(424242L);
    int msprtRejections = 0;
    int csMisses = 0;
    int naiveRejections = 0;
    for (int e = 0; e < experiments; e++) {
      SampleMoments c = SampleMoments.EMPTY;
      SampleMoments t = SampleMoments.EMPTY;
      boolean rejected = false;
      boolean missed = false;
      boolean naive = false;
      for (int k = 0; k < looks; k++) {
        c = c.plus(sim.normal(batch, 0, 1));
        t = t.plus(sim.normal(batch, 0, 1));
        Comparison r = WelchTTest.withDefaults().test(c, t);
        MixtureSprt.Result s = msprt.test(r, Alternative.TWO_SIDED);
        rejected |= s.pValue() <= 0.05;
        missed |= !Simulation.covers(s.ciLower(), s.ciUpper(), 0);
        naive |= r.absolute().pValue() < 0.05;
      }
      msprtRejections += rejected ? 1 : 0;
      csMisses += missed ? 1 : 0;
      naiveRejections += naive ? 1 : 0;
    }
    double limit = 0.05 + 4 * Math.sqrt(0.05 * 0.95 / experiments);
    double rate = (double) msprtRejections / experiments;
    double miss = (double) csMisses / experiments;
    double naiveRate = (double) naiveRejections / experiments;
    assertTrue(rate <= limit, "mSPRT type-I error with peeking " + rate + " > " + limit);
    assertTrue(miss <= limit, "confidence sequence miss rate " + miss + " > " + limit);
    assertTrue(naiveRate > 0.15, "naive peeking should inflate the error, was " + naiveRate);
  }

  /** Under a true effect the confidence sequence keeps covering it at every look. */
  @Test
  void confidenceSequenceCoversTrueEffect() {
    int experiments = 2000;
    MixtureSprt msprt = MixtureSprt.withDefaults().tunedFor(2000);
    Simulation sim = new Simulation(8L);
    int misses = 0;
    int detected = 0;
    for (int e = 0; e < experiments; e++) {
      SampleMoments c = SampleMoments.EMPTY;
      SampleMoments t = SampleMoments.EMPTY;
      boolean missed = false;
      boolean rejected = false;
      for (int k = 0; k < 50; k++) {
        c = c.plus(sim.normal(40, 0, 1));
        t = t.plus(sim.normal(40, 0.15, 1));
        MixtureSprt.Result s =
            msprt.test(WelchTTest.withDefaults().test(c, t), Alternative.TWO_SIDED);
        missed |= !Simulation.covers(s.ciLower(), s.ciUpper(), 0.15);
        rejected |= s.pValue() <= 0.05;
      }
      misses += missed ? 1 : 0;
      detected += rejected ? 1 : 0;
    }
    double limit = 0.05 + 4 * Math.sqrt(0.05 * 0.95 / experiments);
    assertTrue((double) misses / experiments <= limit, "misses " + misses);
    // Fixed-horizon power at 2000/arm for δ = 0.15σ is 0.997; the sequential test pays some of it.
    assertTrue((double) detected / experiments > 0.8, "detected " + detected);
  }
}
