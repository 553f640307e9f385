package io.assay.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hand-verified values of R's {@code p.adjust} (R 4.x, stats). Each comment works the algorithm of
 * {@code p.adjust} by hand: Holm {@code pmin(1, cummax((n − i + 1)·p[o]))} over increasing p;
 * Hochberg {@code pmin(1, cummin((n − i + 1)·p[o]))}, BH {@code pmin(1, cummin(n/i·p[o]))} and BY
 * {@code pmin(1, cummin(q·n/i·p[o]))}, {@code q = sum(1/(1:n))}, over decreasing p ({@code i} is
 * the rank of {@code p[o]} from the smallest). The expected values are exact (fractions written
 * out); the code's floating-point arithmetic is held to 1e-15.
 */
class PValueAdjustmentTest {
  static final double EPS = 1e-15;

  /**
   * p = (0.01, 0.04, 0.03, 0.005). Ascending: 0.005, 0.01, 0.03, 0.04.
   *
   * <p>Holm: 4·0.005 = 0.02, 3·0.01 = 0.03, 2·0.03 = 0.06, 1·0.04 = 0.04 → cummax 0.02, 0.03, 0.06,
   * 0.06 → in input order (0.03, 0.06, 0.06, 0.02).
   *
   * <p>BH, from the largest: 0.04·4/4 = 0.04, 0.03·4/3 = 0.04, 0.01·4/2 = 0.02, 0.005·4/1 = 0.02 →
   * cummin 0.04, 0.04, 0.02, 0.02 → in input order (0.02, 0.04, 0.04, 0.02).
   */
  @Test
  void holmAndBenjaminiHochbergByHand() {
    double[] p = {0.01, 0.04, 0.03, 0.005};
    assertArrayEquals(new double[] {0.03, 0.06, 0.06, 0.02}, PValueAdjustment.HOLM.adjust(p), EPS);
    assertArrayEquals(
        new double[] {0.02, 0.04, 0.04, 0.02}, PValueAdjustment.BENJAMINI_HOCHBERG.adjust(p), EPS);
    assertArrayEquals(
        new double[] {0.04, 0.16, 0.12, 0.02}, PValueAdjustment.BONFERRONI.adjust(p), EPS);
  }

  /**
   * p = (0.01, 0.02, 0.03, 0.04, 0.05): Holm 5·0.01 = 0.05, 4·0.02 = 0.08, 3·0.03 = 0.09, 2·0.04 =
   * 0.08, 0.05 → cummax (0.05, 0.08, 0.09, 0.09, 0.09). BH: every (5/i)·p_(i) = 0.05 → all 0.05.
   */
  @Test
  void evenlySpaced() {
    double[] p = {0.01, 0.02, 0.03, 0.04, 0.05};
    assertArrayEquals(
        new double[] {0.05, 0.08, 0.09, 0.09, 0.09}, PValueAdjustment.HOLM.adjust(p), EPS);
    assertArrayEquals(
        new double[] {0.05, 0.05, 0.05, 0.05, 0.05},
        PValueAdjustment.BENJAMINI_HOCHBERG.adjust(p),
        EPS);
  }

  /**
   * Monotonicity and capping. p = (0.01, 0.011, 0.04): BH raw multiples 0.03, 0.0165, 0.04 are not
   * monotone; cummin from the top gives (0.0165, 0.0165, 0.04). p = (0.6, 0.9): Holm 2·0.6 = 1.2 →
   * cummax (1.2, 1.2) → capped (1, 1); BH 0.9·2/2 = 0.9, 0.6·2/1 = 1.2 → cummin (0.9, 0.9).
   */
  @Test
  void monotoneAndCappedAtOne() {
    assertArrayEquals(
        new double[] {0.0165, 0.0165, 0.04},
        PValueAdjustment.BENJAMINI_HOCHBERG.adjust(new double[] {0.01, 0.011, 0.04}),
        EPS);
    assertArrayEquals(
        new double[] {1, 1}, PValueAdjustment.HOLM.adjust(new double[] {0.6, 0.9}), EPS);
    assertArrayEquals(
        new double[] {0.9, 0.9},
        PValueAdjustment.BENJAMINI_HOCHBERG.adjust(new double[] {0.6, 0.9}),
        EPS);
    assertArrayEquals(
        new double[] {1, 1}, PValueAdjustment.BONFERRONI.adjust(new double[] {0.6, 0.9}), EPS);
  }

  /** Ties: p = (0.02, 0.02, 0.5). Holm 3·0.02 = 0.06, 2·0.02 = 0.04 → cummax 0.06, 0.06; 0.5. */
  @Test
  void ties() {
    assertArrayEquals(
        new double[] {0.06, 0.06, 0.5},
        PValueAdjustment.HOLM.adjust(new double[] {0.02, 0.02, 0.5}),
        EPS);
    // BH: 0.5·3/3 = 0.5, 0.02·3/2 = 0.03, 0.02·3/1 = 0.06 → cummin 0.5, 0.03, 0.03.
    assertArrayEquals(
        new double[] {0.03, 0.03, 0.5},
        PValueAdjustment.BENJAMINI_HOCHBERG.adjust(new double[] {0.02, 0.02, 0.5}),
        EPS);
  }

  /**
   * p = (0.01, 0.04, 0.03, 0.005), as above. Decreasing: 0.04 (i = 4), 0.03 (3), 0.01 (2), 0.005
   * (1).
   *
   * <p>Hochberg: (n − i + 1)·p = 1·0.04 = 0.04, 2·0.03 = 0.06, 3·0.01 = 0.03, 4·0.005 = 0.02 →
   * cummin 0.04, 0.04, 0.03, 0.02 → in input order (0.03, 0.04, 0.04, 0.02): never above Holm's
   * (0.03, 0.06, 0.06, 0.02).
   *
   * <p>BY: q = 1 + 1/2 + 1/3 + 1/4 = 25/12; q·(4/i)·p = (25/12)·(0.04, 0.04, 0.02, 0.02) (the BH
   * multiples above) → cummin (25/12)·(0.04, 0.04, 0.02, 0.02) = (1/12, 1/12, 1/24, 1/24) → in
   * input order (1/24, 1/12, 1/12, 1/24).
   */
  @Test
  void hochbergAndBenjaminiYekutieliByHand() {
    double[] p = {0.01, 0.04, 0.03, 0.005};
    assertArrayEquals(
        new double[] {0.03, 0.04, 0.04, 0.02}, PValueAdjustment.HOCHBERG.adjust(p), EPS);
    assertArrayEquals(
        new double[] {1.0 / 24, 1.0 / 12, 1.0 / 12, 1.0 / 24},
        PValueAdjustment.BENJAMINI_YEKUTIELI.adjust(p),
        EPS);
  }

  /**
   * Ties and the cap. p = (0.3, 0.02, 0.6, 0.02, 0.9), n = 5; decreasing 0.9 (i = 5), 0.6 (4), 0.3
   * (3), 0.02 (2), 0.02 (1).
   *
   * <p>Hochberg: 1·0.9 = 0.9, 2·0.6 = 1.2, 3·0.3 = 0.9, 4·0.02 = 0.08, 5·0.02 = 0.1 → cummin 0.9,
   * 0.9, 0.9, 0.08, 0.08: the 1.2 above 1 is removed by the running minimum (a step-up adjustment
   * never exceeds the largest p), and the tied 0.02s get one value → (0.9, 0.08, 0.9, 0.08, 0.9).
   *
   * <p>BY: q = 1 + 1/2 + 1/3 + 1/4 + 1/5 = 137/60; q·(5/i)·p = (137/60)·(0.9, 0.75, 0.5, 0.05, 0.1)
   * = (2.055, 1.7125, 1.141666…, 0.1141666…, 0.2283333…) → cummin 2.055, 1.7125, 1.141666…,
   * 137/1200, 137/1200 → capped at 1: (1, 1, 1, 137/1200, 137/1200) → in input order (1, 137/1200,
   * 1, 137/1200, 1).
   */
  @Test
  void hochbergAndBenjaminiYekutieliTiesAndCap() {
    double[] p = {0.3, 0.02, 0.6, 0.02, 0.9};
    assertArrayEquals(
        new double[] {0.9, 0.08, 0.9, 0.08, 0.9}, PValueAdjustment.HOCHBERG.adjust(p), EPS);
    assertArrayEquals(
        new double[] {1, 137.0 / 1200, 1, 137.0 / 1200, 1},
        PValueAdjustment.BENJAMINI_YEKUTIELI.adjust(p),
        EPS);
    // Nulls are not counted: the same five with two NAs between them.
    List<Double> withNa =
        PValueAdjustment.BENJAMINI_YEKUTIELI.adjust(
            Arrays.asList(0.3, null, 0.02, 0.6, 0.02, null, 0.9));
    assertEquals(
        Arrays.asList(false, true, false, false, false, true, false),
        withNa.stream().map(v -> v == null).toList());
    assertArrayEquals(
        new double[] {1, 137.0 / 1200, 1, 137.0 / 1200, 1},
        withNa.stream().filter(v -> v != null).mapToDouble(v -> v).toArray(),
        EPS);
  }

  /**
   * The 15 p-values of Benjamini and Hochberg (1995, §4), already sorted. BH rejects the four
   * smallest at 0.05, as the paper reports; Hochberg rejects three.
   *
   * <p>Hochberg, (16 − i)·p_(i) for i = 1…15: 0.0015, 0.0056, 0.0247, 0.114, 0.2211, 0.278, 0.2682,
   * 0.2752, 0.3213, 1.944, 2.131, 2.2876, 1.9584, 1.518, 1 → cummin from i = 15: 1 for i ≥ 10, then
   * 0.3213, 0.2752, 0.2682, 0.2682 (0.278 > 0.2682), 0.2211, 0.114, 0.0247, 0.0056, 0.0015.
   *
   * <p>BH, (15/i)·p_(i) cummin from the top: 0.0015, 0.003, 0.0095, 0.035625, 0.0603, 447/7000 (=
   * 0.0298·15/7, below 0.0278·15/6 = 0.0695), 447/7000, 0.0645, 0.0765, 0.486, 6393/11000,
   * 0.714875, 9792/13000, 11385/14000, 1. BY = min(1, q·BH) with q = H_15 = 1195757/360360: e.g. i
   * = 1: (1195757/360360)·0.0015 = 1195757/240240000; i = 6, 7: (1195757/360360)·(0.0298·15/7) =
   * 178167793/840840000; from i = 10 on q·BH ≥ 3.318·0.486 > 1.
   */
  @Test
  void benjaminiHochberg1995Example() {
    double[] p = {
      0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262,
      0.5719, 0.6528, 0.7590, 1.0000
    };
    assertArrayEquals(
        new double[] {
          0.0015, 0.0056, 0.0247, 0.114, 0.2211, 0.2682, 0.2682, 0.2752, 0.3213, 1, 1, 1, 1, 1, 1
        },
        PValueAdjustment.HOCHBERG.adjust(p),
        EPS);
    double[] bh = PValueAdjustment.BENJAMINI_HOCHBERG.adjust(p);
    assertArrayEquals(
        new double[] {
          0.0015,
          0.003,
          0.0095,
          0.035625,
          0.0603,
          447.0 / 7000,
          447.0 / 7000,
          0.0645,
          0.0765,
          0.486,
          6393.0 / 11000,
          0.714875,
          9792.0 / 13000,
          11385.0 / 14000,
          1
        },
        bh,
        EPS);
    assertEquals(4, Arrays.stream(bh).filter(v -> v < 0.05).count());
    assertEquals(
        3, Arrays.stream(PValueAdjustment.HOCHBERG.adjust(p)).filter(v -> v < 0.05).count());
    assertArrayEquals(
        new double[] {
          1195757.0 / 240240000,
          1195757.0 / 120120000,
          22719383.0 / 720720000,
          22719383.0 / 192192000,
          80115719.0 / 400400000,
          178167793.0 / 840840000,
          178167793.0 / 840840000,
          51417551.0 / 240240000,
          20327869.0 / 80080000,
          1,
          1,
          1,
          1,
          1,
          1
        },
        PValueAdjustment.BENJAMINI_YEKUTIELI.adjust(p),
        EPS);
  }

  /** R's names, lower case, and the long forms the configuration and the JSON API accept. */
  @Test
  void namesParse() {
    assertEquals(PValueAdjustment.HOCHBERG, PValueAdjustment.parse("hochberg"));
    assertEquals(PValueAdjustment.HOCHBERG, PValueAdjustment.parse(" Hochberg "));
    assertEquals(PValueAdjustment.BENJAMINI_YEKUTIELI, PValueAdjustment.parse("by"));
    assertEquals(PValueAdjustment.BENJAMINI_YEKUTIELI, PValueAdjustment.parse("BY"));
    assertEquals(
        PValueAdjustment.BENJAMINI_YEKUTIELI, PValueAdjustment.parse("benjamini_yekutieli"));
    assertEquals(
        PValueAdjustment.BENJAMINI_YEKUTIELI, PValueAdjustment.parse("benjamini-yekutieli"));
    assertEquals(PValueAdjustment.BENJAMINI_HOCHBERG, PValueAdjustment.parse("benjamini_hochberg"));
    assertEquals(PValueAdjustment.BENJAMINI_HOCHBERG, PValueAdjustment.parse("fdr"));
    for (PValueAdjustment a : PValueAdjustment.values()) {
      assertEquals(a, PValueAdjustment.parse(a.label));
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PValueAdjustment.parse("hommel"));
    assertTrue(e.getMessage().contains("hochberg"), e.getMessage());
  }

  /** R: NAs stay NA and are not counted in n; the others are adjusted as if NAs were absent. */
  @Test
  void nullsAreNotAvailable() {
    List<Double> adjusted =
        PValueAdjustment.HOLM.adjust(Arrays.asList(0.01, null, 0.04, 0.03, 0.005));
    assertEquals(Arrays.asList(0.03, null, 0.06, 0.06, 0.02), adjusted);
    assertEquals(List.of(0.2), PValueAdjustment.HOLM.adjust(List.of(0.2)));
  }
}
