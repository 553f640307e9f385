package io.assay.stats.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON API end to end; the expected numbers are the independent ones of the unit tests. */
class StatsAnalysisTest {
  static final ObjectMapper M = new ObjectMapper();

  static JsonNode run(String json) throws Exception {
    String out = StatsAnalysis.run(json.replace('\'', '"'));
    assertFalse(out.contains("NaN") || out.contains("Infinity"), out);
    return M.readTree(out);
  }

  /** The problems of a request that must be refused ({@code '} stands for {@code "}). */
  static List<String> problems(String json) {
    return assertThrows(
            InvalidRequestException.class, () -> StatsAnalysis.run(json.replace('\'', '"')))
        .problems();
  }

  /**
   * R's sleep data as sums: group 1 Σ = 7.5, Σy² = 34.43; group 2 Σ = 23.3, Σy² = 90.37 (summed by
   * hand from the 10 values each). R 4.x t.test(extra ~ group, data = sleep): t = -1.8608, df =
   * 17.776, p = 0.07939, CI −3.3654832 0.2054832.
   */
  @Test
  void sleepDataThroughJson() throws Exception {
    JsonNode r =
        run(
            "{'kind': 'mean', 'control': 'g2', 'arms': ["
                + "{'arm': 'g1', 'n': 10, 'sum': 7.5, 'sum_squares': 34.43},"
                + "{'arm': 'g2', 'n': 10, 'sum': 23.3, 'sum_squares': 90.37}]}");
    JsonNode a = r.at("/arms/0/absolute");
    assertEquals("g1", r.at("/arms/0/arm").asText());
    assertEquals(-1.58, a.get("effect").asDouble(), 1e-12);
    assertEquals(17.776, a.get("df").asDouble(), 5e-4);
    assertEquals(0.07939, a.get("p_value").asDouble(), 5e-6);
    assertEquals(-3.3654832, a.get("ci_lower").asDouble(), 5e-8);
    assertEquals(0.2054832, a.get("ci_upper").asDouble(), 5e-8);
    assertTrue(r.at("/arms/0/error").isNull());
    assertEquals(2.33, r.at("/control/estimate").asDouble(), 1e-12);
  }

  /**
   * Binomial, three arms, Holm across the two treatments. B: 12/18 vs 6/18 gives Z = 2 exactly
   * (ProportionZTestTest), p = 2Φ(−2) = 0.04550026389635842; C: 6/18, δ = 0, p = 1. Holm by hand:
   * 2·0.0455002639 = 0.0910005278, max(that, 1·1) = 1.
   */
  @Test
  void binomialWithHolm() throws Exception {
    JsonNode r =
        run(
            "{'kind': 'binomial', 'control': 'A', 'correction': 'holm', 'arms': ["
                + "{'arm': 'A', 'n': 18, 'sum': 6}, {'arm': 'B', 'n': 18, 'sum': 12},"
                + "{'arm': 'C', 'n': 18, 'sum': 6, 'sum_squares': 6}]}");
    assertEquals(0.04550026389635842, r.at("/arms/0/absolute/p_value").asDouble(), 1e-12);
    assertEquals(
        2 * 0.04550026389635842, r.at("/arms/0/absolute/p_value_adjusted").asDouble(), 1e-12);
    assertEquals(1.0, r.at("/arms/1/absolute/p_value_adjusted").asDouble(), 1e-12);
    assertTrue(r.at("/arms/0/absolute/df").isNull());
  }

  /**
   * The same arms with Hochberg and Benjamini–Yekutieli (p = 0.0455002639 for B, 1 for C). By hand,
   * Hochberg: 1·1 = 1, 2·0.0455002639 = 0.0910005278 → cummin 1, 0.0910005278. BY: q = 1 + 1/2 =
   * 3/2; q·(2/2)·1 = 1.5, q·(2/1)·0.0455002639 = 0.1365007917 → cummin, capped: 1, 0.1365007917.
   * The long name is accepted and reported by its short one.
   */
  @Test
  void binomialWithHochbergAndBenjaminiYekutieli() throws Exception {
    String arms =
        "'arms': [{'arm': 'A', 'n': 18, 'sum': 6}, {'arm': 'B', 'n': 18, 'sum': 12},"
            + "{'arm': 'C', 'n': 18, 'sum': 6}]}";
    JsonNode h = run("{'kind': 'binomial', 'control': 'A', 'correction': 'hochberg', " + arms);
    assertEquals("hochberg", h.get("correction").asText());
    assertEquals(
        2 * 0.04550026389635842, h.at("/arms/0/absolute/p_value_adjusted").asDouble(), 1e-12);
    assertEquals(1.0, h.at("/arms/1/absolute/p_value_adjusted").asDouble(), 1e-12);
    JsonNode by =
        run("{'kind': 'binomial', 'control': 'A', 'correction': 'benjamini_yekutieli', " + arms);
    assertEquals("by", by.get("correction").asText());
    assertEquals(
        3 * 0.04550026389635842, by.at("/arms/0/absolute/p_value_adjusted").asDouble(), 1e-12);
    assertEquals(1.0, by.at("/arms/1/absolute/p_value_adjusted").asDouble(), 1e-12);
    assertEquals(
        List.of(
            "correction: must be none, bonferroni, holm, hochberg, bh (benjamini_hochberg) or by"
                + " (benjamini_yekutieli), was 'hommel'"),
        problems("{'kind': 'binomial', 'control': 'A', 'correction': 'hommel', " + arms));
  }

  /** The RatioTestTest hand example as sums: δ = 1, se² = 3/8, lift 1/2 with variance 23/192. */
  @Test
  void ratioThroughJson() throws Exception {
    JsonNode r =
        run(
            "{'kind': 'ratio', 'control': 'c', 'arms': ["
                + "{'arm': 'c', 'n': 3, 'sum': 12, 'sum_squares': 62, 'den_sum': 6,"
                + " 'den_sum_squares': 14, 'sum_products': 29},"
                + "{'arm': 't', 'n': 4, 'sum': 24, 'sum_squares': 158, 'den_sum': 8,"
                + " 'den_sum_squares': 22, 'sum_products': 57}]}");
    assertEquals(1.0, r.at("/arms/0/absolute/effect").asDouble(), 1e-14);
    assertEquals(Math.sqrt(3.0 / 8), r.at("/arms/0/absolute/se").asDouble(), 1e-14);
    assertEquals(Math.sqrt(23.0 / 192), r.at("/arms/0/relative/se").asDouble(), 1e-14);
    assertEquals(2.0, r.at("/control/estimate").asDouble(), 1e-15);
  }

  /**
   * Issue 22, D3 through the JSON: a ratio whose denominators are negative. Control units (y, x) =
   * (1, −1), (3, −1): R̂_c = −2, linearized values (y − R̂x)/x̄ = 1, −1, variance 2; treatment (1,
   * −1), (1, −1): R̂_t = −1, variance 0. δ = +1, se² = 2/2 = 1. Lift δ/|R̂_c| = +1/2 with se² = (0
   * + (1/2)²·1)/4 = 1/16, z = 2, p = 2Φ(−2). The Bayesian summaries agree with it: chance to beat
   * control Φ(1) = 0.8413447460685429; the relative expected loss se·φ(z) − μΦ(−z) = 0.25φ(2) −
   * 0.5Φ(−2) = 0.25·0.05399096651318806 − 0.5·0.02275013194817922 = 0.002122675654207406 (with the
   * old sign, μ = −1/2, it was 0.25φ(2) + 0.5Φ(2) ≈ 0.50, a near-certain loss).
   */
  @Test
  void negativeDenominatorThroughJson() throws Exception {
    JsonNode r =
        run(
            "{'kind': 'ratio', 'control': 'c', 'arms': ["
                + "{'arm': 'c', 'n': 2, 'sum': 4, 'sum_squares': 10, 'den_sum': -2,"
                + " 'den_sum_squares': 2, 'sum_products': -4},"
                + "{'arm': 't', 'n': 2, 'sum': 2, 'sum_squares': 2, 'den_sum': -2,"
                + " 'den_sum_squares': 2, 'sum_products': -2}]}");
    assertEquals(1.0, r.at("/arms/0/absolute/effect").asDouble(), 1e-15);
    assertEquals(0.5, r.at("/arms/0/relative/effect").asDouble(), 1e-15);
    assertEquals(0.25, r.at("/arms/0/relative/se").asDouble(), 1e-15);
    assertEquals(0.04550026389635842, r.at("/arms/0/relative/p_value").asDouble(), 1e-12);
    assertEquals(
        0.8413447460685429, r.at("/arms/0/bayesian/chance_to_beat_control").asDouble(), 1e-12);
    assertEquals(
        0.002122675654207406, r.at("/arms/0/bayesian/expected_loss_relative").asDouble(), 1e-12);
  }

  /** The CupedTestTest hand example as sums: θ = 129/52, adjusted δ = 287/104. */
  @Test
  void cupedThroughJson() throws Exception {
    JsonNode r =
        run(
            "{'kind': 'mean', 'cuped': true, 'control': 'c', 'arms': ["
                + "{'arm': 'c', 'n': 3, 'sum': 12, 'sum_squares': 56, 'pre_sum': 6,"
                + " 'pre_sum_squares': 14, 'pre_sum_products': 28},"
                + "{'arm': 't', 'n': 4, 'sum': 32, 'sum_squares': 282, 'pre_sum': 10,"
                + " 'pre_sum_squares': 30, 'pre_sum_products': 91}]}");
    assertEquals(129.0 / 52, r.get("cuped_theta").asDouble(), 1e-14);
    assertEquals(287.0 / 104, r.at("/arms/0/absolute/effect").asDouble(), 1e-13);
    assertTrue(r.at("/arms/0/variance_reduction").isNumber());
  }

  /** One-sided: the open bound is null, never ±Infinity. Degenerate arms: error code, nulls. */
  @Test
  void nullsNotInfinities() throws Exception {
    JsonNode r =
        run(
            "{'kind': 'mean', 'alternative': 'greater', 'control': 'a', 'sequential': true,"
                + " 'arms': [{'arm': 'a', 'n': 3, 'sum': 6, 'sum_squares': 14},"
                + " {'arm': 'b', 'n': 3, 'sum': 9, 'sum_squares': 29},"
                + " {'arm': 'z', 'n': 3, 'sum': 6, 'sum_squares': 12},"
                + " {'arm': 'e', 'n': 0, 'sum': 0, 'sum_squares': 0}]}");
    assertTrue(r.at("/arms/0/absolute/ci_lower").isNumber());
    assertTrue(r.at("/arms/0/absolute/ci_upper").isNull());
    assertTrue(r.at("/arms/0/sequential/ci_upper").isNull());
    // Control a is {1, 2, 3}, b is {2, 3, 4}; z (Σ = 6, Σy² = 12) is {2, 2, 2}: no variance in one
    // arm only, so its comparison is still defined. Arm e is empty.
    assertTrue(r.at("/arms/1/error").isNull());
    assertEquals("empty_arm", r.at("/arms/2/error").asText());
    assertTrue(r.at("/arms/2/absolute/effect").isNull());
    assertTrue(r.at("/arms/2/power/mde_absolute").isNull());
    assertTrue(r.at("/arms/2/estimate").isNull());
  }

  @Test
  void zeroVarianceThroughJson() throws Exception {
    JsonNode r =
        run(
            "{'kind': 'mean', 'control': 'a', 'arms': ["
                + "{'arm': 'a', 'n': 3, 'sum': 15, 'sum_squares': 75},"
                + "{'arm': 'b', 'n': 3, 'sum': 21, 'sum_squares': 147}]}");
    assertEquals("zero_variance", r.at("/arms/0/error").asText());
    assertEquals(2.0, r.at("/arms/0/absolute/effect").asDouble(), 0);
    assertTrue(r.at("/arms/0/absolute/p_value").isNull());
  }

  /** Every problem is reported, each naming its field. */
  @Test
  void validationNamesTheField() {
    List<String> p =
        problems(
            "{'kind': 'binomial', 'alpha': 1.5, 'control': 'X', 'extra': 1, 'arms': ["
                + "{'arm': 'A', 'n': -1, 'sum': 3},"
                + "{'arm': 'B', 'n': 5.5, 'sum': 3, 'den_sum': 1},"
                + "{'arm': 'C', 'n': 4, 'sum': 5},"
                + "{'arm': 'D', 'n': 4, 'sum': 2, 'sum_squares': 3}]}");
    assertTrue(p.contains("extra: unknown field"), p.toString());
    assertTrue(
        p.contains("alpha: must be a number strictly between 0 and 1, was 1.5"), p.toString());
    assertTrue(p.contains("arms[0].n: must be a whole number ≥ 0, was -1"), p.toString());
    assertTrue(p.contains("arms[1].n: must be a whole number ≥ 0, was 5.5"), p.toString());
    assertTrue(p.contains("arms[1].den_sum: only for kind ratio"), p.toString());
    assertTrue(
        p.contains("arms[2].sum: must be a whole number of successes between 0 and n = 4"),
        p.toString());
    assertTrue(
        p.contains(
            "arms[3].sum_squares: must equal sum for a binomial metric (y² = y), or be omitted"),
        p.toString());
    assertTrue(p.contains("control: names no arm: 'X' is not among [A, B, C, D]"), p.toString());
  }

  @Test
  void impossibleSumsAndMissingFields() {
    List<String> p =
        problems(
            "{'kind': 'ratio', 'control': 'a', 'cuped': true, 'arms': ["
                + "{'arm': 'a', 'n': 2, 'sum': 4, 'sum_squares': 1},"
                + "{'arm': 'b', 'n': 2, 'sum': 1}]}");
    assertTrue(p.contains("arms[1].pre_den_sum: is required: a finite number"), p.toString());
    assertTrue(
        p.contains(
            "arms[0].sum_squares: must be at least sum²/n = 8.0: no real values of arm 'a' have"
                + " these sums"),
        p.toString());
    assertTrue(p.contains("arms[1].sum_squares: is required: a finite number"), p.toString());
    assertTrue(p.contains("arms[1].den_sum: is required: a finite number"), p.toString());
  }

  /**
   * Issue 22, D2: sums no real values have, which used to pass. (Σy)²/n = 1e400/10 overflows a
   * double, so no finite Σy² reaches it (the arm's variance used to read as 0 and p as 0). At small
   * scales the tolerance used to be absolute (1e-9), so Σy = 0.001 with Σy² = 0 over 2 units passed
   * (it needs Σy² ≥ 5e-7); it is relative now. Units beyond 2^53 in all are refused too: counts
   * enter the statistics as doubles (and a long sum of them overflowed in the CUPED fit).
   */
  @Test
  void impossibleSumsAtTheEdgesOfTheRange() {
    List<String> sums =
        problems(
            "{'kind': 'mean', 'control': 'A', 'arms': ["
                + "{'arm': 'A', 'n': 10, 'sum': 1e200, 'sum_squares': 1e300},"
                + "{'arm': 'B', 'n': 2, 'sum': 0.001, 'sum_squares': 0}]}");
    assertEquals(
        List.of(
            "arms[0].sum_squares: must be at least sum²/n, which overflows a double for sum ="
                + " 1.0E200 and n = 10: no real values of arm 'A' have these sums",
            "arms[1].sum_squares: must be at least sum²/n = 5.0E-7: no real values of arm 'B' have"
                + " these sums"),
        sums);
    // 2 × (2^52 + 1) = 2^53 + 2 units.
    List<String> units =
        problems(
            "{'kind': 'binomial', 'control': 'A', 'arms': ["
                + "{'arm': 'A', 'n': 4503599627370497, 'sum': 1},"
                + "{'arm': 'B', 'n': 4503599627370497, 'sum': 1}]}");
    assertEquals(
        List.of(
            "arms: the arms hold 9.007199254740994E15 units in all, more than 2^53 ="
                + " 9007199254740992 (the largest count a double holds exactly)"),
        units);
  }

  /**
   * The tolerance allows for the rounding of subnormal squares: y = (a, a), a =
   * 1.9677559094241207e-161, has Σy² = 2·round(a²) = 7.7e-322 but sum²/n = round(2a²) = 7.76e-322,
   * which a relative tolerance alone would call impossible. The sums are real; the engine says they
   * are out of range.
   */
  @Test
  void subnormalRoundingIsNotImpossible() throws Exception {
    JsonNode r =
        run(
            "{'kind': 'mean', 'control': 'A', 'arms': ["
                + "{'arm': 'A', 'n': 2, 'sum': 3.9355118188482414e-161, 'sum_squares': 7.7e-322},"
                + "{'arm': 'B', 'n': 2, 'sum': 1, 'sum_squares': 1}]}");
    assertEquals("out_of_range", r.at("/arms/0/error").asText());
  }

  /**
   * Issue 22, D4: cross products beyond what the sums of squares allow. The RatioTestTest control
   * (2, 1), (3, 2), (7, 3) has Σy = 12, Σy² = 62, Σx = 6, Σx² = 14: centred S_xx = 14 − 36/3 = 2,
   * S_yy = 62 − 144/3 = 14, so |Σxy − 6·12/3| ≤ √(2·14) = √28: Σxy ∈ [24 − √28, 24 + √28] =
   * [18.708…, 29.291…] (the data's 29 is inside). Σxy = 40 used to pass, the linearized variance 7
   * − 2·2·8 + 4·1 = −21 was clamped to 0, and p = 0.064 looked ordinary. The CupedTestTest control
   * (Σy = 12, Σy² = 56, Σx = 6, Σx² = 14) allows [24 − √(2·8), 24 + √(2·8)] = [20, 28]: its own 28
   * is the bound (y = 2x + 0: perfectly correlated) and passes; 100 used to give θ = 12.2.
   */
  @Test
  void crossProductsBeyondCauchySchwarz() {
    List<String> ratio =
        problems(
            "{'kind': 'ratio', 'control': 'c', 'arms': ["
                + "{'arm': 'c', 'n': 3, 'sum': 12, 'sum_squares': 62, 'den_sum': 6,"
                + " 'den_sum_squares': 14, 'sum_products': 40},"
                + "{'arm': 't', 'n': 4, 'sum': 24, 'sum_squares': 158, 'den_sum': 8,"
                + " 'den_sum_squares': 22, 'sum_products': 57}]}");
    assertEquals(
        List.of(
            "arms[0].sum_products: must be between "
                + (24 - Math.sqrt(2) * Math.sqrt(14))
                + " and "
                + (24 + Math.sqrt(2) * Math.sqrt(14))
                + " (Cauchy–Schwarz: |Σxy − ΣxΣy/n| ≤ √((Σx² − (Σx)²/n)(Σy² − (Σy)²/n))): no real"
                + " values of arm 'c' have these sums"),
        ratio);
    assertTrue(ratio.get(0).contains("between 18.708497377870"), ratio.toString());

    List<String> cuped =
        problems(
            "{'kind': 'mean', 'cuped': true, 'control': 'c', 'arms': ["
                + "{'arm': 'c', 'n': 3, 'sum': 12, 'sum_squares': 56, 'pre_sum': 6,"
                + " 'pre_sum_squares': 14, 'pre_sum_products': 100},"
                + "{'arm': 't', 'n': 4, 'sum': 32, 'sum_squares': 282, 'pre_sum': 10,"
                + " 'pre_sum_squares': 30, 'pre_sum_products': 91}]}");
    assertEquals(
        List.of(
            "arms[0].pre_sum_products: must be between 20.0 and 28.0 (Cauchy–Schwarz: |Σxy −"
                + " ΣxΣy/n| ≤ √((Σx² − (Σx)²/n)(Σy² − (Σy)²/n))): no real values of arm 'c' have"
                + " these sums"),
        cuped);
  }

  /**
   * Perfectly correlated data whose sums carry rounding (y = 0.7x + 0.3 on decimals no double holds
   * exactly) sit on the Cauchy–Schwarz bound up to rounding, and pass.
   */
  @Test
  void crossProductsOnTheBoundUpToRoundingPass() throws Exception {
    double[] x = {0.1, 0.2, 0.3, 1.7, 2.9, 13.1, 0.03};
    double[] y = java.util.Arrays.stream(x).map(v -> 0.7 * v + 0.3).toArray();
    io.assay.stats.BivariateMoments m = io.assay.stats.BivariateMoments.of(y, x);
    String arm =
        "'n': 7, 'sum': %s, 'sum_squares': %s, 'den_sum': %s, 'den_sum_squares': %s,"
            + " 'sum_products': %s}";
    String sums =
        String.format(arm, m.sumY(), m.sumYSquares(), m.sumX(), m.sumXSquares(), m.sumXY());
    JsonNode r =
        run(
            "{'kind': 'ratio', 'control': 'c', 'arms': [{'arm': 'c', "
                + sums
                + ", {'arm': 't', "
                + sums
                + "]}");
    assertEquals(0.0, r.at("/arms/0/absolute/effect").asDouble(), 0);
  }

  @Test
  void notJson() {
    InvalidRequestException e =
        assertThrows(InvalidRequestException.class, () -> StatsAnalysis.run("{\"kind\": "));
    assertTrue(e.problems().get(0).startsWith("not valid JSON"), e.problems().toString());
  }

  /**
   * CUPED of a ratio through JSON: GrowthBook's own test vector for {@code
   * RegressionAdjustedRatioStatistic} (gbstats tests/frequentist/test_tests.py, 100 units per arm;
   * see {@code RatioCupedTestTest.reproducesGrowthBooksTestVector} for the mapping of its sums and
   * the full-precision values gbstats computes: θ = 0.8290044254063291, δ = −0.0005005051931391558,
   * se = 0.00278823977470492). The arms' ratios are gbstats' published 0.713495487 and 0.729754963.
   */
  @Test
  void ratioCupedReproducesGrowthBooksVector() throws Exception {
    JsonNode r =
        run(
            "{'kind': 'ratio', 'cuped': true, 'control': 'a', 'arms': ["
                + "{'arm': 'a', 'n': 100, 'sum': 485.112236689623, 'sum_squares': 2715.484666118136,"
                + " 'den_sum': 679.9093275844917, 'den_sum_squares': 4939.424001640236,"
                + " 'sum_products': 3602.146836776702,"
                + " 'pre_sum': 192.59138069991536, 'pre_sum_squares': 460.076026390857,"
                + " 'pre_den_sum': 290.1398399750233, 'pre_den_sum_squares': 920.9461385038898,"
                + " 'pre_sum_products': 1113.6215759318352,"
                + " 'pre_sum_pre_den_products': 634.239482353647,"
                + " 'sum_pre_den_products': 1559.2878434944676,"
                + " 'den_pre_sum_products': 1460.3181079276983,"
                + " 'den_pre_den_products': 2130.9404074446747},"
                + "{'arm': 'b', 'n': 100, 'sum': 514.7757826608777, 'sum_squares': 2994.897482705013,"
                + " 'den_sum': 705.4090874383759, 'den_sum_squares': 5291.36604146392,"
                + " 'sum_products': 3918.1561431600717,"
                + " 'pre_sum': 206.94157227402536, 'pre_sum_squares': 514.2903702246757,"
                + " 'pre_den_sum': 302.54389139107326, 'pre_den_sum_squares': 994.4506208125663,"
                + " 'pre_sum_products': 1237.0953021125997,"
                + " 'pre_sum_pre_den_products': 698.4173425817908,"
                + " 'sum_pre_den_products': 1701.0287270040265,"
                + " 'den_pre_sum_products': 1604.0759503266522,"
                + " 'den_pre_den_products': 2292.081739775257}]}");
    assertEquals(0.8290044254063291, r.get("cuped_theta").asDouble(), 1e-12 * 0.83);
    assertEquals(0.713495487, r.at("/control/estimate").asDouble(), 5e-10);
    assertEquals(0.729754963, r.at("/arms/0/estimate").asDouble(), 5e-10);
    JsonNode a = r.at("/arms/0/absolute");
    assertEquals(-0.0005005051931391558, a.get("effect").asDouble(), 1e-10 * 5.0e-4);
    assertEquals(0.00278823977470492, a.get("se").asDouble(), 1e-10 * 2.8e-3);
    assertTrue(r.at("/arms/0/error").isNull());
    assertTrue(r.at("/arms/0/variance_reduction").asDouble() > 0);
  }

  /** The cross-products of a ratio's CUPED are checked like the ratio's own. */
  @Test
  void ratioCupedCrossProductsBeyondCauchySchwarzAreRefused() {
    List<String> p =
        problems(
            "{'kind': 'ratio', 'cuped': true, 'control': 'a', 'arms': ["
                + "{'arm': 'a', 'n': 2, 'sum': 2, 'sum_squares': 2, 'den_sum': 2,"
                + " 'den_sum_squares': 2, 'sum_products': 2, 'pre_sum': 2, 'pre_sum_squares': 2,"
                + " 'pre_den_sum': 2, 'pre_den_sum_squares': 2, 'pre_sum_products': 2,"
                + " 'pre_sum_pre_den_products': 2, 'sum_pre_den_products': 2,"
                + " 'den_pre_sum_products': 2, 'den_pre_den_products': 5},"
                + "{'arm': 'b', 'n': 2, 'sum': 2, 'sum_squares': 2, 'den_sum': 2,"
                + " 'den_sum_squares': 2, 'sum_products': 2}]}");
    // Every value 1 (no spread): each cross-product must be ΣxΣy/n = 2 exactly.
    assertTrue(
        p.stream().anyMatch(x -> x.startsWith("arms[0].den_pre_den_products: must be between 2")),
        p.toString());
    assertTrue(p.contains("arms[1].pre_sum: is required: a finite number"), p.toString());
  }

  /** The 20 values per arm of {@code QuantileTestTest.unitLevelByHand}, one per unit. */
  static String unitBuckets(double[] values, double accuracy) {
    io.assay.stats.QuantileBuckets b = new io.assay.stats.QuantileBuckets(accuracy);
    StringBuilder out = new StringBuilder("[");
    for (double v : values) {
      // One value per unit: count 1, S⁻ = 0 so squares = 1·(0 + 1), cross = 1·N = 1.
      out.append(out.length() > 1 ? "," : "")
          .append("{'bucket': ")
          .append(b.key(v))
          .append(", 'count': 1, 'squares': 1, 'cross': 1}");
    }
    return out.append("]").toString();
  }

  /**
   * A quantile through JSON: the hand computation of {@code QuantileTestTest.unitLevelByHand} (20
   * units per arm, p = 0.5, accuracy 10⁻⁴): control median x_(10) = 4.6, treatment 6.3, δ = 1.7,
   * 95% interval 1.7 ± √82.9/2 = 1.7 ± 4.5524719 (Woodruff bounds x_(6) and x_(15) per arm).
   */
  @Test
  void quantileMatchesTheHandComputation() throws Exception {
    double acc = 1e-4;
    String control = unitBuckets(io.assay.stats.QuantileTestTest.CONTROL, acc);
    String treatment = unitBuckets(io.assay.stats.QuantileTestTest.TREATMENT, acc);
    JsonNode r =
        run(
            "{'kind': 'quantile', 'quantile': 0.5, 'accuracy': 0.0001, 'control': 'c', 'arms': ["
                + "{'arm': 'c', 'n': 20, 'sum_events': 20, 'sum_events_squares': 20, 'buckets': "
                + control
                + "},"
                + "{'arm': 't', 'n': 20, 'sum_events': 20, 'sum_events_squares': 20, 'buckets': "
                + treatment
                + "}]}");
    assertEquals(0.5, r.get("quantile").asDouble());
    assertEquals(4.6, r.at("/control/estimate").asDouble(), acc * 4.6);
    assertEquals(6.3, r.at("/arms/0/estimate").asDouble(), acc * 6.3);
    JsonNode a = r.at("/arms/0/absolute");
    double tol = acc * (4.6 + 6.3 + 2.7 + 8.4 + 3.6 + 10.7);
    assertEquals(1.7, a.get("effect").asDouble(), acc * 10.9);
    assertEquals(1.7 - 4.5524719, a.get("ci_lower").asDouble(), tol + 1e-7);
    assertEquals(1.7 + 4.5524719, a.get("ci_upper").asDouble(), tol + 1e-7);
    assertEquals(0.3695652, r.at("/arms/0/relative/effect").asDouble(), 1e-6 + 3 * acc);
    assertTrue(r.at("/arms/0/error").isNull());
  }

  /** A quantile request's mistakes, each named. */
  @Test
  void quantileMistakesAreNamed() {
    List<String> p =
        problems(
            "{'kind': 'quantile', 'cuped': true, 'accuracy': 0.5, 'control': 'a', 'arms': ["
                + "{'arm': 'a', 'n': 3, 'sum': 1, 'sum_events': 4, 'sum_events_squares': 6,"
                + " 'buckets': [{'bucket': 16777300, 'count': 2, 'squares': 4, 'cross': 4},"
                + " {'bucket': 16777300, 'count': 1, 'squares': 1, 'cross': 1},"
                + " {'bucket': 99999999999, 'count': 1.5, 'squares': 0, 'cross': 1}]},"
                + "{'arm': 'b', 'n': 1, 'sum_events': 2, 'sum_events_squares': 2,"
                + " 'buckets': [{'bucket': 0, 'count': 2, 'squares': 4, 'cross': 4}]}]}");
    assertTrue(
        p.stream().anyMatch(x -> x.startsWith("cuped: is not defined for kind quantile")),
        p.toString());
    assertTrue(
        p.stream().anyMatch(x -> x.startsWith("quantile: is required for kind quantile")),
        p.toString());
    assertTrue(p.stream().anyMatch(x -> x.startsWith("accuracy: ")), p.toString());
    assertTrue(
        p.contains("arms[0].sum: not for kind quantile: its values are in buckets"), p.toString());
    assertTrue(p.contains("arms[0].buckets[1].bucket: duplicate bucket 16777300"), p.toString());
    assertTrue(
        p.contains(
            "arms[0].buckets[2].bucket: must be 0 or ±(2^24 + j) with |j| < 2^24, was 99999999999"),
        p.toString());
    assertTrue(
        p.contains("arms[0].buckets[2].count: must be a whole number ≥ 0, was 1.5"), p.toString());
    // Arm b: its 2 values in one bucket give ΣS² = 4 = ΣN², not the 2 it claims.
    assertTrue(
        p.stream()
            .anyMatch(
                x ->
                    x.startsWith(
                        "arms[1].sum_events_squares: must equal the buckets' total squares 4.0")),
        p.toString());
    List<String> mean =
        problems(
            "{'kind': 'mean', 'quantile': 0.5, 'control': 'a', 'arms': ["
                + "{'arm': 'a', 'n': 1, 'sum': 1, 'sum_squares': 1, 'buckets': []},"
                + "{'arm': 'b', 'n': 1, 'sum': 1, 'sum_squares': 1}]}");
    assertTrue(mean.contains("quantile: only for kind quantile"), mean.toString());
    assertTrue(mean.contains("arms[0].buckets: only for kind quantile"), mean.toString());
  }
}
