package io.assay.assignment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.config.HashScheme;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A ramp 5% -> 20% -> 50% -> 100% over 100k units, for the native and both GrowthBook schemes: once
 * a unit is assigned to an arm it stays in that arm at every later step (and is never dropped), and
 * at each step every arm's share matches the probability mass of its range within binomial bounds
 * (4.5 standard deviations).
 */
class RampStickinessTest {
  private static final int N = 100_000;
  private static final double[] WEIGHTS = {0.2, 0.3, 0.5};
  private static final double[] TRAFFIC = {0.05, 0.20, 0.50, 1.00};
  private static final int[] DAYS = {0, 7, 14, 21};

  /**
   * The probability that a position falls in {@code [start, end)}: its length for the native scheme
   * (positions are multiples of 2^-53), and the share of the lattice k/1000 (v1) or k/10000 (v2)
   * inside it for GrowthBook, whose hash takes only those values.
   */
  static double mass(HashScheme scheme, double start, double end) {
    int lattice =
        switch (scheme) {
          case GROWTHBOOK_V1 -> 1000;
          case GROWTHBOOK_V2 -> 10000;
          default -> 0;
        };
    if (lattice == 0) {
      return end - start;
    }
    int in = 0;
    for (int k = 0; k < lattice; k++) {
      double p = k / (double) lattice;
      if (p >= start && p < end) {
        in++;
      }
    }
    return in / (double) lattice;
  }

  @ParameterizedTest
  @EnumSource(
      value = HashScheme.class,
      names = {"NATIVE", "GROWTHBOOK_V1", "GROWTHBOOK_V2"})
  void rampKeepsEveryUnitInItsArm(HashScheme scheme) {
    Definitions def = Definitions.experiment("ramp-" + scheme.yaml).scheme(scheme);
    def.weights(WEIGHTS);
    for (int s = 0; s < TRAFFIC.length; s++) {
      def.step(DAYS[s], TRAFFIC[s]);
    }
    AssignmentPlan plan = def.plan(null);

    int[] armAt = new int[N];
    java.util.Arrays.fill(armAt, -1);
    for (int s = 0; s < TRAFFIC.length; s++) {
      Instant at = Definitions.START.plusSeconds(86_400L * DAYS[s] + 3_600);
      long[] counts = new long[WEIGHTS.length];
      for (int i = 0; i < N; i++) {
        Decision d = Assigner.decide(plan, "user-" + i, Map.of(), at);
        assertEquals(TRAFFIC[s], d.traffic(), 0.0);
        if (armAt[i] >= 0) {
          assertEquals(Status.ASSIGNED, d.status(), "user-" + i + " dropped at step " + s);
          assertEquals(armAt[i], d.armIndex(), "user-" + i + " changed arm at step " + s);
        }
        if (d.assigned()) {
          armAt[i] = d.armIndex();
          counts[d.armIndex()]++;
        }
      }
      double[][] ranges = Allocation.ranges(WEIGHTS, TRAFFIC[s]);
      for (int arm = 0; arm < WEIGHTS.length; arm++) {
        double p = mass(scheme, ranges[arm][0], ranges[arm][1]);
        // The mass is traffic x weight, up to the lattice step for GrowthBook.
        assertEquals(TRAFFIC[s] * WEIGHTS[arm], p, 1e-3 + 1e-12);
        double sd = Math.sqrt(N * p * (1 - p));
        assertTrue(
            Math.abs(counts[arm] - N * p) <= 4.5 * sd,
            scheme + " step " + s + " arm " + arm + ": " + counts[arm] + " vs " + N * p);
      }
    }
  }
}
