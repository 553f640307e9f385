package io.assay.stats.decision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.assay.stats.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per clause of the rule documented on {@link DecisionRule}. */
class DecisionRuleTest {
  static final PrimaryResult WIN = new PrimaryResult("conversion", 0.01, 0.02, true, null);
  static final PrimaryResult FLAT = new PrimaryResult("conversion", 0.30, 0.01, true, null);
  static final PrimaryResult LOSS = new PrimaryResult("conversion", 0.01, -0.02, true, null);
  // Latency: a decrease is good; interval [−3%, +0.5%] with a 1% margin is non-inferior.
  static final GuardrailResult OK = new GuardrailResult("latency", -0.03, 0.005, 0.01, false, null);
  static final GuardrailResult UNSURE =
      new GuardrailResult("latency", -0.01, 0.02, 0.01, false, null);
  static final GuardrailResult HARMED =
      new GuardrailResult("latency", 0.015, 0.04, 0.01, false, null);

  static Verdict decide(
      List<PrimaryResult> p,
      List<GuardrailResult> g,
      boolean srm,
      boolean recon,
      boolean reached,
      boolean sequential) {
    return DecisionRule.decide(
        new DecisionRule.Input(p, g, srm, recon, reached, false, sequential, 0.05));
  }

  /** As {@link #decide} at a look after the experiment's end. */
  static Verdict decideEnded(List<PrimaryResult> p, List<GuardrailResult> g, boolean reached) {
    return DecisionRule.decide(
        new DecisionRule.Input(p, g, false, false, reached, true, false, 0.05));
  }

  @Test
  void invalidOnSrmOrReconciliationOrNoPrimary() {
    Verdict v = decide(List.of(WIN), List.of(OK), true, true, true, false);
    assertEquals(Decision.INVALID, v.decision());
    assertEquals(2, v.reasons().size());
    assertEquals(
        Decision.INVALID, decide(List.of(), List.of(OK), false, false, true, false).decision());
  }

  @Test
  void dontShipOnHarmEvenEarly() {
    Verdict v = decide(List.of(WIN), List.of(HARMED), false, false, false, false);
    assertEquals(Decision.DONT_SHIP, v.decision());
    assertTrue(v.reasons().get(0).contains("latency"), v.reasons().toString());
    assertEquals(
        Decision.DONT_SHIP,
        decide(List.of(LOSS), List.of(OK), false, false, false, false).decision());
  }

  @Test
  void keepRunningBeforePlannedSizeWithoutSequential() {
    assertEquals(
        Decision.KEEP_RUNNING,
        decide(List.of(WIN), List.of(OK), false, false, false, false).decision());
  }

  @Test
  void shipOnWinWithNonInferiorGuardrails() {
    Verdict v = decide(List.of(WIN, FLAT), List.of(OK), false, false, true, false);
    assertEquals(Decision.SHIP, v.decision());
    // Sequential analysis may ship early.
    assertEquals(
        Decision.SHIP, decide(List.of(WIN), List.of(OK), false, false, false, true).decision());
  }

  @Test
  void dontShipAtPlannedSizeWithoutWinOrWithUnprovenGuardrail() {
    assertEquals(
        Decision.DONT_SHIP,
        decide(List.of(FLAT), List.of(OK), false, false, true, false).decision());
    Verdict v = decide(List.of(WIN), List.of(UNSURE), false, false, true, false);
    assertEquals(Decision.DONT_SHIP, v.decision());
    assertTrue(v.reasons().stream().anyMatch(r -> r.contains("non-inferiority")), v.toString());
  }

  @Test
  void sequentialBeforePlannedSizeKeepsRunningWhenUndecided() {
    assertEquals(
        Decision.KEEP_RUNNING,
        decide(List.of(FLAT), List.of(OK), false, false, false, true).decision());
  }

  @Test
  void unusablePrimaryIsInvalidAtPlannedSize() {
    PrimaryResult broken = new PrimaryResult("revenue", null, null, true, ErrorCode.ZERO_VARIANCE);
    Verdict v = decide(List.of(WIN, broken), List.of(OK), false, false, true, false);
    assertEquals(Decision.INVALID, v.decision());
    assertTrue(v.reasons().get(0).contains("zero_variance"), v.toString());
    assertEquals(
        Decision.KEEP_RUNNING,
        decide(List.of(broken), List.of(OK), false, false, false, true).decision());
  }

  /**
   * The end date is a declared horizon: after it the fixed-horizon results are final even when the
   * planned sample size was not reached, and the reasons say the results are underpowered.
   */
  @Test
  void afterTheEndTheResultsAreFinalAndAnUnreachedPlanIsSaid() {
    Verdict win = decideEnded(List.of(WIN), List.of(OK), false);
    assertEquals(Decision.SHIP, win.decision());
    assertTrue(win.reasons().stream().anyMatch(r -> r.contains("underpowered")), win.toString());
    Verdict flat = decideEnded(List.of(FLAT), List.of(OK), false);
    assertEquals(Decision.DONT_SHIP, flat.decision());
    assertTrue(flat.reasons().stream().anyMatch(r -> r.contains("ended before")), flat.toString());
    PrimaryResult broken = new PrimaryResult("revenue", null, null, true, ErrorCode.ZERO_VARIANCE);
    assertEquals(Decision.INVALID, decideEnded(List.of(broken), List.of(OK), false).decision());
    // Reached before the end: nothing to add.
    Verdict reached = decideEnded(List.of(FLAT), List.of(OK), true);
    assertTrue(reached.reasons().stream().noneMatch(r -> r.contains("underpowered")), "" + reached);
  }

  /** Non-inferiority bounds, increase-is-good direction: margin 0.01 means "no worse than −1%". */
  @Test
  void guardrailClassification() {
    assertEquals(
        DecisionRule.GuardrailStatus.NON_INFERIOR,
        DecisionRule.status(new GuardrailResult("g", -0.005, 0.02, 0.01, true, null)));
    assertEquals(
        DecisionRule.GuardrailStatus.HARMED,
        DecisionRule.status(new GuardrailResult("g", -0.05, -0.02, 0.01, true, null)));
    assertEquals(
        DecisionRule.GuardrailStatus.INCONCLUSIVE,
        DecisionRule.status(new GuardrailResult("g", -0.02, 0.01, 0.01, true, null)));
    // One-sided interval with an open upper end: lower bound decides non-inferiority.
    assertEquals(
        DecisionRule.GuardrailStatus.NON_INFERIOR,
        DecisionRule.status(new GuardrailResult("g", -0.005, null, 0.01, true, null)));
    assertEquals(
        DecisionRule.GuardrailStatus.INCONCLUSIVE,
        DecisionRule.status(new GuardrailResult("g", null, null, 0.01, true, null)));
  }
}
