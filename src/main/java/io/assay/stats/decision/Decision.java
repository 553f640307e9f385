package io.assay.stats.decision;

/** What to do with an experiment; see {@link DecisionRule} for when each applies. */
public enum Decision {
  SHIP,
  DONT_SHIP,
  KEEP_RUNNING,
  INVALID
}
