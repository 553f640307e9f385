package io.assay.config;

import java.time.Instant;
import java.util.List;

/**
 * The share of eligible units admitted over time: a fixed traffic is one step at the start; a ramp
 * is several steps in time order with non-decreasing traffic, so raising traffic never removes an
 * enrolled unit.
 */
public record TrafficSchedule(List<RampStep> steps) {
  public TrafficSchedule {
    steps = List.copyOf(steps);
  }

  /** Traffic in force at {@code t}: that of the last step at or before {@code t}, else 0. */
  public double trafficAt(Instant t) {
    double traffic = 0.0;
    for (RampStep s : steps) {
      if (!s.at().isAfter(t)) {
        traffic = s.traffic();
      }
    }
    return traffic;
  }

  /** Index of the step in force at {@code t}, or -1 before the first step. */
  public int stepAt(Instant t) {
    int idx = -1;
    for (int i = 0; i < steps.size(); i++) {
      if (!steps.get(i).at().isAfter(t)) {
        idx = i;
      }
    }
    return idx;
  }

  public double maxTraffic() {
    return steps.stream().mapToDouble(RampStep::traffic).max().orElse(0.0);
  }

  public boolean isRamp() {
    return steps.size() > 1;
  }
}
