package io.assay.stats.decision;

import java.util.ArrayList;
import java.util.List;

/**
 * The predeclared decision rule for one experiment (one treatment arm against control).
 *
 * <p>Each <b>primary</b> metric is classified by its adjusted p-value {@code p̃} and the sign of
 * its effect: <i>win</i> if {@code p̃ < α} in the good direction, <i>loss</i> if {@code p̃ < α} in
 * the bad direction, <i>flat</i> otherwise, <i>unusable</i> if {@code p̃} or the effect is null.
 * Each <b>guardrail</b> with margin {@code m} is <i>harmed</i> if its whole interval lies beyond
 * the margin on the bad side ({@code upper < −m} when an increase is good, {@code lower > m} when a
 * decrease is), <i>non-inferior</i> if its interval excludes harm beyond the margin ({@code lower >
 * −m}, resp. {@code upper < m}), and <i>inconclusive</i> otherwise (including an undefined
 * interval).
 *
 * <p>The rule, first match wins:
 *
 * <ol>
 *   <li><b>INVALID</b> if the sample-ratio check failed, the reconciliation failed, or there is no
 *       primary metric: the data cannot support any decision.
 *   <li><b>DONT_SHIP</b> if any guardrail is harmed or any primary is a loss — at any time:
 *       stopping for harm protects users, and only ever ends an experiment early.
 *   <li><b>KEEP_RUNNING</b> if this is not the final look and the analysis is not sequential:
 *       fixed-horizon p-values are only valid at the planned horizon.
 *   <li><b>INVALID</b> if a primary is unusable at the final look (at a sequential look before it:
 *       KEEP_RUNNING).
 *   <li><b>SHIP</b> if at least one primary is a win and every guardrail is non-inferior.
 *   <li><b>KEEP_RUNNING</b> if this is not the final look (sequential analysis).
 *   <li><b>DONT_SHIP</b> otherwise: the final look without a win, or a guardrail's non-inferiority
 *       was not shown.
 * </ol>
 *
 * <p>The <i>final look</i> is the planned sample size reached, or the experiment's end passed: the
 * end date is a horizon declared before launch too, so its fixed-horizon results are final. When
 * the end comes first, the reasons say that the planned size was not reached (the results are
 * underpowered for the target MDE).
 *
 * <p>The reasons name every condition that held on the way (all SRM/reconciliation failures, every
 * harmed guardrail and losing primary, every unusable primary, every guardrail without shown
 * non-inferiority), not only the first.
 */
public final class DecisionRule {
  private DecisionRule() {}

  /**
   * The inputs.
   *
   * @param primaries primary metrics (adjusted over their family)
   * @param guardrails guardrail metrics
   * @param srmFailed the sample-ratio-mismatch check failed
   * @param reconciliationFailed assignment reconciliation failed
   * @param plannedSampleReached the planned sample size is reached
   * @param ended the experiment's end has passed
   * @param sequential the p-values and intervals are always-valid (mSPRT), so early decisions are
   *     allowed
   * @param alpha the significance level the adjusted p-values are compared with
   */
  public record Input(
      List<PrimaryResult> primaries,
      List<GuardrailResult> guardrails,
      boolean srmFailed,
      boolean reconciliationFailed,
      boolean plannedSampleReached,
      boolean ended,
      boolean sequential,
      double alpha) {
    public Input {
      primaries = List.copyOf(primaries);
      guardrails = List.copyOf(guardrails);
      if (!(alpha > 0 && alpha < 1)) {
        throw new IllegalArgumentException("alpha must be in (0, 1), was " + alpha);
      }
    }
  }

  public static Verdict decide(Input in) {
    List<String> reasons = new ArrayList<>();
    if (in.srmFailed()) {
      reasons.add("sample ratio mismatch: the arms' sizes do not match the configured weights");
    }
    if (in.reconciliationFailed()) {
      reasons.add("assignment reconciliation failed: logged arms do not match recomputed ones");
    }
    if (in.primaries().isEmpty()) {
      reasons.add("no primary metric");
    }
    if (!reasons.isEmpty()) {
      return new Verdict(Decision.INVALID, reasons);
    }

    List<String> wins = new ArrayList<>();
    List<String> unusable = new ArrayList<>();
    for (PrimaryResult p : in.primaries()) {
      if (p.adjustedPValue() == null || p.effect() == null) {
        unusable.add(
            "primary "
                + p.metric()
                + " could not be analysed"
                + (p.error() == null ? "" : " (" + p.error().label() + ")"));
        continue;
      }
      boolean significant = p.adjustedPValue() < in.alpha();
      boolean good = p.increaseIsGood() ? p.effect() > 0 : p.effect() < 0;
      boolean bad = p.increaseIsGood() ? p.effect() < 0 : p.effect() > 0;
      if (significant && bad) {
        reasons.add(
            "primary " + p.metric() + " is significantly worse (adjusted p = " + fmt(p) + ")");
      } else if (significant && good) {
        wins.add(p.metric() + " (adjusted p = " + fmt(p) + ")");
      }
    }
    List<String> notShown = new ArrayList<>();
    for (GuardrailResult g : in.guardrails()) {
      switch (status(g)) {
        case HARMED ->
            reasons.add(
                "guardrail "
                    + g.metric()
                    + " is harmed beyond its margin "
                    + g.margin()
                    + " (interval "
                    + interval(g)
                    + ")");
        case INCONCLUSIVE ->
            notShown.add(
                "guardrail "
                    + g.metric()
                    + ": non-inferiority within margin "
                    + g.margin()
                    + " not shown (interval "
                    + interval(g)
                    + ")");
        case NON_INFERIOR -> {}
      }
    }
    if (!reasons.isEmpty()) {
      return new Verdict(Decision.DONT_SHIP, reasons);
    }
    boolean finalLook = in.plannedSampleReached() || in.ended();
    if (!finalLook && !in.sequential()) {
      reasons.add("planned sample size not reached: fixed-horizon results are not final yet");
      return new Verdict(Decision.KEEP_RUNNING, reasons);
    }
    if (!in.plannedSampleReached() && in.ended()) {
      reasons.add(
          "the experiment ended before its planned sample size was reached: the results are final"
              + " but underpowered for the target MDE");
    }
    if (!unusable.isEmpty()) {
      reasons.addAll(unusable);
      return new Verdict(finalLook ? Decision.INVALID : Decision.KEEP_RUNNING, reasons);
    }
    if (!wins.isEmpty() && notShown.isEmpty()) {
      for (String w : wins) {
        reasons.add("primary " + w + " is significantly better");
      }
      reasons.add("every guardrail is non-inferior");
      return new Verdict(Decision.SHIP, reasons);
    }
    if (wins.isEmpty()) {
      reasons.add("no primary metric is significantly better");
    }
    reasons.addAll(notShown);
    if (!finalLook) {
      reasons.add("planned sample size not reached");
      return new Verdict(Decision.KEEP_RUNNING, reasons);
    }
    return new Verdict(Decision.DONT_SHIP, reasons);
  }

  /** A guardrail's non-inferiority status (see the class comment). */
  public enum GuardrailStatus {
    HARMED,
    NON_INFERIOR,
    INCONCLUSIVE
  }

  public static GuardrailStatus status(GuardrailResult g) {
    Double lo = g.ciLower();
    Double hi = g.ciUpper();
    double m = g.margin();
    if (g.increaseIsGood()) {
      if (hi != null && hi < -m) {
        return GuardrailStatus.HARMED;
      }
      if (lo != null && lo > -m) {
        return GuardrailStatus.NON_INFERIOR;
      }
    } else {
      if (lo != null && lo > m) {
        return GuardrailStatus.HARMED;
      }
      if (hi != null && hi < m) {
        return GuardrailStatus.NON_INFERIOR;
      }
    }
    return GuardrailStatus.INCONCLUSIVE;
  }

  private static String fmt(PrimaryResult p) {
    return String.format(java.util.Locale.ROOT, "%.4g", p.adjustedPValue());
  }

  private static String interval(GuardrailResult g) {
    return "["
        + (g.ciLower() == null ? "-inf" : String.format(java.util.Locale.ROOT, "%.4g", g.ciLower()))
        + ", "
        + (g.ciUpper() == null ? "+inf" : String.format(java.util.Locale.ROOT, "%.4g", g.ciUpper()))
        + "]";
  }
}
