package io.assay.stats;

import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * Seeded data generators for the simulation tests: each test fixes its seed, so every run draws the
 * same numbers. The truth is known by construction.
 */
final class Simulation {
  private final RandomGenerator rng;

  Simulation(long seed) {
    this.rng = new Well19937c(seed);
  }

  double gaussian() {
    return rng.nextGaussian();
  }

  /** Moments of n draws from N(mean, sd²). */
  SampleMoments normal(int n, double mean, double sd) {
    double s = 0;
    double ss = 0;
    for (int i = 0; i < n; i++) {
      double y = mean + sd * rng.nextGaussian();
      s += y;
      ss += y * y;
    }
    return new SampleMoments(n, s, ss);
  }

  /** Moments of n Bernoulli(p) draws. */
  SampleMoments bernoulli(int n, double p) {
    long k = 0;
    for (int i = 0; i < n; i++) {
      if (rng.nextDouble() < p) {
        k++;
      }
    }
    return new SampleMoments(n, k, k);
  }

  /** A Poisson(mean) draw by Knuth's multiplication method (fine for small means). */
  int poisson(double mean) {
    double limit = Math.exp(-mean);
    double product = rng.nextDouble();
    int k = 0;
    while (product > limit) {
      product *= rng.nextDouble();
      k++;
    }
    return k;
  }

  /**
   * Moments of a ratio metric over n units: each unit has x = 1 + Poisson(2) sessions, each worth
   * N(valuePerSession, 1), and y = the sum of its sessions' values; so Σy/Σx estimates
   * valuePerSession exactly. Values within a unit share a unit effect N(0, 0.5²) per session, which
   * makes sessions of one unit correlated, as in real data.
   */
  BivariateMoments ratio(int n, double valuePerSession) {
    double sy = 0;
    double syy = 0;
    double sx = 0;
    double sxx = 0;
    double sxy = 0;
    for (int i = 0; i < n; i++) {
      int x = 1 + poisson(2);
      double unitEffect = 0.5 * rng.nextGaussian();
      double y = 0;
      for (int j = 0; j < x; j++) {
        y += valuePerSession + unitEffect + rng.nextGaussian();
      }
      sy += y;
      syy += y * y;
      sx += x;
      sxx += (double) x * x;
      sxy += x * y;
    }
    return new BivariateMoments(n, sy, syy, sx, sxx, sxy);
  }

  /** Moments of (y, x) with x ~ N(0, 1) and y = mean + slope·x + N(0, 1). */
  BivariateMoments linear(int n, double mean, double slope) {
    double sy = 0;
    double syy = 0;
    double sx = 0;
    double sxx = 0;
    double sxy = 0;
    for (int i = 0; i < n; i++) {
      double x = rng.nextGaussian();
      double y = mean + slope * x + rng.nextGaussian();
      sy += y;
      syy += y * y;
      sx += x;
      sxx += x * x;
      sxy += x * y;
    }
    return new BivariateMoments(n, sy, syy, sx, sxx, sxy);
  }

  /** True when the interval [lo, hi] (null = unbounded) holds v. */
  static boolean covers(Double lo, Double hi, double v) {
    return (lo == null || lo <= v) && (hi == null || v <= hi);
  }

  /**
   * The binomial acceptance band for a rate estimated from {@code sims} trials with true rate
   * {@code p}: {@code p ± 4·√(p(1 − p)/sims)}. Four standard errors: a correct method fails this
   * with probability about 6·10⁻⁵ per check.
   */
  static double[] band(double p, int sims) {
    double half = 4 * Math.sqrt(p * (1 - p) / sims);
    return new double[] {p - half, p + half};
  }
}
