package io.assay.generate;

import io.assay.config.ExperimentDefinition;
import io.assay.config.MetricCatalog;
import io.assay.config.MetricDefinition;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;

/**
 * The world's calendar. Exposures happen on {@code days} days from {@code t0}, the earliest
 * experiment start (midnight UTC of its day). Metric events cover a longer span, so every unit has
 * a complete pre-period (CUPED covariate) before its first exposure and a complete analysis window
 * after it: {@code [t0 - pre, exposuresEnd + post)} with {@code pre} at least 14 days and {@code
 * post} at least 7, longer when a metric of the catalog needs it.
 */
public record Timeline(Instant t0, Instant exposuresEnd, Instant metricsFrom, Instant metricsTo) {
  static final Duration MIN_PRE = Duration.ofDays(14);
  static final Duration MIN_POST = Duration.ofDays(7);
  static final long DAY_MS = 86_400_000L;

  public static Timeline of(
      Collection<ExperimentDefinition> experiments, MetricCatalog catalog, int days) {
    Instant t0 =
        experiments.stream()
            .map(ExperimentDefinition::start)
            .min(Instant::compareTo)
            .orElseThrow(() -> new IllegalArgumentException("no experiments to generate"))
            .truncatedTo(ChronoUnit.DAYS);
    Duration pre = MIN_PRE;
    Duration post = MIN_POST;
    for (MetricDefinition m : catalog.all()) {
      post = max(post, m.window().to());
      pre = max(pre, m.window().from().negated());
      if (m.cupedWindow().isPresent()) {
        pre = max(pre, m.cupedWindow().get().from().negated());
      }
    }
    Instant end = t0.plus(Duration.ofDays(days));
    return new Timeline(t0, end, t0.minus(pre), end.plus(post));
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
