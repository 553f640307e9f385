package io.assay.assignment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.config.AssayConfig;
import io.assay.config.Condition;
import io.assay.config.HashScheme;
import io.assay.config.Holdout;
import io.assay.config.Namespace;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The assigner's exclusions: namespace exclusivity, holdouts, determinism and the order of checks
 * (window, eligibility, holdout, namespace, traffic). Positions used as expectations come from
 * {@link NativeHash} and {@link GrowthBookHash}, which are pinned to independent vectors in
 * NativeHashTest and GrowthBookConformanceTest.
 */
class AssignerTest {
  private static final int N = 100_000;
  private static final AssayConfig SITE =
      Definitions.site(
          List.of(new Namespace("checkout", "ns-checkout-salt")),
          List.of(new Holdout("global", "holdout-2026", 0.0, 0.1)));
  private static final Instant AT = Definitions.START.plusSeconds(3_600);

  @ParameterizedTest
  @EnumSource(
      value = HashScheme.class,
      names = {"NATIVE", "GROWTHBOOK_V1", "GROWTHBOOK_V2"})
  void experimentsOnDisjointSlicesOfANamespaceNeverShareAUnit(HashScheme scheme) {
    AssignmentPlan a =
        Definitions.experiment("exp-a").scheme(scheme).namespace("checkout", 0.0, 0.4).plan(SITE);
    AssignmentPlan b =
        Definitions.experiment("exp-b").scheme(scheme).namespace("checkout", 0.4, 1.0).plan(SITE);
    int inA = 0;
    for (int i = 0; i < N; i++) {
      String unit = "user-" + i;
      Decision da = Assigner.decide(a, unit, Map.of(), AT);
      Decision db = Assigner.decide(b, unit, Map.of(), AT);
      assertFalse(da.assigned() && db.assigned(), unit + " is in both experiments");
      // The two slices cover the namespace and traffic is full: each unit is in exactly one.
      assertTrue(da.assigned() || db.assigned(), unit + " is in neither experiment");
      inA += da.assigned() ? 1 : 0;
    }
    double sd = Math.sqrt(N * 0.4 * 0.6);
    assertTrue(Math.abs(inA - N * 0.4) <= 4.5 * sd, "share of slice [0, 0.4): " + inA);
  }

  /**
   * Why the loader rejects a namespace shared across hash families (decision 0007): a native and a
   * GrowthBook experiment on disjoint slices compute unrelated namespace positions, so a quarter of
   * all units (0.5 × 0.5) are in both.
   */
  @Test
  void disjointSlicesUnderDifferentNamespaceHashesShareAQuarterOfTheUnits() {
    AssignmentPlan a = Definitions.experiment("exp-a").namespace("checkout", 0.0, 0.5).plan(SITE);
    AssignmentPlan b =
        Definitions.experiment("exp-b")
            .scheme(HashScheme.GROWTHBOOK_V2)
            .namespace("checkout", 0.5, 1.0)
            .plan(SITE);
    int both = 0;
    for (int i = 0; i < N; i++) {
      String unit = "user-" + i;
      if (Assigner.decide(a, unit, Map.of(), AT).assigned()
          && Assigner.decide(b, unit, Map.of(), AT).assigned()) {
        both++;
      }
    }
    double sd = Math.sqrt(N * 0.25 * 0.75);
    assertTrue(Math.abs(both - N * 0.25) <= 4.5 * sd, "units in both: " + both);
  }

  @Test
  void namespaceHashUsesTheSiteSaltForNativeAndTheNamespaceIdForGrowthBook() {
    AssignmentPlan nat = Definitions.experiment("n").namespace("checkout", 0, 0.5).plan(SITE);
    AssignmentPlan gb =
        Definitions.experiment("g")
            .scheme(HashScheme.GROWTHBOOK_V2)
            .namespace("checkout", 0, 0.5)
            .plan(SITE);
    assertEquals(
        NativeHash.position("ns-checkout-salt", "user-7"), nat.namespacePosition("user-7"), 0.0);
    assertEquals(
        GrowthBookHash.hash("__checkout", "user-7", 1), gb.namespacePosition("user-7"), 0.0);
  }

  @ParameterizedTest
  @EnumSource(
      value = HashScheme.class,
      names = {"NATIVE", "GROWTHBOOK_V1", "GROWTHBOOK_V2", "PLANOUT"})
  void holdoutUnitsAreNeverAssigned(HashScheme scheme) {
    AssignmentPlan plan =
        Definitions.experiment("held-" + scheme.yaml).scheme(scheme).holdout("global").plan(SITE);
    int held = 0;
    for (int i = 0; i < N; i++) {
      String unit = "user-" + i;
      Decision d = Assigner.decide(plan, unit, Map.of(), AT);
      // Holdouts span schemes, so membership is the native hash under the holdout's salt.
      boolean inHoldout = NativeHash.position("holdout-2026", unit) < 0.1;
      assertEquals(inHoldout ? Status.HOLDOUT : Status.ASSIGNED, d.status(), unit);
      held += inHoldout ? 1 : 0;
    }
    double sd = Math.sqrt(N * 0.1 * 0.9);
    assertTrue(Math.abs(held - N * 0.1) <= 4.5 * sd, "holdout share: " + held);
  }

  @Test
  void sameInputsGiveTheSameDecision() {
    Definitions def =
        Definitions.experiment("det")
            .namespace("checkout", 0.2, 0.9)
            .holdout("global")
            .weights(0.2, 0.3, 0.5)
            .step(0, 0.3)
            .step(10, 0.8);
    AssignmentPlan p1 = def.plan(SITE);
    AssignmentPlan p2 = def.plan(SITE);
    Instant later = AT.plusSeconds(3_000);
    for (int i = 0; i < 20_000; i++) {
      String unit = "user-" + i;
      Decision d = Assigner.decide(p1, unit, Map.of("country", "DE"), AT);
      assertEquals(d, Assigner.decide(p1, unit, Map.of("country", "DE"), AT));
      assertEquals(d, Assigner.decide(p2, unit, Map.of("country", "DE"), AT));
      // Another instant under the same ramp step decides the same.
      assertEquals(d, Assigner.decide(p2, unit, Map.of("country", "DE"), later));
    }
  }

  @Test
  void checksRunInOrderAndStopAtTheFirstExclusion() {
    Condition onlyDe = new Condition.In("country", List.of("DE"));
    AssignmentPlan plan =
        Definitions.experiment("order")
            .eligibility(onlyDe)
            .holdout("global")
            .namespace("checkout", 0.0, 0.5)
            .step(0, 0.5)
            .plan(SITE);
    // A unit that every later check would also exclude: in the holdout and outside the slice.
    String unit = null;
    for (int i = 0; unit == null; i++) {
      String u = "user-" + i;
      if (NativeHash.position("holdout-2026", u) < 0.1
          && NativeHash.position("ns-checkout-salt", u) >= 0.5) {
        unit = u;
      }
    }
    Map<String, String> de = Map.of("country", "DE");
    Map<String, String> fr = Map.of("country", "FR");

    Decision outside = Assigner.decide(plan, unit, fr, Definitions.END);
    assertEquals(Status.OUTSIDE_WINDOW, outside.status());
    assertNull(outside.eligible());
    assertEquals(
        Status.OUTSIDE_WINDOW,
        Assigner.decide(plan, unit, de, Definitions.START.minusSeconds(1)).status());

    Decision ineligible = Assigner.decide(plan, unit, fr, AT);
    assertEquals(Status.NOT_ELIGIBLE, ineligible.status());
    assertEquals(Boolean.FALSE, ineligible.eligible());
    assertNull(ineligible.holdoutPosition());

    Decision holdout = Assigner.decide(plan, unit, de, AT);
    assertEquals(Status.HOLDOUT, holdout.status());
    assertNotNull(holdout.holdoutPosition());
    assertNull(holdout.namespacePosition());
    assertNull(holdout.position());
  }

  @Test
  void namespaceBeforeTrafficAndTrafficBeforeArms() {
    AssignmentPlan plan =
        Definitions.experiment("order2").namespace("checkout", 0.0, 0.5).step(0, 0.5).plan(SITE);
    int seenNs = 0;
    int seenTraffic = 0;
    int seenAssigned = 0;
    for (int i = 0; i < 1000; i++) {
      String u = "user-" + i;
      Decision d = Assigner.decide(plan, u, Map.of(), AT);
      double ns = NativeHash.position("ns-checkout-salt", u);
      double pos = NativeHash.position("order2", u);
      if (ns >= 0.5) {
        assertEquals(Status.NOT_IN_NAMESPACE, d.status(), u);
        assertNull(d.position(), u);
        seenNs++;
      } else if (Allocation.choose(pos, Allocation.ranges(new double[] {0.5, 0.5}, 0.5)) < 0) {
        assertEquals(Status.NOT_IN_TRAFFIC, d.status(), u);
        assertEquals(0.5, d.traffic(), 0.0);
        seenTraffic++;
      } else {
        assertEquals(Status.ASSIGNED, d.status(), u);
        assertEquals(pos < 0.25 ? "arm0" : "arm1", d.arm(), u);
        seenAssigned++;
      }
    }
    assertTrue(seenNs > 0 && seenTraffic > 0 && seenAssigned > 0);
  }

  @Test
  void beforeTheFirstRampStepNoUnitIsAdmitted() {
    AssignmentPlan plan = Definitions.experiment("late").step(3, 1.0).plan(null);
    Decision d = Assigner.decide(plan, "user-1", Map.of(), AT);
    assertEquals(Status.NOT_IN_TRAFFIC, d.status());
    assertEquals(0.0, d.traffic(), 0.0);
    assertEquals(-1, d.armIndex());
  }

  @Test
  void emptyUnitIdIsRejected() {
    AssignmentPlan plan = Definitions.experiment("e").plan(null);
    assertThrows(IllegalArgumentException.class, () -> Assigner.decide(plan, "", Map.of(), AT));
    assertThrows(IllegalArgumentException.class, () -> Assigner.decide(plan, null, Map.of(), AT));
  }

  @Test
  void eligibilityIsEvaluatedOnTheUnitsAttributes() {
    AssignmentPlan plan =
        Definitions.experiment("elig")
            .eligibility(new Condition.Compare("age", Condition.Op.GTE, 18))
            .plan(null);
    assertEquals(Status.ASSIGNED, Assigner.decide(plan, "u1", Map.of("age", "18"), AT).status());
    assertEquals(
        Status.NOT_ELIGIBLE, Assigner.decide(plan, "u1", Map.of("age", "17.5"), AT).status());
    assertEquals(Status.NOT_ELIGIBLE, Assigner.decide(plan, "u1", Map.of(), AT).status());
    assertEquals(Status.NOT_ELIGIBLE, Assigner.decide(plan, "u1", null, AT).status());
  }
}
