package io.assay.config;

import java.util.ArrayList;
import java.util.List;

/** The metrics an experiment declares, by role. Names refer to the metric catalog. */
public record MetricRefs(List<String> primary, List<String> secondary, List<String> guardrails) {
  public MetricRefs {
    primary = List.copyOf(primary);
    secondary = List.copyOf(secondary);
    guardrails = List.copyOf(guardrails);
  }

  public List<String> all() {
    List<String> out = new ArrayList<>(primary);
    out.addAll(secondary);
    out.addAll(guardrails);
    return out;
  }

  /** The role of a metric in this experiment: primary, secondary or guardrail. */
  public String roleOf(String metric) {
    if (primary.contains(metric)) {
      return "primary";
    }
    if (secondary.contains(metric)) {
      return "secondary";
    }
    return guardrails.contains(metric) ? "guardrail" : null;
  }
}
