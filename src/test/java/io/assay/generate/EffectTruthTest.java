package io.assay.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The quantile truth's mixture solver, on cases with exact answers. */
class EffectTruthTest {
  @Test
  void oneLognormalsQuantilesAreExpOfMuPlusSigmaZ() {
    double mu = Math.log(50) - 1.1 * 1.1 / 2;
    List<double[]> one = List.<double[]>of(new double[] {mu, 7.0});
    assertEquals(Math.exp(mu), EffectTruth.mixtureQuantile(0.5, one, 1.1), 1e-12);
    // z of 0.9 and 0.99 (R: qnorm(0.9), qnorm(0.99))
    assertEquals(
        Math.exp(mu + 1.1 * 1.2815515655446004), EffectTruth.mixtureQuantile(0.9, one, 1.1), 1e-11);
    assertEquals(
        Math.exp(mu + 1.1 * 2.3263478740408408),
        EffectTruth.mixtureQuantile(0.99, one, 1.1),
        1e-10);
  }

  @Test
  void aSymmetricMixturesMedianIsItsCentreAndWeightsCount() {
    // Equal weights at log 1 and log 4: by symmetry on the log scale the median is 2.
    List<double[]> two = List.of(new double[] {0.0, 3.0}, new double[] {Math.log(4), 3.0});
    assertEquals(2.0, EffectTruth.mixtureQuantile(0.5, two, 0.7), 1e-12);
    // Components far apart (σ 0.01): the 0.25-quantile of weights 1:1 is the lower one's median;
    // with weights 3:1 the lower component holds 75%, so its own 2/3-quantile is the 0.5 of all.
    List<double[]> apart = List.of(new double[] {0.0, 1.0}, new double[] {10.0, 1.0});
    assertEquals(1.0, EffectTruth.mixtureQuantile(0.25, apart, 0.01), 1e-12);
    List<double[]> weighted = List.of(new double[] {0.0, 3.0}, new double[] {10.0, 1.0});
    // qnorm(2/3) = 0.4307272992954576
    assertEquals(
        Math.exp(0.01 * 0.4307272992954576),
        EffectTruth.mixtureQuantile(0.5, weighted, 0.01),
        1e-12);
  }
}
