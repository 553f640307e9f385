package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.commons.math3.distribution.TDistribution;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NoncentralTTest {
  /**
   * Reference values from SciPy 1.17.1 {@code scipy.stats.nct.cdf(t, df, nc)}, an independent
   * implementation (Boost's non-central t, not AS 243). The row t = 40, df = 10, ncp = 38.5 is
   * beyond R's switch to a normal approximation (ncp > 37.62), which gives 0.522 there; we
   * integrate instead.
   */
  @ParameterizedTest
  @CsvSource({
    "1, 10, 1, 0.4902400513954505",
    "2.5, 5, 1.5, 0.7547562435084103",
    "-1, 20, 0.5, 0.07082462101263054",
    "3, 3, 4, 0.20747307178781085",
    "0.5, 50, -1, 0.932627559655949",
    "10, 30, 8, 0.8812134923778832",
    "-2, 7, -3, 0.8284542428082415",
    "1.7, 2.3, 0.2, 0.8581249989648165",
    "40, 10, 38.5, 0.5073909173564686",
    "20, 5, 15, 0.72661468630111",
    "12, 3, 10, 0.5555937724159183",
    "30, 100, 25, 0.9835828995515904",
    "5, 2, 4, 0.532020698669953",
    "2, 1.5, 1, 0.6749086227591189",
    "50, 30, 37, 0.9773229290437832"
  })
  void matchesAnIndependentImplementation(double t, double df, double ncp, double expected) {
    assertEquals(expected, NoncentralT.cdf(t, df, ncp), 1e-9);
  }

  /**
   * The quadrature used where the series fails agrees with the series (and SciPy) where it works.
   */
  @ParameterizedTest
  @CsvSource({
    "1, 10, 1, 0.4902400513954505",
    "2.5, 5, 1.5, 0.7547562435084103",
    "3, 3, 4, 0.20747307178781085",
    "10, 30, 8, 0.8812134923778832",
    "1.7, 2.3, 0.2, 0.8581249989648165",
    "40, 10, 38.5, 0.5073909173564686",
    "5, 2, 4, 0.532020698669953",
    "2, 1.5, 1, 0.6749086227591189"
  })
  void quadratureMatchesToo(double t, double df, double ncp, double expected) {
    assertEquals(expected, NoncentralT.integrated(t, df, ncp), 1e-9);
  }

  /** With δ = 0 the noncentral t is Student's t. */
  @ParameterizedTest
  @CsvSource({"-2, 3", "0.3, 17.5", "1.96, 1000"})
  void zeroNoncentralityIsStudentT(double t, double df) {
    assertEquals(
        new TDistribution(null, df).cumulativeProbability(t), NoncentralT.cdf(t, df, 0), 1e-15);
  }
}
