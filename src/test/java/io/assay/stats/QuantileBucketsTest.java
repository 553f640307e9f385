package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

class QuantileBucketsTest {
  static final long OFFSET = QuantileBuckets.OFFSET;

  /**
   * α = 0.01 by hand: γ = 1.01/0.99 = 1.0202020202…, lnγ = 2·artanh(0.01) = 0.0200006667066695…
   * (Python's decimal to 40 digits). The representative 2γ^j/(γ + 1) is (1 − α)·γ^j, since γ + 1 =
   * 2/(1 − α).
   *
   * <ul>
   *   <li>v = 1: ln 1 = 0, key OFFSET + 0; representative 1 − α = 0.99.
   *   <li>v = 1.01: ln 1.01/lnγ = 0.00995033/0.0200007 = 0.4975, ⌈⌉ = 1: key OFFSET + 1, the bucket
   *       (1, γ] = (1, 1.020202]; representative (1 − α)γ = 1 + α = 1.01. 1.02 is in it too; 1.0203
   *       > γ is in the next.
   *   <li>v = 100: ln 100/lnγ = 4.6051702/0.0200007 = 230.2508, ⌈⌉ = 231: key OFFSET + 231, the
   *       bucket (γ^230, γ^231] = (99.49957, 101.50966]; representative 0.99·γ^231 = 100.4945677…
   *       (decimal), 0.49% from 100.
   *   <li>v = 0.5: ln 0.5/lnγ = −34.656, ⌈⌉ = −34: key OFFSET − 34; representative 0.99·γ^−34 =
   *       0.50153945…
   *   <li>v = −100: key −(OFFSET + 231), representative −100.4945677…
   * </ul>
   */
  @Test
  void keysAndValuesByHand() {
    QuantileBuckets b = new QuantileBuckets(0.01);
    assertEquals(0.01, b.accuracy());
    assertEquals(1.0202020202020202, b.gamma(), 1e-15);
    assertEquals(0.0200006667066695, b.logGamma(), 1e-16);
    assertEquals(16_777_216L, OFFSET);
    assertEquals(OFFSET, b.key(1));
    assertEquals(0.99, b.value(OFFSET), 1e-15);
    assertEquals(OFFSET + 1, b.key(1.01));
    assertEquals(OFFSET + 1, b.key(1.02));
    assertEquals(OFFSET + 2, b.key(1.0203));
    assertEquals(1.01, b.value(OFFSET + 1), 1e-15);
    assertEquals(OFFSET + 231, b.key(100));
    assertEquals(OFFSET + 231, b.key(99.4996)); // just above γ^230 = 99.499572
    assertEquals(OFFSET + 230, b.key(99.4995)); // just below
    assertEquals(OFFSET + 231, b.key(101.5096)); // just below γ^231 = 101.509664
    assertEquals(OFFSET + 232, b.key(101.5097));
    // γ as a double is off by up to 1.1e-16 relative, 231 times over in γ^231: 3e-14 relative.
    assertEquals(100.4945677085670, b.value(OFFSET + 231), 1e-11);
    assertEquals(OFFSET - 34, b.key(0.5));
    assertEquals(0.5015394534033245, b.value(OFFSET - 34), 1e-14);
    assertEquals(-(OFFSET + 231), b.key(-100));
    assertEquals(-100.4945677085670, b.value(-(OFFSET + 231)), 1e-11);
    assertEquals(0, b.key(0.0));
    assertEquals(0, b.key(-0.0));
    assertEquals(0.0, b.value(0));
  }

  /**
   * Keys sort as the values do, negative values included: for sorted values the keys never
   * decrease, and a key's sign is the value's.
   */
  @Test
  void keysAreInTheOrderOfTheValues() {
    RandomGenerator rng = new Well19937c(1L);
    for (double accuracy : new double[] {1e-4, 0.005, 0.1}) {
      QuantileBuckets b = new QuantileBuckets(accuracy);
      double[] v = new double[20_000];
      for (int i = 0; i < v.length; i++) {
        v[i] = randomValue(rng);
      }
      v[0] = 0;
      v[1] = -Double.MAX_VALUE;
      v[2] = Double.MAX_VALUE;
      v[3] = Double.MIN_VALUE;
      v[4] = -Double.MIN_VALUE;
      Arrays.sort(v);
      for (int i = 1; i < v.length; i++) {
        double lo = v[i - 1];
        double hi = v[i];
        assertTrue(b.key(lo) <= b.key(hi), () -> "key order at " + lo + " <= " + hi);
      }
      for (double x : v) {
        assertEquals(
            Math.signum(x), Math.signum((double) b.key(x)), () -> "sign of key(" + x + ")");
      }
      // A more negative value has a smaller (more negative) key.
      assertTrue(b.key(-1000) < b.key(-10));
      assertTrue(b.key(-10) < b.key(-0.1));
      assertTrue(b.key(-0.1) < b.key(0));
      assertTrue(b.key(0) < b.key(1e-300));
    }
  }

  /**
   * The representative of a value's bucket is within a relative α of it, for positive and negative
   * values from 1e-300 to 1e300 and at the edges of the normal doubles.
   */
  @Test
  void representativeIsWithinRelativeAccuracy() {
    RandomGenerator rng = new Well19937c(2L);
    for (double accuracy : new double[] {1e-4, 0.001, 0.005, 0.02, 0.1}) {
      QuantileBuckets b = new QuantileBuckets(accuracy);
      double worst = 0;
      for (int i = 0; i < 100_000; i++) {
        double v = randomValue(rng);
        worst = Math.max(worst, relativeError(b, v));
      }
      for (double v :
          new double[] {
            Double.MIN_NORMAL, -Double.MIN_NORMAL, Double.MAX_VALUE, -Double.MAX_VALUE, 1, -1
          }) {
        worst = Math.max(worst, relativeError(b, v));
      }
      assertTrue(worst <= accuracy * (1 + 1e-9), "α = " + accuracy + ": worst " + worst);
      // The bound is attained at the bucket ends, not much better: the buckets are not too fine.
      assertTrue(worst > accuracy * 0.99, "α = " + accuracy + ": worst " + worst);
    }
  }

  @Test
  void invalidInputIsRejectedNamingTheField() {
    for (double a : new double[] {0, 5e-5, 0.11, 1, Double.NaN, -0.01}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> new QuantileBuckets(a));
      assertTrue(e.getMessage().startsWith("quantile_accuracy"), e.getMessage());
    }
    new QuantileBuckets(1e-4);
    new QuantileBuckets(0.1);
    QuantileBuckets b = QuantileBuckets.withDefaultAccuracy();
    assertEquals(0.005, b.accuracy());
    for (double v : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -1 / 0.0}) {
      assertThrows(IllegalArgumentException.class, () -> b.key(v));
    }
  }

  private static double relativeError(QuantileBuckets b, double v) {
    return Math.abs(b.value(b.key(v)) - v) / Math.abs(v);
  }

  /** ±10^u, u uniform in (−300, 300). */
  private static double randomValue(RandomGenerator rng) {
    double magnitude = Math.pow(10, 600 * rng.nextDouble() - 300);
    return rng.nextBoolean() ? magnitude : -magnitude;
  }

  /**
   * Interpolation within a bucket, by hand at α = 0.01: γ = 101/99, γ − 1 = 2/99. Key(1) is the
   * bucket (99/101, 1] (j = 0); 1/v is linear in u: v(u) = 1/(γ − u(γ − 1)) = 99/(101 − 2u). v(0) =
   * 99/101, v(¼) = 99/100.5, v(½) = 99/100 = value(key) (the representative), v(1) = 1. Key(−1)
   * mirrors it: v(u) = −99/(99 + 2u), from −1 at u = 0 to −99/101 at u = 1; v(¼) = −99/99.5.
   */
  @Test
  void interpolationWithinABucketByHand() {
    QuantileBuckets b = new QuantileBuckets(0.01);
    long k = b.key(1);
    assertEquals(99.0 / 101, b.value(k, 0), 1e-15);
    assertEquals(99 / 100.5, b.value(k, 0.25), 1e-15);
    assertEquals(b.value(k), b.value(k, 0.5));
    assertEquals(0.99, b.value(k, 0.5), 1e-15);
    assertEquals(1.0, b.value(k, 1), 1e-15);
    assertEquals(b.value(k, 1), b.value(k + 1, 0), 1e-15); // adjacent ends meet
    assertEquals(-1.0, b.value(-k, 0), 1e-15);
    assertEquals(-99 / 99.5, b.value(-k, 0.25), 1e-15);
    assertEquals(b.value(-k), b.value(-k, 0.5));
    assertEquals(-99.0 / 101, b.value(-k, 1), 1e-15);
    assertEquals(0.0, b.value(0, 0.3));
    for (double u : new double[] {-0.1, 1.1, Double.NaN}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> b.value(k, u));
      assertTrue(e.getMessage().startsWith("fraction"), e.getMessage());
    }
  }
}
