package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Normal-table values (Abramowitz and Stegun table 26.1; R 4.x dnorm/pnorm): φ(0) = 1/√(2π) =
 * 0.3989422804014327, φ(1) = 0.24197072451914337, Φ(1) = 0.8413447460685429, Φ(−1) =
 * 0.15865525393145707.
 */
class NormalPosteriorTest {
  /** μ = 0: P = 1/2, both losses se·φ(0). */
  @Test
  void noEffect() {
    NormalPosterior p = NormalPosterior.of(0, 2, true);
    assertEquals(0.5, p.chanceToBeatControl(), 1e-15);
    assertEquals(2 * 0.3989422804014327, p.expectedLoss(), 1e-15);
    assertEquals(2 * 0.3989422804014327, p.expectedLossControl(), 1e-15);
  }

  /**
   * μ = se = 3: P = Φ(1); loss of shipping 3(φ(1) − Φ(−1)) = 3·0.0833154705876863; loss of keeping
   * control 3(φ(1) + Φ(1)).
   */
  @Test
  void oneStandardErrorBetter() {
    NormalPosterior p = NormalPosterior.of(3, 3, true);
    assertEquals(0.8413447460685429, p.chanceToBeatControl(), 1e-15);
    assertEquals(3 * (0.24197072451914337 - 0.15865525393145707), p.expectedLoss(), 1e-14);
    assertEquals(3 * (0.24197072451914337 + 0.8413447460685429), p.expectedLossControl(), 1e-14);
  }

  /** When a decrease is good, an effect of −3 is the same as +3 when an increase is good. */
  @Test
  void directionAware() {
    assertEquals(NormalPosterior.of(3, 3, true), NormalPosterior.of(-3, 3, false));
    assertEquals(
        1 - 0.8413447460685429, NormalPosterior.of(3, 3, false).chanceToBeatControl(), 1e-15);
  }

  @Test
  void undefinedWithoutStandardError() {
    assertEquals(NormalPosterior.UNDEFINED, NormalPosterior.of(Inference.UNDEFINED, true));
  }
}
