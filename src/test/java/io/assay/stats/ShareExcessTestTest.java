package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The one-sided share test of the arm-share and exposure-share checks. */
class ShareExcessTestTest {

  /**
   * By hand: 60 of 100 against b = 0.5 gives z = 0.1/√(0.25/100) = 2, p = 1 − Φ(2) =
   * 0.022750131948179195 (normal table; equal to R's {@code prop.test(60, 100, p = 0.5, alternative
   * = "greater", correct = FALSE)}, whose X² = z² = 4).
   */
  @Test
  void byHand() {
    ShareExcessTest r = ShareExcessTest.test(60, 100, 0.5);
    assertEquals(0.6, r.share(), 1e-15);
    assertEquals(2.0, r.z(), 1e-12);
    assertEquals(0.022750131948179195, r.pValue(), 1e-15);
  }

  /**
   * An arm holding 65% of 200 units against weight 0.5 plus tolerance 0.02: z = 0.13/√(0.52·0.48/
   * 200) = 3.679900360969936, p = 1.1666255157477453e-4 (SciPy 1.17.1 {@code norm.sf}). A share
   * below the bound has p above 1/2.
   */
  @Test
  void againstABandAboveTheWeight() {
    ShareExcessTest r = ShareExcessTest.test(130, 200, 0.52);
    assertEquals(3.679900360969936, r.z(), 1e-12);
    assertEquals(1.1666255157477453e-4, r.pValue(), 1e-15);
    assertEquals(true, ShareExcessTest.test(50, 100, 0.52).pValue() > 0.5);
  }

  @Test
  void invalidInputIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> ShareExcessTest.test(5, 0, 0.5));
    assertThrows(IllegalArgumentException.class, () -> ShareExcessTest.test(11, 10, 0.5));
    assertThrows(IllegalArgumentException.class, () -> ShareExcessTest.test(5, 10, 1.0));
  }
}
