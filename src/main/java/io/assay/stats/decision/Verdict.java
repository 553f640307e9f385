package io.assay.stats.decision;

import java.util.List;

/** A decision and the reasons for it, in the order the rule checked them. */
public record Verdict(Decision decision, List<String> reasons) {
  public Verdict {
    reasons = List.copyOf(reasons);
  }
}
